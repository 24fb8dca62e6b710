// JSON lines that are not ECS (electron/core/ingest/formats/jsonLines.ts): aliases, multi-line
// records, real files and hostile input.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { MAX_RECORD_LINES, jsonLinesFormat } from '../../electron/core/ingest/formats/jsonLines.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { REAL, fileLines, runFormat } from '../helpers/formatRun.js';
import { projectRoot } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const one = (doc: Record<string, unknown>) => {
  const run = runFormat(jsonLinesFormat, [JSON.stringify(doc)]);
  expect(run.rejects).toEqual([]);
  const [event] = run.events;
  if (!event) throw new Error('no event');
  return event;
};

describe('JSON lines: field aliases', () => {
  it('reads pino: epoch-ms time, numeric level, name, hostname, msg, req/res, responseTime, err', () => {
    const e = one({
      level: 50,
      time: 1795600323123,
      hostname: 'checkout-canary-1',
      name: 'checkout',
      msg: 'request failed',
      req: { method: 'post', url: 'https://shop.example/api/pay?card=1' },
      res: { statusCode: 502 },
      responseTime: 87,
      err: { type: 'Error', message: 'card declined', stack: 'Error: card declined\n    at pay (pay.js:1:1)' },
    });
    expect(e).toMatchObject({
      ts: 1795600323123,
      tsText: '1795600323123',
      level: 'error',
      host: 'checkout-canary-1',
      service: 'checkout',
      message: 'request failed',
      httpMethod: 'POST',
      urlPath: '/api/pay',
      status: 502,
      durationMs: 87,
      errorType: 'Error',
      errorMessage: 'card declined',
    });
  });

  it.each([
    [10, 'trace'],
    [20, 'debug'],
    [30, 'info'],
    [40, 'warn'],
    [50, 'error'],
    [60, 'fatal'],
    [35, 'info'],
    ['WARN', 'warn'],
  ])('level %j is %s', (level, name) => {
    expect(one({ time: '2026-11-19T09:52:03Z', level, msg: 'x' }).level).toBe(name);
  });

  it('reads journald: µs time, PRIORITY, _HOSTNAME, SYSLOG_IDENTIFIER, MESSAGE (also as bytes)', () => {
    const e = one({
      __REALTIME_TIMESTAMP: '1795600323123456',
      PRIORITY: '3',
      _HOSTNAME: 'web-stable-2',
      SYSLOG_IDENTIFIER: 'sshd',
      MESSAGE: [104, 195, 169],
    });
    expect(e).toMatchObject({
      ts: 1795600323123,
      level: 'error',
      host: 'web-stable-2',
      service: 'sshd',
      message: 'hé',
    });
  });

  it('reads zap (epoch seconds), Logstash (@timestamp, host as text), a string error and stack_trace', () => {
    expect(one({ ts: 1795600323.5, msg: 'zap' }).ts).toBe(1795600323500);
    const logstash = one({
      '@timestamp': '2026-11-19T09:52:03.000Z',
      '@version': '1',
      host: 'app-1',
      message: 'hi',
      stack_trace: 'java.lang.IllegalStateException: no key\n\tat a.B.c(B.java:1)',
    });
    expect(logstash).toMatchObject({ host: 'app-1', message: 'hi' });
    expect(logstash.errorStack).toMatch(/^java\.lang\.IllegalStateException/);
    expect(one({ time: '2026-11-19T09:52:03Z', error: 'connection reset' }).errorMessage).toBe('connection reset');
  });

  it('keeps the tagging evidence: labels, a track field, pod and version', () => {
    const e = one({
      time: '2026-11-19T09:52:03Z',
      track: 'canary',
      version: '4.13.0',
      kubernetes: { pod_name: 'checkout-7bf84f9696-x2k4p' },
    });
    expect(e).toMatchObject({ trackLabel: 'canary', version: '4.13.0', pod: 'checkout-7bf84f9696-x2k4p' });
  });

  it('takes a status only when it is an HTTP status, and rejects a bad ECS one', () => {
    expect(one({ time: '2026-11-19T09:52:03Z', status: 'ok' }).status).toBeNull();
    const run = runFormat(jsonLinesFormat, [
      JSON.stringify({ time: '2026-11-19T09:52:03Z', 'http.response.status_code': 999 }),
    ]);
    expect(run.rejects.map((r) => r.reason)).toEqual(['http.response.status_code 999 is not an HTTP status']);
  });

  it('rejects records with no time or an impossible one, naming the field', () => {
    const run = runFormat(jsonLinesFormat, [
      JSON.stringify({ msg: 'no time' }),
      JSON.stringify({ time: '2026-02-30T00:00:00Z' }),
      JSON.stringify({ __REALTIME_TIMESTAMP: 'soon' }),
      JSON.stringify({ time: 42 }),
    ]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, expect.stringMatching(/^no time \(looked for @timestamp, timestamp, time/)],
      [2, expect.stringMatching(/^time: time "2026-02-30T00:00:00Z" is not a real date/)],
      [3, '__REALTIME_TIMESTAMP: "soon" is not microseconds since the epoch'],
      [4, expect.stringMatching(/^time: .*outside 1990–2099/)],
    ]);
  });
});

