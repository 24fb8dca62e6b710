// The `coalmine` command line over the core. Exit codes: 0 done; 1 done but some lines were
// rejected (they are listed); 2 usage error or unreadable input, with a message naming it.
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { formatComparisonCell, formatVariance } from '../../shared/metricFormat.js';
import type { SourceSummary } from '../../shared/api.js';
import { CoalmineError } from '../../shared/errors.js';
import { formatUkWithZone } from '../../shared/ukTime.js';
import { analyseRollout } from '../core/analysis/compare.js';
import { listRollouts } from '../core/analysis/rollouts.js';
import { type CaseDb, closeCase, openCase } from '../core/case/caseStore.js';
import { listSources, listUnfinishedSources } from '../core/case/sources.js';
import { ensureDemoCase } from '../core/demo/demoCase.js';
import { FORMATS } from '../core/ingest/formats/index.js';
import { type ImportResult, importFile } from '../core/ingest/importFile.js';
import { checkZone } from '../core/ingest/time.js';
import { defaultDemoCasePath, demoLogsDir, rendererDir } from '../core/paths.js';
import { markdownReviewOf } from '../core/review/markdownReview.js';
import { folderPicker } from '../core/importJobs.js';
import { createService } from '../core/service.js';
import { startWebServer } from '../web/webServer.js';
import { parseCsvMapping } from '../core/ingest/formats/csv.js';
import { clearProgress, progressPrinter } from './progressBar.js';
import { addTagCommands, csvMappingForImport, recordCsvMapping } from './tagCommands.js';
import { terminalLines, terminalText } from './terminalText.js';
import { textTable } from './textTable.js';

export const EXIT_OK = 0;
export const EXIT_REJECTS = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Reading commands open the case read-only: looking at evidence never changes it. */
function withCase<T>(casePath: string, work: (db: CaseDb) => T): T {
  const db = openCase(casePath, { readOnly: true });
  try {
    return work(db);
  } finally {
    closeCase(db);
  }
}

function printImport(io: Io, result: ImportResult): void {
  const name = terminalText(result.path);
  if (result.duplicateOf) {
    io.err(`${name}: already imported as source #${result.duplicateOf.id} (same SHA-256); skipped\n`);
    return;
  }
  io.err(
    `${name}: ${result.format}${result.compression ? ` (${result.compression})` : ''}, ` +
      `${result.events} events from ${result.lines} lines, ${result.rejects} rejected` +
      `${result.state === 'complete' ? '' : ` (${result.state})`}\n`,
  );
  if (result.cut) {
    io.err(`  ${name}:${result.cut.line}: ${terminalText(result.cut.reason)}\n`);
  }
  if (result.replaced.length > 0) {
    io.err(
      `  replaces the interrupted import${result.replaced.length > 1 ? 's' : ''} #${result.replaced.join(', #')}\n`,
    );
  }
  for (const reject of result.rejectSample) {
    io.err(`  ${name}:${reject.line}: ${terminalText(reject.reason)}\n`);
  }
  if (result.rejects > result.rejectSample.length) {
    io.err(`  … and ${result.rejects - result.rejectSample.length} more rejected lines, kept in the case\n`);
  }
}

function warnUnfinished(io: Io, sources: SourceSummary[]): void {
  for (const x of sources) {
    io.err(`warning: source #${x.id} (${terminalText(x.name)}) is ${x.state}; its events are not counted\n`);
  }
}

