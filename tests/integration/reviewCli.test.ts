// `coalmine review` and `coalmine notes` as a user runs them (the built CLI), on the demo
// case's logs: every format written with --out and to standard output, personal data hidden
// unless asked, the analyst's notes saved from a file and found in the review.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReviewDocument } from '../../shared/review.js';
import { coalmine, projectRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempCase.js';

const demoDir = path.join(projectRoot, 'resources/demo');
const demoFiles = fs
  .readdirSync(demoDir)
  .filter((f) => f.endsWith('.ndjson'))
  .map((f) => path.join(demoDir, f));
const ROLLOUT = 'checkout-api@4.13.0';
/**
 * The demo's users are e-mail addresses at example.com; none may show in a pseudonymised
 * review (a pseudonym may keep an address's shape, on a domain of its own).
 */
const EMAIL = /[\w.+-]+@example\.com\b/i;

let casePath = '';
let dir = '';

/** A fresh copy of the demo case (the notes tests write to theirs). */
function demoCaseCopy(name: string): string {
  const copy = path.join(tempDir(), name);
  fs.copyFileSync(casePath, copy);
  return copy;
}

beforeAll(() => {
  // Kept for the whole file (tempDir folders go after each test).
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-review-cli-'));
  casePath = path.join(dir, 'demo.coalmine');
  const imported = coalmine(['import', casePath, ...demoFiles]);
  if (imported.code !== 0) throw new Error(`import failed: ${imported.stderr}`);
  return () => fs.rmSync(dir, { recursive: true, force: true });
});

function review(args: string[], file = casePath) {
  return coalmine(['review', file, ...args]);
}

describe('coalmine review', () => {
  it('writes Markdown with a YAML front matter to standard output by default, the same bytes as --out', () => {
    const run = review([]);
    expect(run.code, run.stderr).toBe(0);
    const markdown = run.stdout;
    expect(markdown).toMatch(/^---\n[\s\S]*?\n---\n/);
    const frontMatter = /^---\n([\s\S]*?)\n---\n/.exec(markdown)?.[1] ?? '';
    expect(frontMatter).toMatch(/^title: /m);
    expect(frontMatter).toMatch(/^service: .*checkout-api/m);
    expect(markdown).toMatch(/^#{1,2} .*Summary/m);
    expect(markdown).toContain('19/11/2026 09:15:00 GMT');
    expect(markdown).not.toMatch(EMAIL);

    const out = path.join(tempDir(), 'review.md');
    const written = review(['--format', 'md', '--out', out]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    expect(written.stderr).toContain(`review written to ${out}`);
    expect(fs.readFileSync(out, 'utf8')).toBe(markdown);
    // The same case gives the same bytes.
    expect(review(['--rollout', ROLLOUT]).stdout).toBe(markdown);
  });

  it('writes one self-contained HTML file', () => {
    const out = path.join(tempDir(), 'review.html');
    const run = review(['--format', 'html', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const html = fs.readFileSync(out, 'utf8');
    expect(html.slice(0, 15).toLowerCase()).toBe('<!doctype html>');
    expect(html).toContain('19/11/2026 09:15:00 GMT');
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(EMAIL);
    expect(review(['--format', 'html']).stdout).toBe(html);
  });

  it('writes the JSON document model, to standard output or a file', () => {
    const run = review(['--format', 'json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as ReviewDocument;
    expect(doc).toMatchObject({ schemaVersion: 1, rolloutId: ROLLOUT, service: 'checkout-api', pseudonymised: true });
    expect(doc.window.from.uk).toBe('19/11/2026 09:15:00 GMT');
    expect(run.stdout).not.toMatch(EMAIL);
    const out = path.join(tempDir(), 'review.json');
    expect(review(['--format', 'json', '--out', out]).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toBe(run.stdout);
  });

  it('writes a PDF with --out, and to standard output when that is not a terminal', () => {
    const out = path.join(tempDir(), 'review.pdf');
    const run = review(['--format', 'pdf', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const pdf = fs.readFileSync(out);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(1000);

    const piped = spawnSync(process.execPath, [
      path.join(projectRoot, 'bin/coalmine.js'),
      'review',
      casePath,
      '--format',
      'pdf',
    ]);
    expect(piped.status, piped.stderr.toString()).toBe(0);
    expect(piped.stdout.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('refuses to write a PDF to a terminal, saying to use --out', () => {
    // `script` gives the command a real terminal for its output.
    const script = spawnSync('script', ['--version']);
    if (script.status !== 0) {
      console.warn('skipped: util-linux `script` is not installed, so no terminal can be given to the CLI');
      return;
    }
    const command = [process.execPath, path.join(projectRoot, 'bin/coalmine.js'), 'review', casePath, '--format', 'pdf']
      .map((arg) => `'${arg.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('--out');
    expect(run.stdout).not.toContain('%PDF-');
  });

  it('shows personal data in clear only with --no-pseudonymise', () => {
    const clear = review(['--format', 'json', '--no-pseudonymise']);
    expect(clear.code, clear.stderr).toBe(0);
    expect((JSON.parse(clear.stdout) as ReviewDocument).pseudonymised).toBe(false);
    expect(clear.stdout).toMatch(/@example\.com/);
    const md = review(['--no-pseudonymise']);
    expect(md.stdout).not.toBe(review([]).stdout);
  });

  it('never writes the review over the case or a log imported into it', () => {
    const copy = demoCaseCopy('kept.coalmine');
    const before = fs.readFileSync(copy);
    const overCase = review(['--format', 'html', '--out', copy], copy);
    expect(overCase.code).toBe(2);
    expect(overCase.stderr).toContain(`${copy} is the case file`);
    expect(fs.readFileSync(copy).equals(before)).toBe(true);

    // The same file by another name (a link) is the same file.
    const link = path.join(path.dirname(copy), 'link-to-log.ndjson');
    fs.symlinkSync(demoFiles[0] ?? '', link);
    const logBefore = fs.readFileSync(demoFiles[0] ?? '');
    const overLog = review(['--out', link], copy);
    expect(overLog.code).toBe(2);
    expect(overLog.stderr).toMatch(/is the log imported as source \d+/);
    expect(fs.readFileSync(demoFiles[0] ?? '').equals(logBefore)).toBe(true);
    // Nothing half-written is left beside it.
    expect(fs.readdirSync(path.dirname(copy)).filter((f) => f.includes('coalmine-tmp'))).toEqual([]);
  });

  it('reads the case without changing it', () => {
    const copy = demoCaseCopy('untouched.coalmine');
    const before = fs.readFileSync(copy);
    for (const format of ['md', 'html', 'json', 'pdf']) {
      expect(review(['--format', format, '--out', path.join(tempDir(), `r.${format}`)], copy).code).toBe(0);
    }
    expect(fs.readFileSync(copy).equals(before)).toBe(true);
    expect(fs.existsSync(`${copy}-wal`)).toBe(false);
  });

  it('names the file it cannot write, the rollout it cannot find and the format it does not know', () => {
    const out = path.join(tempDir(), 'missing-folder', 'review.html');
    const unwritable = review(['--format', 'html', '--out', out]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain(`${out}: cannot write the review`);
    expect(unwritable.stderr).not.toContain('unexpected error');

    const noRollout = review(['--rollout', 'search@7']);
    expect(noRollout.code).toBe(2);
    expect(noRollout.stderr).toContain('search@7');

    const badFormat = review(['--format', 'docx']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/docx/);
  });

  it('documents every format and the switches in --help', () => {
    const help = coalmine(['review', '--help']).stdout;
    for (const word of ['--format', 'md', 'html', 'pdf', 'json', '--out', '--no-pseudonymise', '--rollout']) {
      expect(help).toContain(word);
    }
    const notesHelp = coalmine(['notes', '--help']).stdout;
    expect(notesHelp).toContain('--set');
    expect(notesHelp).toContain('DD/MM/YYYY');
  });
});

describe('coalmine notes', () => {
  const notes = {
    author: 'Ada Analyst',
    signOff: { name: 'Ben Lead', role: 'Service owner', date: '20/11/2026' },
    actions: [{ at: '19/11/2026 10:06:00', text: 'Rolled the canary back to 4.12.3', by: 'Ada Analyst' }],
    rootCause: {
      whatOccurred: 'The canary rejected valid tokens after the signing key rotated.',
      why: 'Version 4.13.0 cached the key set without a refresh.',
      prevention: 'Refresh the key set on an unknown key id.',
    },
    addedRecommendations: ['Add a canary alert on the 401 rate'],
  };

  it('prints no notes for a new case, saves them from a file, and the review shows them', () => {
    const copy = demoCaseCopy('notes.coalmine');
    const empty = coalmine(['notes', copy]);
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({});

    const file = path.join(tempDir(), 'notes.json');
    fs.writeFileSync(file, JSON.stringify(notes));
    const saved = coalmine(['notes', copy, '--rollout', ROLLOUT, '--set', file]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(saved.stdout)).toEqual(notes);
    expect(JSON.parse(coalmine(['notes', copy]).stdout)).toEqual(notes);

    const doc = JSON.parse(review(['--format', 'json'], copy).stdout) as ReviewDocument;
    expect(doc.author).toBe('Ada Analyst');
    expect(doc.signOff).toEqual({ name: 'Ben Lead', role: 'Service owner', date: '20/11/2026' });
    expect(doc.rootCause).toMatchObject({ whatOccurred: notes.rootCause.whatOccurred, draft: false });
    const action = doc.actions.find((a) => a.origin === 'analyst');
    expect(action).toMatchObject({ text: 'Rolled the canary back to 4.12.3', by: 'Ada Analyst' });
    expect(action?.at?.uk).toBe('19/11/2026 10:06:00 GMT');
    expect(doc.recommendations.map((r) => r.text)).toContain('Add a canary alert on the 401 rate');

    const markdown = review([], copy).stdout;
    expect(markdown).toContain('Ada Analyst');
    expect(markdown).toContain('Refresh the key set on an unknown key id');
    expect(markdown).toContain('19/11/2026 10:06:00');
  });

  it('reads the notes from standard input with --set -', () => {
    const copy = demoCaseCopy('stdin.coalmine');
    const run = spawnSync(process.execPath, [path.join(projectRoot, 'bin/coalmine.js'), 'notes', copy, '--set', '-'], {
      input: JSON.stringify({ author: 'From a pipe' }),
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(coalmine(['notes', copy]).stdout)).toEqual({ author: 'From a pipe' });
  });

  it('refuses a bad notes file, naming the file and the field, and leaves the case as it was', () => {
    const copy = demoCaseCopy('bad.coalmine');
    const before = fs.readFileSync(copy);
    const folder = tempDir();
    const write = (name: string, text: string): string => {
      const file = path.join(folder, name);
      fs.writeFileSync(file, text);
      return file;
    };

    const notJson = write('not-json.json', '{ author: nobody }');
    const a = coalmine(['notes', copy, '--set', notJson]);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain(`${notJson}: not JSON`);

    const badDate = write('bad-date.json', JSON.stringify({ signOff: { date: '2026-11-20' } }));
    const b = coalmine(['notes', copy, '--set', badDate]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(badDate);
    expect(b.stderr).toContain('signOff.date');
    expect(b.stderr).toContain('DD/MM/YYYY');

    const badAction = write('bad-action.json', JSON.stringify({ actions: [{ at: '11/20/2026 3:00 PM', text: 'x' }] }));
    const c = coalmine(['notes', copy, '--set', badAction]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain('actions.0.at');

    const unknownField = write('unknown.json', JSON.stringify({ autor: 'typo' }));
    const d = coalmine(['notes', copy, '--set', unknownField]);
    expect(d.code).toBe(2);
    expect(d.stderr).toContain(unknownField);
    expect(d.stderr).toContain('autor');

    const missing = path.join(folder, 'absent.json');
    const e = coalmine(['notes', copy, '--set', missing]);
    expect(e.code).toBe(2);
    expect(e.stderr).toContain(`${missing}: cannot read`);

    for (const run of [a, b, c, d, e]) expect(run.stderr).not.toContain('unexpected error');
    expect(fs.readFileSync(copy).equals(before)).toBe(true);
  });
});
