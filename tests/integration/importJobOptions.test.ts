// An import started from the app (`ingest.start`) with the options of `coalmine import` stores
// what the CLI stores: the same events, sources and CSV mapping record, file by file. The CLI
// runs as built (`npm run build` first), the job through the service as the page calls it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiInput, ImportFileResult, JobStatus, SourceSummary } from '../../shared/api.js';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { saveCsvMapping } from '../../electron/core/case/csvMappings.js';
import { listSources } from '../../electron/core/case/sources.js';
import { folderPicker } from '../../electron/core/importJobs.js';
import { type Service, createService, dispatch } from '../../electron/core/service.js';
import { importDayProblem, refusedOption } from '../../shared/importOptions.js';
import { coalmine } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempCase.js';

const MAPPING = { When: 'timestamp', Code: 'status', Box: 'host', Text: 'message' } as const;

function logsFolder(): string {
  const dir = fs.mkdtempSync(path.join(tempDir(), 'logs-'));
  // logback's default layout: times of day only, across midnight, on the night the clocks go back.
  fs.writeFileSync(
    path.join(dir, 'checkout.log'),
    [
      '23:59:58.100 [main] INFO  com.shop.Checkout - started',
      '23:59:59.900 [main] ERROR com.shop.Checkout - payment failed',
      '00:00:01.250 [main] INFO  com.shop.Checkout - retried',
    ].join('\n') + '\n',
  );
  // Apache with %{ms}T at the end of each line.
  fs.writeFileSync(
    path.join(dir, 'access.log'),
    [
      '203.0.113.9 - alice [10/Oct/2025:13:55:36 +0100] "GET /login HTTP/1.1" 401 12 "-" "curl/8" 2',
      '203.0.113.9 - alice [10/Oct/2025:13:55:37 +0100] "GET /cart HTTP/1.1" 200 99 "-" "curl/8" 35',
      'not an access line',
    ].join('\n') + '\n',
  );
  fs.writeFileSync(
    path.join(dir, 'export.csv'),
    ['When,Code,Box,Text', '2026-11-19 09:52:03,200,web-1,ok', '2026-11-19 09:52:04,503,web-1,boom'].join('\n') + '\n',
  );
  return dir;
}

type Options = Omit<ApiInput<'ingest.start'>, 'files'>;

/** The same import as `coalmine import` flags. */
function cliFlags(options: Options): string[] {
  const flags: string[] = [];
  if (options.track) flags.push('--track', options.track);
  if (options.service) flags.push('--service', options.service);
  if (options.version) flags.push('--version', options.version);
  if (options.zone) flags.push('--zone', options.zone);
  if (options.format) flags.push('--format', options.format);
  if (options.year !== undefined) flags.push('--year', String(options.year));
  if (options.date) flags.push('--date', options.date);
  if (options.requestTimeUnit) flags.push('--request-time-unit', options.requestTimeUnit);
  if (options.mapping) flags.push('--mapping', options.mapping);
  return flags;
}

