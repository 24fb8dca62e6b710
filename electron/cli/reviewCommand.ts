// `coalmine review` (the post-deployment review of a rollout, in any format) and `coalmine notes`
// (show or replace what the analyst wrote into it: author, sign-off, actions, root cause,
// recommendations).
import fs from 'node:fs';
import path from 'node:path';
import { type Command, Option } from 'commander';
import { CoalmineError } from '../../shared/errors.js';
import { REVIEW_FORMATS, type ReviewFormat, type ReviewNotes, reviewNotesSchema } from '../../shared/review.js';
import { findRolloutWindow, rolloutIdOf } from '../core/analysis/rollouts.js';
import type { CaseDb } from '../core/case/caseStore.js';
import { readReviewNotes, saveReviewNotes } from '../core/case/reviewNotes.js';
import { listSources } from '../core/case/sources.js';
import { renderReview } from '../core/review/renderReview.js';
import { buildReviewDocument } from '../core/review/reviewModel.js';
import { type Io, withCase, withWritableCase } from './caseAccess.js';
import { terminalText } from './terminalText.js';

/** Standard output for bytes: a PDF goes there only when it is not a terminal. */
export interface BinaryOut {
  isTerminal: boolean;
  write(bytes: Buffer): void;
}

const processStdout: BinaryOut = {
  get isTerminal() {
    return process.stdout.isTTY === true;
  },
  write: (bytes) => {
    process.stdout.write(bytes);
  },
};

