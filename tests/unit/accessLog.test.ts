import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { accessLogFormat, parseAccessLine } from '../../electron/core/ingest/formats/accessLog.js';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { projectRoot } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const COMBINED =
  '203.0.113.9 - alice [10/Oct/2025:13:55:36 -0700] "GET /api/cart?token=s3cret HTTP/1.1" 401 2326 "https://shop.example/" "Mozilla/5.0 (X11)"';

function parsed(line: string, unit?: 's' | 'ms' | 'us') {
  const outcome = parseAccessLine(line, 7, unit);
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.event;
}

describe('access-log lines', () => {
  it('reads each line its own time, whether it repeats the line before or not', () => {
    const at = (time: string) => COMBINED.replace('10/Oct/2025:13:55:36 -0700', time);
    const times = [
      '10/Oct/2025:13:55:36 -0700',
      '10/Oct/2025:13:55:36 -0700',
      '31/Feb/2025:13:55:36 -0700',
      '31/Feb/2025:13:55:36 -0700',
      '10/Oct/2025:13:55:37 +0000',
    ].map((time) => {
      const outcome = parseAccessLine(at(time), 1);
      return outcome.ok ? new Date(outcome.event.ts).toISOString() : outcome.reason;
    });
    expect(times).toEqual([
      '2025-10-10T20:55:36.000Z',
      '2025-10-10T20:55:36.000Z',
      'time "31/Feb/2025:13:55:36 -0700" is not a real date and time',
      'time "31/Feb/2025:13:55:36 -0700" is not a real date and time',
      '2025-10-10T13:55:37.000Z',
    ]);
  });

  it('reads the combined format: offset honoured, query dropped from the path, user and client kept', () => {
    const e = parsed(COMBINED);
    expect(new Date(e.ts).toISOString()).toBe('2025-10-10T20:55:36.000Z');
    expect(e).toMatchObject({
      tsText: '10/Oct/2025:13:55:36 -0700',
      httpMethod: 'GET',
      urlPath: '/api/cart',
      status: 401,
      clientIp: '203.0.113.9',
      user: 'alice',
      host: null,
      durationMs: null,
      message: 'GET /api/cart?token=s3cret HTTP/1.1',
      sourceLine: 7,
      raw: COMBINED,
    });
  });

  it('reads the common format, a request that never came, and escaped quotes in the request', () => {
    expect(parsed('10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "POST /login HTTP/1.0" 200 -')).toMatchObject({
      httpMethod: 'POST',
      urlPath: '/login',
      status: 200,
      user: null,
    });
    expect(parsed('10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "-" 408 0')).toMatchObject({
      httpMethod: null,
      urlPath: null,
      status: 408,
    });
    expect(parsed('10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /a\\"b HTTP/1.1" 404 5 "-" "x\\"y"').urlPath).toBe(
      '/a\\"b',
    );
  });

  it('reads a virtual host first (%v:%p or $host) as the host', () => {
    expect(parsed(`shop.example:443 ${COMBINED}`)).toMatchObject({ host: 'shop.example', clientIp: '203.0.113.9' });
    expect(parsed(`canary.shop.example ${COMBINED}`)).toMatchObject({ host: 'canary.shop.example', user: 'alice' });
  });

  it('reads the request time at the end: nginx seconds, Apache %D microseconds or %T seconds, rt=', () => {
    expect(parsed(`${COMBINED} 0.250`).durationMs).toBe(250);
    expect(parsed(`${COMBINED} 1234567`).durationMs).toBeCloseTo(1234.567);
    expect(parsed(`${COMBINED} 2`, 's').durationMs).toBe(2000);
    expect(parsed(`${COMBINED} rt=0.042 uct="0.001"`).durationMs).toBe(42);
    expect(parsed(`${COMBINED} "-"`).durationMs).toBeNull();
  });

  it('rejects malformed lines with a reason a person can act on', () => {
    const reason = (line: string): string => {
      const outcome = parseAccessLine(line, 1);
      return outcome.ok ? 'accepted' : outcome.reason;
    };
    expect(reason('GET /index.html 200')).toMatch(/not an access-log line/);
    expect(reason(COMBINED.replace('10/Oct/2025:13:55:36 -0700', '2025-10-10 13:55:36'))).toMatch(
      /time "2025-10-10 13:55:36" is not dd\/Mon\/yyyy:HH:mm:ss ±zzzz/,
    );
    expect(reason(COMBINED.replace('10/Oct', '31/Feb'))).toMatch(/not a real date/);
    expect(reason(COMBINED.replace('-0700', '+2500'))).toMatch(/impossible offset/);
    expect(reason(COMBINED.replace('2025', '1970'))).toMatch(/outside 1990–2099/);
    expect(reason(COMBINED.replace('" 401 ', '" 4O1 '))).toMatch(/status "4O1" is not an HTTP status/);
    expect(reason(COMBINED.replace(' 2326 ', ' 23k '))).toMatch(/bytes "23k" is not a number/);
  });

  it('is detected from the first lines, and ECS NDJSON is not taken for it', () => {
    expect(detectFormat([COMBINED, COMBINED], 'access.log').name).toBe('access-log');
    expect(accessLogFormat.probe(['{"@timestamp":"2026-01-01T00:00:00Z"}'], 'a.ndjson')).toBe(0);
  });

  it('imports a file: 401s are authentication failures (http-401), bad lines rejected by number', async () => {
    const file = writeLines('access.log', [COMBINED, 'garbage', COMBINED.replace('" 401 ', '" 200 ')]);
    const db = openCase(path.join(tempDir(), 'a.coalmine'), { create: true });
    const result = await importFile(db, file);
    expect(result).toMatchObject({ format: 'access-log', events: 2, rejects: 1, authFailures: 1 });
    expect(listRejects(db, result.sourceId ?? -1).map((r) => r.line)).toEqual([2]);
    expect(db.prepare(`SELECT auth_rule FROM events WHERE status = 401`).pluck().all()).toEqual(['http-401']);
    db.close();
  });
});

