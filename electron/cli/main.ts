// The `coalmine` command line over the core. Exit codes: 0 done; 1 done but some lines were
// rejected (they are listed); 2 usage error or unreadable input, with a message naming it;
// `analyse --exit-code`: 0 promote, 10 hold, 11 inconclusive, 12 roll back.
import fs from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { Analysis, Decision, SourceSummary } from '../../shared/api.js';
import {
  ANALYSIS_SETTING_HELP,
  ANALYSIS_SETTING_KEYS,
  type AnalysisSettings,
  DEFAULT_ANALYSIS_SETTINGS,
  isAnalysisSettingKey,
} from '../../shared/analysisSettings.js';
import { FilterSyntaxError, formatEventFilter, parseEventFilter } from '../../shared/eventFilter.js';
import {
  formatComparisonCell,
  formatCount,
  formatInterval,
  formatMetricValue,
  formatPValue,
  formatRateWithCounts,
  formatVariance,
} from '../../shared/metricFormat.js';
import { CoalmineError } from '../../shared/errors.js';
import { formatUkWithZone } from '../../shared/ukTime.js';
import { analyseRollout } from '../core/analysis/analyse.js';
import { defineRollout, listRollouts, removeRolloutDefinition } from '../core/analysis/rollouts.js';
import { DECISION_WORDS } from '../core/analysis/verdict.js';
import { closeCase, openCase } from '../core/case/caseStore.js';
import { readAnalysisSettings, resetAnalysisSettings, writeAnalysisSettings } from '../core/case/analysisSettings.js';
import { listSources, listUnfinishedSources } from '../core/case/sources.js';
import { FORMATS } from '../core/ingest/formats/index.js';
import { type ImportResult, importFile } from '../core/ingest/importFile.js';
import { DEFAULT_ZONE, parseTypedTime } from '../core/ingest/time.js';
import { DEFAULT_REQUEST_TIME_UNIT, checkImportRequest, resolveImport } from '../core/ingest/importOptions.js';
import { REQUEST_TIME_UNITS, type RequestTimeUnit } from '../../shared/importOptions.js';
import { defaultDemoCasePath, demoLogsDir, rendererDir } from '../core/paths.js';
import { folderPicker } from '../core/importJobs.js';
import { startServiceThread } from '../core/serviceThread.js';
import { startWebServer } from '../web/webServer.js';
import { type Io, withCase, withWritableCase } from './caseAccess.js';
import { clearProgress, progressPrinter } from './progressBar.js';
import { addPullCommand } from './pullCommand.js';
import { addReviewCommands } from './reviewCommand.js';
import { addTagCommands } from './tagCommands.js';
import { terminalLines, terminalText } from './terminalText.js';
import { textTable } from './textTable.js';

export const EXIT_OK = 0;
export const EXIT_REJECTS = 1;
export const EXIT_USAGE = 2;
/** A pull cancelled with Ctrl-C: what it read is kept, its source marked incomplete. */
export const EXIT_INTERRUPTED = 130;

/** `analyse --exit-code`: a pipeline can gate a promotion on the verdict. */
export const VERDICT_EXIT_CODES: Record<Decision, number> = { promote: 0, hold: 10, inconclusive: 11, rollback: 12 };

class UsageError extends Error {}

