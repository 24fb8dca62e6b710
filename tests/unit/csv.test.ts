// CSV with a header (csv.ts) and Kibana Discover exports (kibanaCsv.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { csvFormat, parseCsvMapping, parseKibanaTime } from '../../electron/core/ingest/formats/csv.js';
import { kibanaCsvFormat } from '../../electron/core/ingest/formats/kibanaCsv.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { projectRoot } from '../helpers/cli.js';
import { runFormat } from '../helpers/formatRun.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const fixtures = path.join(projectRoot, 'tests/fixtures/structured');

describe('generic CSV', () => {
  it('maps columns by their aliases, with units, multi-line quoted fields and epoch seconds', async () => {
    const db = openCase(path.join(tempDir(), 'c.coalmine'), { create: true });
    const result = await importFile(db, path.join(fixtures, 'requests.csv'));
    expect(result).toMatchObject({ format: 'csv', lines: 6, events: 4, rejects: 0, authFailures: 1 });
    const rows = db
      .prepare(
        `SELECT source_line AS line, ts, status, duration_ms AS ms, client_ip AS ip, user, track, version, service,
                url_path AS path, message FROM events ORDER BY id`,
      )
      .all();
    expect(rows).toEqual([
      {
        line: 2,
        ts: Date.UTC(2026, 10, 19, 9, 52, 3),
        status: 200,
        ms: 35,
        ip: '203.0.113.7',
        user: 'alice',
        track: 'stable',
        version: '4.12.3',
        service: 'checkout',
        path: '/api/cart',
        message: 'ok',
      },
      {
        line: 3,
        ts: Date.UTC(2026, 10, 19, 9, 52, 4),
        status: 401,
        ms: 12,
        ip: '203.0.113.8',
        user: 'bob',
        track: 'canary',
        version: '4.13.0',
        service: 'checkout',
        path: '/api/login',
        message: 'denied, bad token',
      },
      {
        line: 4,
        ts: Date.UTC(2026, 10, 19, 9, 52, 5),
        status: 503,
        ms: 1500.5,
        ip: '203.0.113.9',
        user: null,
        track: 'canary',
        version: '4.13.0',
        service: 'checkout',
        path: '/api/pay',
        message: 'upstream\ntimed out',
      },
      {
        line: 6,
        ts: 1795600326000,
        status: 204,
        ms: 4,
        ip: '203.0.113.10',
        user: 'carol',
        track: 'stable',
        version: '4.12.3',
        service: 'checkout',
        path: '/api/ping',
        message: 'epoch seconds',
      },
    ]);
    db.close();
  });

  it("reads columns through the user's mapping before their own names", () => {
    const run = runFormat(csvFormat, ['When;Code;time;Took (s);Who', '19/11/2026;418;2026-11-19T09:52:03Z;0.25;eve'], {
      options: { csvMapping: parseCsvMapping('time=timestamp,Code=status,Took (s)=duration_s,Who=user') },
    });
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.ts, e.status, e.durationMs, e.user])).toEqual([
      [Date.UTC(2026, 10, 19, 9, 52, 3), 418, 250, 'eve'],
    ]);
    expect(() => parseCsvMapping('Code=statuz')).toThrow(/"statuz" is not a field Coalmine reads/);
    expect(() => parseCsvMapping('=status')).toThrow(/not column=field/);
    expect(() => runFormat(csvFormat, ['a,b', '1,2'], { options: { csvMapping: { c: 'timestamp' } } })).toThrow(
      /names a column "c" that the header does not have/,
    );
  });

  it('refuses a file with no time column, saying how to name one', () => {
    expect(() => runFormat(csvFormat, ['when,status', 'x,200'])).toThrow(/no time column .*--map COLUMN=timestamp/);
  });

  it('refuses such a file before writing anything, so it imports once mapped', async () => {
    const db = openCase(path.join(tempDir(), 'c.coalmine'), { create: true });
    const file = writeLines('no-time.csv', ['when,status', '2026-11-19T09:52:03Z,200']);
    await expect(importFile(db, file)).rejects.toThrow(/no-time\.csv: line 1: no time column in the header/);
    await expect(importFile(db, file, { formatOptions: { csvMapping: { nope: 'timestamp' } } })).rejects.toThrow(
      /names a column "nope" that the header does not have/,
    );
    expect(listSources(db)).toEqual([]);
    const result = await importFile(db, file, { formatOptions: { csvMapping: { when: 'timestamp' } } });
    expect(result).toMatchObject({ format: 'csv', events: 1, rejects: 0 });
    db.close();
  });

  it('rejects bad rows with their line and reason, and keeps every good row', () => {
    const lines = [
      'timestamp,status,latency,message',
      '2026-11-19T09:52:01Z,200,5,ok',
      '2026-11-19T09:52:02Z,200',
      ',200,5,no time',
      '2026-02-30T10:00:00Z,200,5,impossible day',
      'yesterday,200,5,not a time',
      '2026-11-19T09:52:03Z,abc,5,bad status',
      '2026-11-19T09:52:04Z,200,-3,negative latency',
      '2026-11-19T09:52:05Z,200,5,"unbalanced quote',
      '2026-11-19T09:52:06Z,200,5,good after the quote',
      '2026-11-19T09:52:07Z,200,5,x,extra',
      '2026-11-19T09:52:08Z,200,5,"a ""quoted"" word"',
    ];
    const run = runFormat(csvFormat, lines);
    expect(run.events.map((e) => [e.sourceLine, e.message])).toEqual([
      [2, 'ok'],
      [10, 'good after the quote'],
      [12, 'a "quoted" word'],
    ]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'short row: 2 fields, the header has 4'],
      [4, 'no time (column timestamp is empty)'],
      [5, 'timestamp: time "2026-02-30T10:00:00Z" is not a real date and time'],
      [
        6,
        'timestamp: time "yesterday" is not ISO 8601, epoch seconds or milliseconds, MMM D, YYYY @ HH:mm:ss.SSS or dd/Mon/yyyy:HH:mm:ss ±zzzz',
      ],
      [7, 'status "abc" is not an HTTP status'],
      [8, 'duration_ms "-3" is not a non-negative number'],
      // The stray quote is found when its record ends badly at line 12; the lines after it are read again.
      [9, 'unbalanced quotes: a quoted field opened on this line does not close into a well-formed row (read 4 lines)'],
      [11, 'long row: 5 fields, the header has 4'],
    ]);
  });

  it('reads a BOM, CRLF line ends, tabs, and an empty file', async () => {
    const db = openCase(path.join(tempDir(), 'c.coalmine'), { create: true });
    const file = writeLines(
      'tabs.tsv',
      ['\uFEFFtime\tstatus\tmessage', '2026-11-19T09:52:03Z\t200\t"two', 'lines"', '2026-11-19T09:52:04Z\t500\tthree'],
      '\r\n',
    );
    const result = await importFile(db, file);
    expect(result).toMatchObject({ format: 'csv', events: 2, rejects: 0 });
    expect(db.prepare(`SELECT message FROM events ORDER BY id`).pluck().all()).toEqual(['two\nlines', 'three']);
    expect(runFormat(csvFormat, [])).toEqual({ events: [], metrics: [], rejects: [] });
    db.close();
  });
});