// Real logs, read in place (never copied into the repository): ../shared/data/real beside the repo.
const real = path.resolve(projectRoot, '../shared/data/real');
const haveReal = fs.existsSync(real);
if (!haveReal) console.warn(`skipping the real access logs: ${real} is absent`);

async function importReal(relative: string) {
  const db = openCase(path.join(tempDir(), 'real.coalmine'), { create: true });
  const result = await importFile(db, path.join(real, relative));
  const statuses = Object.fromEntries(
    (
      db.prepare(`SELECT status, count(*) AS n FROM events GROUP BY status`).all() as { status: number; n: number }[]
    ).map((r) => [r.status, r.n]),
  );
  return { db, result, statuses };
}

describe.skipIf(!haveReal)('real access logs', () => {
  it('does not take other real logs for access logs (an Apache error log, syslog, HAProxy, W3C, Zeek)', () => {
    for (const file of [
      'loghub/Apache_2k.log',
      'loghub/Linux_2k.log',
      'lnav/logfile_haproxy.0',
      'lnav/logfile_w3c_big.0',
      'lnav/logfile_bro_http.log.0',
      'elastic-integrations/test-secure-rhel7.ecs.ndjson',
    ]) {
      const sample = fs.readFileSync(path.join(real, file), 'utf8').split('\n').filter(Boolean).slice(0, 20);
      expect([file, accessLogFormat.probe(sample, path.basename(file))]).toEqual([file, 0]);
    }
  });

  it('lnav shop log (nginx combined + "-"): every line, the documented status counts', async () => {
    const { db, result, statuses } = await importReal('lnav/logfile_shop_access_log.0');
    expect(result).toMatchObject({ format: 'access-log', lines: 1000, events: 1000, rejects: 0, authFailures: 0 });
    expect(statuses).toEqual({ 200: 938, 404: 24, 302: 20, 301: 11, 304: 7 });
    // +0330 honoured: 03:56:14 in Tehran is 00:26:14 UTC.
    expect(
      new Date(db.prepare(`SELECT ts FROM events WHERE source_line = 1`).pluck().get() as number).toISOString(),
    ).toBe('2019-01-22T00:26:14.000Z');
    db.close();
  });

  it('netnea labor-06 (Apache extended): 560 authentication failures, a burst of 82 in one hour, %D read', async () => {
    const { db, result, statuses } = await importReal('netnea-apache-labor/labor-06_access_10000.part1.log');
    expect(result).toMatchObject({ format: 'access-log', lines: 5000, events: 5000, rejects: 0, authFailures: 560 });
    // The data's README counts 393×302 by splitting on spaces; three 302s answer requests with
    // no space in them ("HELP", "x16x03", "x01default"), and two 400s are "GET /" and a SIP line.
    expect(statuses).toEqual({ 200: 2731, 304: 1116, 401: 560, 302: 396, 404: 150, 500: 29, 301: 16, 400: 2 });
    expect(db.prepare(`SELECT DISTINCT auth_rule FROM events WHERE auth_failure = 1`).pluck().all()).toEqual([
      'http-401',
    ]);
    const busiest = db
      .prepare(
        `SELECT substr(ts_text, 1, 14) AS hour, count(*) AS n FROM events WHERE status = 401
         GROUP BY hour ORDER BY n DESC LIMIT 1`,
      )
      .get();
    expect(busiest).toEqual({ hour: '02/Dec/2013:10', n: 82 });
    expect(db.prepare(`SELECT duration_ms FROM events WHERE source_line = 1`).pluck().get()).toBeCloseTo(6.781);
    db.close();
  });
});

describe('durations that overflow', () => {
  it('rejects a request time that overflows to Infinity, naming its line, and keeps the rest', async () => {
    const db = openCase(path.join(tempDir(), 'inf.coalmine'), { create: true });
    const line = (rt: string): string =>
      `203.0.113.9 - - [19/Nov/2026:09:52:03 +0000] "GET /api/cart HTTP/1.1" 200 512 "-" "curl/8" ${rt}`;
    const result = await importFile(db, writeLines('inf.log', [line('0.120'), line(`1${'0'.repeat(400)}.5`)]));
    expect(result).toMatchObject({ events: 1, rejects: 1 });
    expect(listRejects(db, result.sourceId ?? 0)).toEqual([
      expect.objectContaining({
        line: 2,
        reason: expect.stringMatching(/not a finite, non-negative number/) as unknown,
      }),
    ]);
    db.close();
  });
});