/** A path as the file system names it, following links; the path itself when it does not exist yet. */
function realPathOf(file: string): string {
  const absolute = path.resolve(file);
  try {
    return fs.realpathSync(absolute);
  } catch {
    try {
      return path.join(fs.realpathSync(path.dirname(absolute)), path.basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/**
 * Writes the review to `file`, never over evidence: the case (with its write-ahead log) and the
 * logs imported into it are refused by name. The bytes go to a temporary file beside it first,
 * renamed into place, so an interrupted write leaves no half review under the name asked for.
 */
function writeReviewFile(file: string, bytes: Buffer, evidence: { path: string; what: string }[]): void {
  const target = realPathOf(file);
  const clash = evidence.find((e) => realPathOf(e.path) === target);
  if (clash) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${file} is ${clash.what}: a review never overwrites evidence; choose another --out`,
    );
  }
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.coalmine-tmp`);
  try {
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new CoalmineError('WRITE_FAILED', `${file}: cannot write the review (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** The notes in a JSON file (`-`: standard input), checked field by field; errors name the file. */
export function readNotesFile(file: string): ReviewNotes {
  const shown = file === '-' ? 'standard input' : file;
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (error) {
    throw new CoalmineError('UNREADABLE', `${shown}: cannot read (${(error as Error).message})`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CoalmineError('BAD_INPUT', `${shown}: not JSON (${(error as Error).message})`);
  }
  const parsed = reviewNotesSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length === 0 ? '(the whole file)' : issue.path.join('.')}: ${issue.message}`,
    );
    throw new CoalmineError('BAD_INPUT', `${shown}: not review notes\n  ${problems.join('\n  ')}`);
  }
  return parsed.data;
}

export function addReviewCommands(program: Command, io: Io, stdout: BinaryOut = processStdout): void {
  program
    .command('review')
    .description('write the post-deployment review of a rollout (personal data pseudonymised unless told)')
    .argument('<case>', 'case file')
    .option('--rollout <id>', 'rollout id; needed when the case holds several')
    .addOption(
      new Option('--format <format>', 'md (Markdown with YAML front matter), html, pdf or json')
        .choices(REVIEW_FORMATS)
        .default('md'),
    )
    .option('--out <file>', 'write to this file instead of standard output (needed for pdf on a terminal)')
    .option('--no-pseudonymise', 'show client IPs, e-mail addresses and user names in clear')
    .addHelpText(
      'after',
      `
The review reads the case without changing it. Times are DD/MM/YYYY HH:mm:ss in Europe/London.
The PDF is drawn by Coalmine itself (no browser needed); the desktop app prints it from the HTML.
Examples:
  coalmine review case.coalmine --format html --out review.html
  coalmine review case.coalmine --format pdf --out review.pdf
  coalmine review case.coalmine --format json | jq .verdict`,
    )
    .action(
      async (
        casePath: string,
        opts: { rollout?: string; format: ReviewFormat; out?: string; pseudonymise: boolean },
      ) => {
        // Checked before any work: a PDF's bytes would garble the terminal.
        if (opts.format === 'pdf' && opts.out === undefined && stdout.isTerminal) {
          throw new CoalmineError(
            'BAD_INPUT',
            'a PDF is not for a terminal: write it to a file with --out FILE (or pipe it to another program)',
          );
        }
        const { doc, evidence } = withCase(casePath, (db) => ({
          doc: buildReviewDocument(db, {
            ...(opts.rollout === undefined ? {} : { rolloutId: opts.rollout }),
            pseudonymise: opts.pseudonymise,
          }),
          evidence: [
            ...['', '-wal', '-shm', '-journal'].map((suffix) => ({
              path: `${casePath}${suffix}`,
              what: suffix === '' ? 'the case file' : `the case's ${suffix.slice(1)} file`,
            })),
            ...listSources(db).map((s) => ({ path: s.path, what: `the log imported as source ${s.id}` })),
          ],
        }));
        const { bytes } = await renderReview(doc, opts.format);
        if (opts.out !== undefined) {
          writeReviewFile(opts.out, bytes, evidence);
          io.err(`review written to ${terminalText(opts.out)}\n`);
        } else if (opts.format === 'pdf') {
          stdout.write(bytes);
        } else {
          io.out(bytes.toString('utf8'));
        }
      },
    );

  program
    .command('notes')
    .description("show or replace the analyst's notes of a rollout's review (JSON)")
    .argument('<case>', 'case file')
    .option('--rollout <id>', 'rollout id; needed when the case holds several')
    .option('--set <file>', 'replace the notes with those of this JSON file (- reads standard input)')
    .addHelpText(
      'after',
      `
The notes are JSON; every field is optional, and what is left out is drafted from the findings:
  {
    "author": "A. Analyst",
    "signOff": { "name": "B. Lead", "role": "Service owner", "date": "20/11/2026" },
    "actions": [{ "at": "19/11/2026 10:05:00", "text": "Rolled the canary back", "by": "A. Analyst" }],
    "rootCause": { "whatOccurred": "…", "why": "…", "prevention": "…" },
    "dismissedRecommendations": ["profile-endpoints"],
    "editedRecommendations": { "key-rotation": "Check the JWKS rotation schedule" },
    "addedRecommendations": ["Add a canary check on 401 rates"]
  }
Times are DD/MM/YYYY HH:mm:ss in Europe/London, with GMT or BST added in the hour the clocks go
back (it happens twice); a time the clocks skip is refused. A sign-off date is DD/MM/YYYY.
Examples:
  coalmine notes case.coalmine > notes.json
  coalmine notes case.coalmine --set notes.json`,
    )
    .action((casePath: string, opts: { rollout?: string; set?: string }) => {
      let notes: ReviewNotes;
      if (opts.set !== undefined) {
        // The file is checked before the case is opened for writing.
        const given = readNotesFile(opts.set);
        notes = withWritableCase(casePath, 'review notes cannot be saved in it', (db) =>
          saveReviewNotes(db, rolloutIdFor(db, opts.rollout), given),
        );
        io.err(`review notes saved in ${terminalText(casePath)}\n`);
      } else {
        notes = withCase(casePath, (db) => readReviewNotes(db, rolloutIdFor(db, opts.rollout)));
      }
      io.out(JSON.stringify(notes, null, 2) + '\n');
    });
}

/** The rollout named, checked to exist in the case, or the only one. */
function rolloutIdFor(db: CaseDb, rolloutId: string | undefined): string {
  const window = findRolloutWindow(db, rolloutId);
  return rolloutIdOf(window.service, window.canaryVersion, window.environment);
}