/** A setting's value as typed: JSON where it reads as JSON (numbers, lists), text otherwise. */
function settingValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function printAnalysis(io: Io, analysis: Analysis): void {
  const { rollout, verdict } = analysis;
  const t = terminalText;
  io.out(
    `Rollout ${t(rollout.id)} (${rollout.origin}): ${t(rollout.service || 'unnamed service')} ` +
      (rollout.environment === null ? '' : `in ${t(rollout.environment)} `) +
      `${t(rollout.stableVersion ?? '?')} → ${t(rollout.canaryVersion || 'unversioned')}\n` +
      `Window ${formatUkWithZone(rollout.fromMs)} to ${formatUkWithZone(rollout.toMs)}\n\n`,
  );
  warnUnfinished(io, analysis.excludedSources);
  io.out(`Verdict: ${DECISION_WORDS[verdict.decision].toUpperCase()}. ${t(verdict.summary)}\n`);
  for (const r of verdict.reasons) {
    io.out(
      `  ${r.blocks ? '✗' : r.outcome === 'pre-existing' ? '~' : r.outcome === 'pass' ? '✓' : '·'} ${r.rule} [${r.outcome}] ${t(r.text)}\n`,
    );
  }
  io.out('\n');
  io.out(
    textTable(
      ['Metric', 'Stable', 'Canary', 'Variance', 'Canary 95 % CI', 'p-value', 'Action'],
      analysis.comparison.map((row) => [
        t(row.label),
        formatComparisonCell(row, 'stable'),
        formatComparisonCell(row, 'canary'),
        formatVariance(row),
        formatInterval(row.unit, row.canaryCi),
        formatPValue(row.pValue),
        row.action,
      ]),
      [false, true, true, true, true, true, false],
    ) + '\n\n',
  );
  const auth = analysis.authFailures;
  io.out(
    `Authentication failures: canary ${formatCount(auth.canary)} (${formatMetricValue('per1000', auth.canaryPer1000)} requests), ` +
      `stable ${formatCount(auth.stable)} (${formatMetricValue('per1000', auth.stablePer1000)}), ${formatPValue(auth.pValue)}\n`,
  );
  const rules = Object.entries(auth.byRule);
  if (rules.length > 0) {
    io.out(
      textTable(
        ['Rule', 'Canary', 'Stable', 'Canary /1,000', 'Stable /1,000'],
        rules.map(([rule, c]) => [
          t(rule),
          formatCount(c.canary),
          formatCount(c.stable),
          formatMetricValue('value', c.canaryPer1000),
          formatMetricValue('value', c.stablePer1000),
        ]),
        [false, true, true, true, true],
      ) + '\n',
    );
  }
  if (auth.topSources.length > 0) {
    io.out(
      '\n' +
        textTable(
          ['Source', 'Value', 'Canary', 'Stable'],
          auth.topSources.map((x) => [x.kind, t(x.value), formatCount(x.canary), formatCount(x.stable)]),
          [false, false, true, true],
        ) +
        '\n',
    );
  }
  if (auth.canaryOnly.length > 0) {
    io.out(
      `Failing only on the canary: ${auth.canaryOnly.map((x) => `${x.kind} ${t(x.value)} (${x.canary})`).join(', ')}\n`,
    );
  }
  io.out('\n');
  if (analysis.surges.length === 0) io.out('401/403 surges: none\n\n');
  else {
    io.out(
      '401/403 surges\n' +
        textTable(
          ['Status', 'Start', 'End', 'Peak', 'Canary', 'Stable', 'Adjusted p', 'Drivers'],
          analysis.surges.map((x) => [
            String(x.status),
            x.startUk,
            x.endUk,
            x.peakUk,
            formatRateWithCounts(x.canaryRate, x.canaryCount, x.canaryRequests),
            formatRateWithCounts(x.stableRate, x.stableCount, x.stableRequests),
            formatPValue(x.pValue),
            x.drivers
              .slice(0, 3)
              .map((d) => `${d.kind} ${t(d.value)} (${d.count})`)
              .join(', '),
          ]),
          [false, false, false, false, true, true, true, false],
        ) +
        '\n\n',
    );
  }
  const listed = analysis.exceptions.filter((e) => e.status !== 'stable-only');
  if (listed.length === 0) io.out('Exceptions on the canary: none\n');
  else {
    io.out(
      'Exceptions on the canary\n' +
        textTable(
          ['Status', 'Type', 'Message template', 'Canary', 'Stable', 'First seen'],
          listed.map((e) => [
            e.status,
            t(e.type ?? '—'),
            t(e.message.length > 80 ? `${e.message.slice(0, 79)}…` : e.message),
            formatCount(e.canaryCount),
            formatCount(e.stableCount),
            e.firstSeenUk,
          ]),
          [false, false, false, true, true, false],
        ) +
        '\n',
    );
  }
  io.out('\nTimes are Europe/London (DD/MM/YYYY HH:mm:ss).\n');
}