describe('JSON lines: records over several lines', () => {
  it('assembles a pretty-printed record at its first line, with its text as raw', () => {
    const lines = [
      '{"time": "2026-11-19T09:52:03Z", "level": "ERROR", "message": "a { brace and \\" quote",',
      '"stacktrace": ["java.lang.Exception: boom",',
      '"at a.B.c(B.java:1)"] }',
      '{"time": "2026-11-19T09:52:04Z", "message": "next"}',
    ];
    const run = runFormat(jsonLinesFormat, lines);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => e.sourceLine)).toEqual([1, 4]);
    expect(run.events[0]?.raw).toBe(lines.slice(0, 3).join('\n'));
    expect(run.events[0]?.errorStack).toBe('java.lang.Exception: boom\nat a.B.c(B.java:1)');
  });

  it('rejects a truncated record at its first line and keeps the next record', () => {
    const run = runFormat(jsonLinesFormat, [
      '{"time": "2026-11-19T09:52:03Z", "message": "cut',
      '{"time": "2026-11-19T09:52:04Z", "message": "open", ',
      '  "more": [1, 2',
      '{"time": "2026-11-19T09:52:05Z", "message": "good"}',
      'not json at all',
      '{"time": "2026-11-19T09:52:06Z", "message": "last", "x": {',
    ]);
    expect(run.events.map((e) => [e.sourceLine, e.message])).toEqual([[4, 'good']]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'line 1 ends inside a JSON string (a string cannot span lines)'],
      [2, 'JSON record not closed before the next one at line 4 (truncated)'],
      [5, 'not a JSON object'],
      [6, 'the file ends inside this JSON record (truncated)'],
    ]);
    expect(run.rejects[1]?.raw).toBe('{"time": "2026-11-19T09:52:04Z", "message": "open", \n  "more": [1, 2');
  });

  it('gives up on a record that never closes after its line cap, in one reject', () => {
    const lines = ['{"time": "2026-11-19T09:52:03Z", "list": ['];
    for (let i = 0; i < MAX_RECORD_LINES + 50; i += 1) lines.push(`  ${i},`);
    lines.push('  0] }', '{"time": "2026-11-19T09:52:04Z", "message": "after"}');
    const run = runFormat(jsonLinesFormat, lines);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, expect.stringMatching(/^JSON record longer than 10000 lines/)],
    ]);
    expect(run.events.map((e) => e.sourceLine)).toEqual([lines.length]);
  });
});