function checkReadableFile(file: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new CoalmineError('UNREADABLE', `${file}: no such file`);
  }
  if (!stat.isFile()) throw new CoalmineError('UNREADABLE', `${file}: not a regular file`);
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('coalmine')
    .description('Forensics of canary rollouts: import logs, compare canary with stable, write the review.')
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError();

  program
    .command('import')
    .description('import log files into a case (created if absent)')
    .argument('<case>', 'case file (*.coalmine)')
    .argument('<files...>', 'log files, plain or gzip (the format is told from their first lines)')
    .addOption(
      new Option('--format <name>', 'read every file as this format instead of detecting it').choices(
        FORMATS.map((f) => f.name),
      ),
    )
    .addOption(new Option('--track <track>', 'tag every event of these files').choices(['canary', 'stable']))
    .option('--service <name>', 'service name for every event of these files')
    .option('--version <version>', 'service version for every event of these files')
    .option('--zone <iana>', 'zone of times written without an offset', 'Europe/London')
    .option('--year <yyyy>', "year of times written without one (syslog); default: each file's modification year")
    .option('--json', 'print the results as JSON')
    .option('--map <pairs>', 'CSV: column=field,… (saved in the case as --mapping NAME, else "default")')
    .option('--mapping <name>', 'CSV: use (or, with --map, save) the column mapping of this name')
    .addHelpText(
      'after',
      `\nFormats (--format):\n${FORMATS.map((f) => `  ${f.name.padEnd(14)} ${f.label}`).join('\n')}\n`,
    )
    .action(
      async (
        casePath: string,
        files: string[],
        opts: {
          format?: string;
          track?: 'canary' | 'stable';
          service?: string;
          version?: string;
          zone: string;
          year?: string;
          json?: boolean;
          map?: string;
          mapping?: string;
        },
      ) => {
        checkZone(opts.zone);
        const year = opts.year === undefined ? undefined : Number(opts.year);
        if (year !== undefined && !(/^\d{4}$/.test(opts.year ?? '') && year >= 1990 && year <= 2099)) {
          throw new UsageError(`--year ${opts.year} is not a year between 1990 and 2099`);
        }
        if (opts.map !== undefined) parseCsvMapping(opts.map);
        // Every file is checked before the case is created or touched.
        for (const file of files) checkReadableFile(file);
        const db = openCase(casePath, { create: true });
        const results: ImportResult[] = [];
        try {
          const csvMapping = csvMappingForImport(db, opts);
          const onProgress = opts.json ? undefined : progressPrinter(process.stderr);
          for (const file of files) {
            try {
              const result = await importFile(db, file, {
                zone: opts.zone,
                ...(opts.format ? { format: opts.format } : {}),
                ...(year !== undefined ? { year } : {}),
                ...(opts.track ? { track: opts.track } : {}),
                ...(opts.service ? { service: opts.service } : {}),
                ...(opts.version ? { version: opts.version } : {}),
                ...(onProgress ? { onProgress } : {}),
                ...(csvMapping ? { formatOptions: { csvMapping: csvMapping.mapping } } : {}),
              });
              recordCsvMapping(db, result.sourceId, result.format, csvMapping);
              results.push(result);
            } finally {
              clearProgress(process.stderr);
            }
            const last = results.at(-1);
            if (!opts.json && last) printImport(io, last);
          }
        } finally {
          closeCase(db);
        }
        if (opts.json) io.out(JSON.stringify(results, null, 2) + '\n');
        setExit(results.some((r) => r.rejects > 0) ? EXIT_REJECTS : EXIT_OK);
      },
    );

  program
    .command('sources')
    .description('list the sources of a case: path, SHA-256, format, zone, counts and state')
    .argument('<case>', 'case file')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { json?: boolean }) => {
      const sources = withCase(casePath, listSources);
      if (opts.json) {
        io.out(JSON.stringify(sources, null, 2) + '\n');
        return;
      }
      if (sources.length === 0) {
        io.out('No sources: nothing has been imported into this case.\n');
        return;
      }
      io.out(
        textTable(
          [
            '#',
            'Path',
            'SHA-256',
            'Format',
            'Zone',
            'Events',
            'Rejects',
            'Auth failures',
            'Exceptions',
            'Metrics',
            'State',
          ],
          sources.map((x) =>
            [
              String(x.id),
              x.path,
              x.sha256,
              x.format,
              x.zone,
              String(x.events),
              String(x.rejects),
              String(x.authFailures),
              String(x.exceptions),
              String(x.metrics),
              x.state,
            ].map(terminalText),
          ),
          [true, false, false, false, false, true, true, true, true, true, false],
        ) + '\n',
      );
      for (const x of sources) {
        if (x.details !== null) io.out(`#${x.id} details: ${terminalText(JSON.stringify(x.details))}\n`);
      }
      warnUnfinished(
        io,
        sources.filter((x) => x.state !== 'complete'),
      );
    });

  program
    .command('rollouts')
    .description('list the rollouts found in a case')
    .argument('<case>', 'case file')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { json?: boolean }) => {
      const rollouts = withCase(casePath, listRollouts);
      if (opts.json) {
        io.out(JSON.stringify(rollouts, null, 2) + '\n');
        return;
      }
      if (rollouts.length === 0) {
        io.out('No rollouts: no event of a complete source is on the canary track.\n');
        warnUnfinished(io, withCase(casePath, listUnfinishedSources));
        return;
      }
      io.out(
        textTable(
          ['Rollout', 'Service', 'Stable', 'Canary', 'From', 'To', 'Canary events', 'Stable events'],
          rollouts
            .map((r) => [
              r.id,
              r.service,
              r.stableVersion ?? '—',
              r.canaryVersion,
              formatUkWithZone(r.from),
              formatUkWithZone(r.to),
              String(r.canaryEvents),
              String(r.stableEvents),
            ])
            .map((cells) => cells.map(terminalText)),
          [false, false, false, false, false, false, true, true],
        ) + '\n',
      );
    });

  program
    .command('analyse')
    .alias('analyze')
    .description('compare the canary with stable over a rollout')
    .argument('<case>', 'case file')
    .option('--rollout <id>', 'rollout id (see `coalmine rollouts`); needed when the case holds several')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { rollout?: string; json?: boolean }) => {
      const analysis = withCase(casePath, (db) => analyseRollout(db, opts.rollout));
      if (opts.json) {
        io.out(JSON.stringify(analysis, null, 2) + '\n');
        return;
      }
      const { rollout } = analysis;
      io.out(
        `Rollout ${terminalText(rollout.id)}: ${terminalText(rollout.service || 'unnamed service')} ` +
          `${terminalText(rollout.stableVersion ?? '?')} → ${terminalText(rollout.canaryVersion || 'unversioned')}\n` +
          `Window ${formatUkWithZone(rollout.from)} to ${formatUkWithZone(rollout.to)}\n\n`,
      );
      warnUnfinished(io, analysis.excludedSources);
      io.out(
        textTable(
          ['Metric', 'Stable', 'Canary', 'Variance'],
          analysis.comparison.map((row) => [
            row.label,
            formatComparisonCell(row, analysis, 'stable'),
            formatComparisonCell(row, analysis, 'canary'),
            formatVariance(row),
          ]),
          [false, true, true, true],
        ) + '\n',
      );
    });

  program
    .command('review')
    .description('write the post-deployment review of a rollout')
    .argument('<case>', 'case file')
    .option('--rollout <id>', 'rollout id; needed when the case holds several')
    .addOption(new Option('--format <format>', 'document format').choices(['md']).makeOptionMandatory())
    .option('--out <file>', 'write to this file instead of standard output')
    .action((casePath: string, opts: { rollout?: string; format: 'md'; out?: string }) => {
      const markdown = withCase(casePath, (db) => markdownReviewOf(db, opts.rollout));
      if (opts.out) {
        try {
          fs.writeFileSync(opts.out, markdown);
        } catch (error) {
          throw new CoalmineError('UNREADABLE', `${opts.out}: cannot write the review (${(error as Error).message})`, {
            cause: error,
          });
        }
        io.err(`review written to ${opts.out}\n`);
      } else {
        io.out(markdown);
      }
    });

  program
    .command('web')
    .description('serve the app and its API on 127.0.0.1 (the demo case when no case is given)')
    .argument('[case]', 'case file')
    .option('--port <n>', 'port (0 picks a free one)', '0')
    .option('--read-only', 'open the case without writing to it (auditors)')
    .option('--import-dir <folder>', 'let the page import the log files of this folder (creates the case if new)')
    .action(async (casePath: string | undefined, opts: { port: string; readOnly?: boolean; importDir?: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${opts.port} is not a port number`);
      const dir = rendererDir();
      if (!fs.existsSync(`${dir}/index.html`)) {
        throw new CoalmineError('NOT_FOUND', `${dir}/index.html is missing: run \`npm run build\` first`);
      }
      if (opts.importDir !== undefined && !fs.statSync(opts.importDir, { throwIfNoEntry: false })?.isDirectory()) {
        throw new UsageError(`--import-dir ${opts.importDir} is not a folder`);
      }
      const path = casePath ?? defaultDemoCasePath();
      const readOnly = opts.readOnly === true;
      // A folder to import from means the analyst is starting a case: create it if it is new.
      const create = opts.importDir !== undefined && !readOnly;
      const db = casePath ? openCase(casePath, { readOnly, create }) : await ensureDemoCase(path, demoLogsDir());
      const server = await startWebServer({
        service: createService(
          { path, db, readOnly },
          opts.importDir === undefined ? {} : { pickFiles: folderPicker(opts.importDir) },
        ),
        rendererDir: dir,
        port,
      });
      io.out(`Coalmine web mode on ${casePath ? terminalText(casePath) : 'the demo case'}\n${server.url}\n`);
      const stop = (): void => {
        void server.close().finally(() => {
          closeCase(db);
          process.exit(0);
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });

  addTagCommands(program, io);

  return program;
}

/** Runs the CLI; resolves to the exit code (the web command keeps running until stopped). */
export async function runCli(argv: string[], io: Io): Promise<number> {
  let code = EXIT_OK;
  const program = buildProgram(io, (c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CoalmineError || error instanceof UsageError) {
      io.err(`coalmine: ${terminalLines(error.message)}\n`);
      return EXIT_USAGE;
    }
    io.err(`coalmine: unexpected error: ${terminalLines(String((error as Error).stack ?? error))}\n`);
    return EXIT_USAGE;
  }
}