function printSettings(io: Io, settings: AnalysisSettings): void {
  io.out(
    textTable(
      ['Setting', 'Value', 'Default', 'Meaning'],
      ANALYSIS_SETTING_KEYS.filter((k) => k !== 'businessMeasures').map((k) => [
        k,
        JSON.stringify(settings[k]),
        JSON.stringify(DEFAULT_ANALYSIS_SETTINGS[k]),
        ANALYSIS_SETTING_HELP[k],
      ]),
    ) + '\n',
  );
  io.out(`\nBusiness measures: ${settings.businessMeasures.length === 0 ? 'none (coalmine measures --help)' : ''}\n`);
  for (const m of settings.businessMeasures) {
    io.out(
      `  ${m.name} (${terminalText(m.label)}, ${m.higherIsBetter ? 'higher is better' : 'lower is better'}): ` +
        `${terminalText(formatEventFilter(m.numerator))}  /  ${terminalText(formatEventFilter(m.denominator))}\n`,
    );
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
  if (result.grownFrom.length > 0) {
    io.err(
      `  replaces source${result.grownFrom.length > 1 ? 's' : ''} #${result.grownFrom.join(', #')}: an earlier import of this file's start (the log has grown since); no line is counted twice\n`,
    );
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
    .option(
      '--environment <name>',
      'deployment environment (staging, production, …) of the records that name none; their own is kept',
    )
    .option('--zone <iana>', 'zone of times written without an offset', 'Europe/London')
    .option('--year <yyyy>', "year of times written without one (syslog); default: each file's modification year")
    .option('--json', 'print the results as JSON')
    .option('--map <pairs>', 'CSV: column=field,… (saved in the case as --mapping NAME, else "default")')
    .option('--mapping <name>', 'CSV: use (or, with --map, save) the column mapping of this name')
    .option(
      '--date <DD/MM/YYYY>',
      "application logs that write only the time of day (logback's default layout): the day of the first record; default: a date in the file's name",
    )
    .addOption(
      new Option(
        '--request-time-unit <unit>',
        'access logs: the unit of a whole-number request time at the end of a line (Apache %T: s, %{ms}T: ms, %D: us)',
      )
        .choices(REQUEST_TIME_UNITS)
        .default(DEFAULT_REQUEST_TIME_UNIT),
    )
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
          environment?: string;
          zone: string;
          year?: string;
          json?: boolean;
          map?: string;
          mapping?: string;
          date?: string;
          requestTimeUnit: RequestTimeUnit;
        },
      ) => {
        // The same checks as the app's import (ingest.start), named by these flags.
        const request = checkImportRequest(opts, 'cli');
        // Every file is checked before the case is created or touched.
        for (const file of files) checkReadableFile(file);
        const db = openCase(casePath, { create: true });
        const results: ImportResult[] = [];
        try {
          // Reads only: `--map`'s mapping is saved by each file's import inside its guarded start.
          const { options } = resolveImport(db, request, 'cli');
          const onProgress = opts.json ? undefined : progressPrinter(process.stderr);
          for (const file of files) {
            try {
              const result = await importFile(db, file, { ...options, ...(onProgress ? { onProgress } : {}) });
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
            // Hits another source already held: stored once, counted there (Elasticsearch documents).
            'Duplicates',
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
              String(x.duplicates),
              x.state,
            ].map(terminalText),
          ),
          [true, false, false, false, false, true, true, true, true, true, true, false],
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
    .description('list the rollouts of a case (found in the events, or defined); define, adjust or remove one')
    .argument('<case>', 'case file')
    .option(
      '--define',
      'define a rollout (or adjust the found one with the same service, environment and canary version)',
    )
    .option('--service <name>', 'with --define: the service')
    .option('--environment <name>', 'with --define: the deployment environment (default: events that name none)')
    .option('--canary <version>', 'with --define: the canary version')
    .option('--stable <version>', 'with --define: compare with this stable version only (default: every stable event)')
    .option(
      '--from <time>',
      'with --define: window start, ISO 8601 or DD/MM/YYYY HH:mm:ss in Europe/London (default: first canary event)',
    )
    .option('--to <time>', 'with --define: window end, inclusive (default: last canary event)')
    .option('--remove <id>', 'remove a defined rollout (a found one it adjusted comes back)')
    .option('--json', 'print JSON')
    .action(
      (
        casePath: string,
        opts: {
          define?: boolean;
          service?: string;
          environment?: string;
          canary?: string;
          stable?: string;
          from?: string;
          to?: string;
          remove?: string;
          json?: boolean;
        },
      ) => {
        if (opts.define && opts.remove) throw new UsageError('give --define or --remove, not both');
        if (
          !opts.define &&
          (opts.service || opts.environment !== undefined || opts.canary || opts.stable || opts.from || opts.to)
        ) {
          throw new UsageError('--service, --environment, --canary, --stable, --from and --to go with --define');
        }
        if (opts.define) {
          if (!opts.service || !opts.canary) throw new UsageError('--define needs --service and --canary');
          const definition = {
            service: opts.service,
            environment: opts.environment,
            canaryVersion: opts.canary,
            stableVersion: opts.stable,
            from: opts.from === undefined ? undefined : parseTypedTime(opts.from, DEFAULT_ZONE, '--from'),
            to: opts.to === undefined ? undefined : parseTypedTime(opts.to, DEFAULT_ZONE, '--to'),
          };
          const rollout = withWritableCase(casePath, 'no rollout can be defined in it', (db) =>
            defineRollout(db, definition),
          );
          io.err(`rollout ${terminalText(rollout.id)} defined: ${rollout.fromUk} to ${rollout.toUk} (Europe/London)\n`);
        }
        if (opts.remove) {
          const id = opts.remove;
          withWritableCase(casePath, 'no rollout can be removed from it', (db) => removeRolloutDefinition(db, id));
          io.err(`rollout definition ${terminalText(id)} removed\n`);
        }
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
        // The environment's column only in a case whose rollouts name one.
        const environments = rollouts.some((r) => r.environment !== null);
        io.out(
          textTable(
            [
              'Rollout',
              'Origin',
              'Service',
              ...(environments ? ['Environment'] : []),
              'Stable',
              'Canary',
              'From',
              'To',
              'Canary events',
              'Stable events',
            ],
            rollouts
              .map((r) => [
                r.id,
                r.origin,
                r.service,
                ...(environments ? [r.environment ?? '—'] : []),
                r.stableVersion ?? '—',
                r.canaryVersion,
                formatUkWithZone(r.fromMs),
                formatUkWithZone(r.toMs),
                String(r.canaryEvents),
                String(r.stableEvents),
              ])
              .map((cells) => cells.map(terminalText)),
            [false, false, false, ...(environments ? [false] : []), false, false, false, false, true, true],
          ) + '\n',
        );
      },
    );

  program
    .command('settings')
    .description("show or change the judge's settings saved with the case (thresholds, buckets, tolerances)")
    .argument('<case>', 'case file')
    .option('--set <key=value...>', 'set one or more settings, e.g. --set errorRateRollback=0.002 bucketMinutes=5')
    .option('--reset <key...>', 'return settings to their defaults')
    .option('--json', 'print JSON')
    .action((casePath: string, opts: { set?: string[]; reset?: string[]; json?: boolean }) => {
      let settings: AnalysisSettings;
      if (opts.set || opts.reset) {
        const changes: Record<string, unknown> = {};
        for (const pair of opts.set ?? []) {
          const eq = pair.indexOf('=');
          const key = eq === -1 ? pair : pair.slice(0, eq);
          if (eq === -1) throw new UsageError(`--set ${pair}: write key=value`);
          if (!isAnalysisSettingKey(key)) {
            throw new UsageError(`no setting "${key}"; settings: ${ANALYSIS_SETTING_KEYS.join(', ')}`);
          }
          changes[key] = settingValue(pair.slice(eq + 1));
        }
        settings = withWritableCase(casePath, 'its settings cannot change', (db) => {
          if (opts.reset) resetAnalysisSettings(db, opts.reset);
          return writeAnalysisSettings(db, changes);
        });
      } else {
        settings = withCase(casePath, readAnalysisSettings);
      }
      if (opts.json) io.out(JSON.stringify(settings, null, 2) + '\n');
      else printSettings(io, settings);
    });

  program
    .command('measures')
    .description('define business measures: the ratio of two event filters, compared per track')
    .argument('<case>', 'case file')
    .option('--define <name>', 'define (or replace) a measure; needs --numerator and --denominator')
    .option('--label <text>', 'with --define: how the measure reads in tables')
    .option('--numerator <filter>', "events counted above the line, e.g. 'url.path = /api/checkout and status < 300'")
    .option('--denominator <filter>', "events counted below the line, e.g. 'url.path = /api/cart'")
    .option('--lower-is-better', 'with --define: a rise is worse (timeouts); by default a fall is worse (conversion)')
    .option('--remove <name>', 'remove a measure')
    .option('--json', 'print JSON')
    .addHelpText(
      'after',
      `
Filter language: conditions joined by "and"; each is <field> <operator> [value].
  fields: status, duration.ms, url.path, http.method, message, user.name, client.ip,
          log.level, host.name, error.type, auth.rule, auth.failure
  operators: = != < <= > >= contains prefix in (a, b) exists missing
  values: a number, a word, or "quoted text"
Example: coalmine measures case.coalmine --define conversion --label "Conversion" \\
  --numerator 'url.path = /api/checkout and status < 300' --denominator 'url.path = /api/cart'`,
    )
    .action(
      (
        casePath: string,
        opts: {
          define?: string;
          label?: string;
          numerator?: string;
          denominator?: string;
          lowerIsBetter?: boolean;
          remove?: string;
          json?: boolean;
        },
      ) => {
        let settings: AnalysisSettings;
        if (opts.define || opts.remove) {
          const { define, remove } = opts;
          let measure: AnalysisSettings['businessMeasures'][number] | null = null;
          if (define) {
            if (!opts.numerator || !opts.denominator)
              throw new UsageError('--define needs --numerator and --denominator');
            try {
              measure = {
                name: define,
                label: opts.label ?? define,
                numerator: parseEventFilter(opts.numerator),
                denominator: parseEventFilter(opts.denominator),
                higherIsBetter: opts.lowerIsBetter !== true,
              };
            } catch (error) {
              if (error instanceof FilterSyntaxError) throw new UsageError(`filter: ${error.message}`);
              throw error;
            }
          }
          settings = withWritableCase(casePath, 'its business measures cannot change', (db) => {
            const current = readAnalysisSettings(db).businessMeasures;
            if (remove && !current.some((m) => m.name === remove)) {
              throw new CoalmineError('NOT_FOUND', `no business measure "${remove}" in this case`);
            }
            const kept = current.filter((m) => m.name !== remove && m.name !== measure?.name);
            return writeAnalysisSettings(db, { businessMeasures: measure ? [...kept, measure] : kept });
          });
        } else {
          settings = withCase(casePath, readAnalysisSettings);
        }
        if (opts.json) io.out(JSON.stringify(settings.businessMeasures, null, 2) + '\n');
        else printSettings(io, settings);
      },
    );

  program
    .command('analyse')
    .alias('analyze')
    .description('judge a rollout: compare the canary with stable and give a verdict with its reasons')
    .argument('<case>', 'case file')
    .option('--rollout <id>', 'rollout id (see `coalmine rollouts`); needed when the case holds several')
    .option('--json', 'print the analysis as JSON (docs/schema/analysis.schema.json)')
    .option('--exit-code', 'exit with the verdict: 0 promote, 10 hold, 11 inconclusive, 12 roll back')
    .action((casePath: string, opts: { rollout?: string; json?: boolean; exitCode?: boolean }) => {
      const analysis = withCase(casePath, (db) => analyseRollout(db, opts.rollout));
      if (opts.json) io.out(JSON.stringify(analysis, null, 2) + '\n');
      else printAnalysis(io, analysis);
      if (opts.exitCode) setExit(VERDICT_EXIT_CODES[analysis.verdict.decision]);
    });

  addReviewCommands(program, io);

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
      const readOnly = opts.readOnly === true;
      // The page's calls run on the service thread, as in the desktop app: the case is read
      // and written there, so this thread keeps serving while an import writes.
      const service = await startServiceThread({
        served: casePath
          ? // A folder to import from means the analyst is starting a case: create it if it is new.
            { kind: 'file', path: casePath, readOnly, create: opts.importDir !== undefined && !readOnly }
          : { kind: 'demo', path: defaultDemoCasePath(), logsDir: demoLogsDir(), readOnly },
        host: opts.importDir === undefined ? {} : { pickFiles: folderPicker(opts.importDir) },
        // A page whose calls can only fail is no use: say why and end.
        onStopped: (reason) => {
          io.err(`coalmine: ${reason}\n`);
          process.exit(EXIT_USAGE);
        },
      });
      let server: Awaited<ReturnType<typeof startWebServer>>;
      try {
        server = await startWebServer({ call: service.call, rendererDir: dir, port });
      } catch (error) {
        // The thread would keep this process alive with nothing to serve.
        await service.close();
        const code = (error as { code?: unknown }).code;
        if (code === 'EADDRINUSE' || code === 'EACCES') {
          throw new UsageError(`--port ${port}: 127.0.0.1:${port} cannot be used (${String(code)})`);
        }
        throw error;
      }
      // One shutdown, whatever signals follow: the case is always closed whole before the exit.
      let stopping: Promise<void> | null = null;
      const stop = (): void => {
        stopping ??= server
          .close()
          .catch((error: unknown) => io.err(`coalmine: ${terminalLines(String(error))}\n`))
          .then(() => service.close())
          .finally(() => process.exit(EXIT_OK));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
      // Only once the signals are ours: a Ctrl-C (or a test) that answers the address at once
      // would otherwise end the process the default way, with the case still in WAL.
      io.out(`Coalmine web mode on ${casePath ? terminalText(casePath) : 'the demo case'}\n${server.url}\n`);
    });

  addTagCommands(program, io);
  addPullCommand(program, io, setExit, { ok: EXIT_OK, rejects: EXIT_REJECTS, interrupted: EXIT_INTERRUPTED });

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