describe('JSON lines: real files', () => {
  it("imports Elasticsearch's JSON server log: 62 records from 174 lines, two stack traces", async () => {
    const db = openCase(path.join(tempDir(), 'es.coalmine'), { create: true });
    const result = await importFile(db, `${REAL}/elastic-beats/es_startup_shutdown_due_to_exception.log`);
    expect(result).toMatchObject({ format: 'json-lines', lines: 174, events: 62, rejects: 0, exceptions: 2 });
    const levels = db.prepare(`SELECT level, count(*) AS n FROM events GROUP BY level ORDER BY level`).all();
    expect(levels).toEqual([
      { level: 'debug', n: 1 },
      { level: 'error', n: 2 },
      { level: 'info', n: 55 },
      { level: 'warn', n: 4 },
    ]);
    const traces = db
      .prepare(
        `SELECT source_line AS line, error_type AS type, error_stack AS stack FROM events
                WHERE error_stack IS NOT NULL ORDER BY source_line`,
      )
      .all() as { line: number; type: string; stack: string }[];
    expect(traces.map((t) => [t.line, t.stack.split('\n').length, t.type])).toEqual([
      [61, 59, 'java.lang.Exception'],
      [121, 53, 'java.lang.OutOfMemoryError'],
    ]);
    expect(traces[0]?.stack).toContain('Caused by: java.lang.OutOfMemoryError: die with dignity');
    // 10:46:46,679+0100 is 09:46:46.679 UTC.
    expect(db.prepare(`SELECT ts FROM events WHERE source_line = 1`).pluck().get()).toBe(
      Date.UTC(2019, 0, 10, 9, 46, 46, 679),
    );
    db.close();
  });

  it('imports a journald export', () => {
    const run = runFormat(jsonLinesFormat, fileLines(`${REAL}/lnav/logfile_journald.json`));
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.ts, e.level, e.host, e.service, e.message])).toEqual([
      [1534860261221, 'alert', 'imx6ul-medusa', 'python', 'GPS Reference longitude: 7.358143333'],
      [1534860261221, 'info', 'imx6ul-medusa', 'python', 'GPS Reference latitude: 46.908706667'],
    ]);
  });

  it('imports the pino and Bunyan fixtures with tracks from their host names', async () => {
    const db = openCase(path.join(tempDir(), 'p.coalmine'), { create: true });
    for (const name of ['pino.ndjson', 'bunyan.ndjson']) {
      const result = await importFile(db, path.join(projectRoot, 'tests/fixtures/structured', name));
      expect(result).toMatchObject({ format: 'json-lines', events: 2, rejects: 0, exceptions: 1 });
    }
    const rows = db.prepare(`SELECT host, track, track_rule AS rule, error_type AS type FROM events ORDER BY id`).all();
    expect(rows).toEqual([
      { host: 'checkout-canary-1', track: 'canary', rule: 'host-name', type: null },
      { host: 'checkout-2', track: 'unknown', rule: null, type: 'Error' },
      { host: 'web-stable-2', track: 'stable', rule: 'host-name', type: null },
      { host: 'web-canary-1', track: 'canary', rule: 'host-name', type: 'TypeError' },
    ]);
    db.close();
  });

  it('reads CRLF, a byte-order mark and an empty file', async () => {
    const db = openCase(path.join(tempDir(), 'c.coalmine'), { create: true });
    const crlf = writeLines(
      'crlf.json',
      ['\uFEFF{"time": "2026-11-19T09:52:03Z",', '"msg": "two lines"}', '{"time": "2026-11-19T09:52:04Z", "msg": "b"}'],
      '\r\n',
    );
    const result = await importFile(db, crlf, { format: 'json-lines' });
    expect(result).toMatchObject({ events: 2, rejects: 0 });
    expect(db.prepare(`SELECT raw FROM events ORDER BY id LIMIT 1`).pluck().get()).toBe(
      '{"time": "2026-11-19T09:52:03Z",\n"msg": "two lines"}',
    );
    const empty = writeLines('empty.json', []);
    expect(await importFile(db, empty, { format: 'json-lines' })).toMatchObject({ events: 0, rejects: 0 });
    expect(listRejects(db, result.sourceId ?? -1)).toEqual([]);
    db.close();
  });
});