describe('Kibana Discover CSV', () => {
  it('reads its date format in the import zone, newest first, with the file line numbers', async () => {
    const db = openCase(path.join(tempDir(), 'k.coalmine'), { create: true });
    const result = await importFile(db, path.join(fixtures, 'kibana-discover.csv'));
    expect(result).toMatchObject({ format: 'kibana-csv', lines: 7, events: 4, rejects: 0, authFailures: 1 });
    const rows = db
      .prepare(`SELECT source_line AS line, ts, track, status, duration_ms AS ms, message FROM events ORDER BY id`)
      .all();
    expect(rows).toEqual([
      // 19 November: GMT, so the wall time is UTC.
      {
        line: 2,
        ts: Date.UTC(2026, 10, 19, 9, 52, 5, 500),
        track: 'canary',
        status: 401,
        ms: 12,
        message: 'login refused for "alice"',
      },
      { line: 3, ts: Date.UTC(2026, 10, 19, 9, 52, 4), track: 'stable', status: 200, ms: 35, message: null },
      {
        line: 4,
        ts: Date.UTC(2026, 10, 19, 9, 52, 3, 123),
        track: 'canary',
        status: 500,
        ms: 900,
        message: 'payment failed:\njava.lang.IllegalStateException: no key\n\tat com.shop.Pay.run(Pay.java:42)',
      },
      // In the hour London skips (29 March 2026, 01:00–02:00 GMT) the time is read as GMT;
      // Kibana's formula escape is undone.
      { line: 7, ts: Date.UTC(2026, 2, 29, 1, 30), track: 'stable', status: 200, ms: 1, message: "=cmd|' /C calc'!A0" },
    ]);
    db.close();
  });

  it('is DST-correct in summer and in other zones', () => {
    expect(parseKibanaTime('Jul 1, 2026 @ 12:00:00.000', 'Europe/London')).toEqual({
      ok: true,
      ms: Date.UTC(2026, 6, 1, 11),
    });
    expect(parseKibanaTime('Jul 1, 2026 @ 12:00:00', 'America/New_York')).toEqual({
      ok: true,
      ms: Date.UTC(2026, 6, 1, 16),
    });
    expect(parseKibanaTime('Oct 25, 2026 @ 01:30:00.000', 'Europe/London')).toEqual({
      ok: true,
      ms: Date.UTC(2026, 9, 25, 0, 30),
    });
    expect(parseKibanaTime('Feb 30, 2026 @ 01:30:00.000', 'Europe/London')).toMatchObject({ ok: false });
    expect(parseKibanaTime('Foo 3, 2026 @ 01:30:00.000', 'Europe/London')).toMatchObject({ ok: false });
    expect(parseKibanaTime('2026-11-19', 'Europe/London')).toBeNull();
  });

  it('treats "-" as empty and rejects an impossible date', () => {
    const run = runFormat(kibanaCsvFormat, [
      '"@timestamp","http.response.status_code",message',
      '"Nov 19, 2026 @ 09:52:05.500",-,hello',
      '"Nov 31, 2026 @ 09:52:05.500",200,bad day',
    ]);
    expect(run.events.map((e) => [e.status, e.message])).toEqual([[null, 'hello']]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, '@timestamp: time "Nov 31, 2026 @ 09:52:05.500" is not a real date and time'],
    ]);
  });
});