async function until(service: Service, jobId: string): Promise<JobStatus> {
  for (;;) {
    const status = await service['job.status']({ jobId });
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Every stored event without its row and source ids, in file and line order. */
function events(db: CaseDb): unknown[] {
  return db
    .prepare(
      `SELECT s.name AS file, e.* FROM events e JOIN sources s ON s.id = e.source_id ORDER BY s.id, e.source_line`,
    )
    .all()
    .map((row) => {
      const fields = { ...(row as Record<string, unknown>) };
      delete fields.id;
      delete fields.source_id;
      return fields;
    });
}

/** What a source says of how it was read, without what differs between two imports of it. */
function sourceFacts(sources: SourceSummary[]): unknown[] {
  return sources.map(({ id: _id, path: _path, importedAt: _at, ...rest }) => rest);
}

function withMapping(casePath: string): void {
  const db = openCase(casePath, { create: true });
  saveCsvMapping(db, 'web', { ...MAPPING });
  closeCase(db);
}

describe('ingest.start with the options of coalmine import', () => {
  it('stores what the CLI stores, file by file', async () => {
    const folder = logsFolder();
    const cliCase = path.join(tempDir(), 'cli.coalmine');
    const appCase = path.join(tempDir(), 'app.coalmine');
    withMapping(cliCase);
    withMapping(appCase);
    const db = openCase(appCase);
    const service = createService({ path: appCase, db, readOnly: false }, { pickFiles: folderPicker(folder) });

    const imports: [string, Options][] = [
      [
        'checkout.log',
        { track: 'canary', service: 'checkout', version: '2.1.0', date: '25/10/2026', zone: 'Europe/London' },
      ],
      ['access.log', { track: 'stable', service: 'web', version: '7', requestTimeUnit: 'ms', year: 2025 }],
      ['export.csv', { service: 'shop', version: '3', mapping: 'web', zone: 'America/New_York', format: 'csv' }],
    ];
    const jobResults: ImportFileResult[] = [];
    const cliResults: Record<string, unknown>[] = [];
    for (const [name, options] of imports) {
      const run = coalmine(['import', cliCase, path.join(folder, name), ...cliFlags(options), '--json']);
      expect(run.code, run.stderr).toBeLessThanOrEqual(1);
      cliResults.push(...(JSON.parse(run.stdout) as Record<string, unknown>[]));

      const picked = await service['ingest.pick']({});
      const id = picked?.files.find((f) => f.name === name)?.id ?? '';
      const started = await dispatch(service, 'ingest.start', { files: [id], ...options });
      expect(started.ok, JSON.stringify(started)).toBe(true);
      const status = await until(service, (started as { value: { jobId: string } }).value.jobId);
      expect(status).toMatchObject({ state: 'done', error: null });
      jobResults.push(...status.results);
    }

    // The job's summary says what the CLI's --json says of each file.
    expect(jobResults.map((r) => r.name)).toEqual(['checkout.log', 'access.log', 'export.csv']);
    jobResults.forEach((job, i) => {
      const cli = cliResults[i] ?? {};
      expect(job).toMatchObject({
        state: cli.state,
        format: cli.format,
        events: cli.events,
        rejects: cli.rejects,
        authFailures: cli.authFailures,
        exceptions: cli.exceptions,
      });
    });
    expect(jobResults.map((r) => [r.format, r.events, r.rejects])).toEqual([
      ['java-log', 3, 0],
      ['access-log', 2, 1],
      ['csv', 2, 0],
    ]);

    const cliDb = openCase(cliCase, { readOnly: true });
    try {
      const stored = events(db);
      expect(stored).toEqual(events(cliDb));
      expect(sourceFacts(listSources(db))).toEqual(sourceFacts(listSources(cliDb)));
      // And the options took effect: the day of the time-of-day log (GMT after the clocks went
      // back), the request time in ms, the mapping's columns, every event's service and version.
      const byFile = (file: string) =>
        stored.filter((e) => (e as { file: string }).file === file) as Record<string, unknown>[];
      expect(byFile('checkout.log').map((e) => new Date(e.ts as number).toISOString())).toEqual([
        '2026-10-25T23:59:58.100Z',
        '2026-10-25T23:59:59.900Z',
        '2026-10-26T00:00:01.250Z',
      ]);
      expect(byFile('checkout.log').map((e) => [e.track, e.service, e.version])).toEqual([
        ['canary', 'checkout', '2.1.0'],
        ['canary', 'checkout', '2.1.0'],
        ['canary', 'checkout', '2.1.0'],
      ]);
      expect(byFile('access.log').map((e) => [e.track, e.service, e.duration_ms])).toEqual([
        ['stable', 'web', 2],
        ['stable', 'web', 35],
      ]);
      expect(byFile('export.csv').map((e) => [e.host, e.status, new Date(e.ts as number).toISOString()])).toEqual([
        ['web-1', 200, '2026-11-19T14:52:03.000Z'],
        ['web-1', 503, '2026-11-19T14:52:04.000Z'],
      ]);
      const csvSource = listSources(db).find((s) => s.name === 'export.csv');
      expect(csvSource).toMatchObject({
        zone: 'America/New_York',
        details: { csvMapping: { name: 'web', columns: MAPPING } },
      });
    } finally {
      cliDb.close();
      db.close();
    }
  }, 120_000);

  it('refuses a bad option before the job starts, naming it, and writes nothing', async () => {
    const folder = logsFolder();
    const casePath = path.join(tempDir(), 'bad.coalmine');
    const db = openCase(casePath, { create: true });
    const service = createService({ path: casePath, db, readOnly: false }, { pickFiles: folderPicker(folder) });
    const picked = await service['ingest.pick']({});
    const files = picked?.files.map((f) => f.id) ?? [];
    const refused = async (options: Record<string, unknown>) =>
      dispatch(service, 'ingest.start', { files, ...options });
    expect(await refused({ zone: 'Mars/Olympus' })).toEqual({
      ok: false,
      error: {
        code: 'BAD_INPUT',
        message: 'zone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/London)',
      },
    });
    expect(await refused({ format: 'nginx-json' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringMatching(/^format: unknown format "nginx-json"/) as unknown },
    });
    expect(await refused({ mapping: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/^mapping: no CSV mapping named "nope"/) as unknown },
    });
    const badDay = await refused({ date: '31/02/2026' });
    expect(badDay).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringMatching(/ingest\.start:[\s\S]*date/) as unknown },
    });
    // The schema words a bad day as the core and the page do.
    expect(badDay.ok ? '' : badDay.error.message).toContain(importDayProblem('31/02/2026'));
    // Each refusal by the core names the field the page marks.
    for (const [options, key] of [
      [{ zone: 'Mars/Olympus' }, 'zone'],
      [{ format: 'nginx-json' }, 'format'],
      [{ mapping: 'nope' }, 'mapping'],
    ] as const) {
      const envelope = await refused(options);
      expect(refusedOption(envelope.ok ? '' : envelope.error.message)?.key).toBe(key);
    }
    expect(listSources(db)).toEqual([]);
    // Nothing is left running: a good import starts at once.
    const access = picked?.files.find((f) => f.name === 'access.log')?.id ?? '';
    const started = await service['ingest.start']({ files: [access], service: 'shop', zone: 'UTC' });
    expect(await until(service, started.jobId)).toMatchObject({ state: 'done', results: [{ events: 2, rejects: 1 }] });
    db.close();
  }, 60_000);
});
