// The new formats through importFile (the parse worker, normalise and the case): the counts on
// the source, the rows stored, and the rejects with their lines. The fixtures are synthetic,
// written after the formats' documentation (tests/fixtures/formats-more).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { type ParseMessage, runParseJob } from '../../electron/core/ingest/parseJob.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { MAX_REPEATS } from '../../electron/core/ingest/formats/syslogRepeats.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'formats-more');
const CRI_FILE = `checkout-canary-7d9f8-x2k4p_shop_app-${'0123456789abcdef'.repeat(4)}.log`;

function newCase() {
  return openCase(path.join(tempDir(), 'more.coalmine'), { create: true });
}

describe('importing the new formats', () => {
  it('imports a kubelet file under /var/log/pods with the pod and container its folders name, detected from content', async () => {
    const folder = path.join(
      tempDir(),
      'var/log/pods/shop_payments-canary-7d9f8c6b54-x2k4p_0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0/app',
    );
    fs.mkdirSync(folder, { recursive: true });
    const file = path.join(folder, '0.log');
    fs.writeFileSync(
      file,
      '2024-05-01T10:00:00.000000001Z stdout F {"level":"error","msg":"login failed","status":401}\n' +
        '2024-05-01T10:00:01.000000001Z stdout F {"level":"info","msg":"ok","status":200}\n',
    );
    const db = newCase();
    expect(await importFile(db, file)).toMatchObject({ format: 'cri-log', events: 2, rejects: 0, authFailures: 1 });
    expect(db.prepare(`SELECT DISTINCT pod, service, track FROM events`).all()).toEqual([
      { pod: 'payments-canary-7d9f8c6b54-x2k4p', service: 'payments', track: 'canary' },
    ]);
  });

  it('imports a CRI container log: joined partial lines, a joined trace, the pod tagged canary', async () => {
    const db = newCase();
    const result = await importFile(db, path.join(FIXTURES, CRI_FILE));
    expect(result).toMatchObject({
      format: 'cri-log',
      lines: 11,
      events: 5,
      rejects: 2,
      authFailures: 1,
      exceptions: 1,
    });
    const rows = db
      .prepare(
        `SELECT source_line AS line, ts, pod, service, track, track_rule AS rule, status, duration_ms AS ms,
                http_method AS method, url_path AS path, error_type AS type, auth_rule AS auth
           FROM events ORDER BY source_line`,
      )
      .all();
    expect(rows.map((r) => (r as { line: number }).line)).toEqual([1, 2, 3, 5, 8]);
    for (const row of rows) {
      expect(row).toMatchObject({
        pod: 'checkout-canary-7d9f8-x2k4p',
        service: 'checkout',
        track: 'canary',
        rule: 'pod-name',
      });
    }
    expect(rows[1]).toMatchObject({ status: 401, method: 'POST', path: '/login', auth: 'http-401' });
    expect(rows[2]).toMatchObject({ ts: Date.UTC(2024, 4, 1, 10, 0, 2), status: 500, ms: 812.5, path: '/pay' });
    expect(rows[3]).toMatchObject({ type: 'java.lang.IllegalStateException' });
    const raw = db.prepare('SELECT raw FROM events WHERE source_line = 3').pluck().get() as string;
    expect(raw.split('\n')).toHaveLength(2);
    const rejects = listRejects(db, result.sourceId ?? -1);
    expect(rejects.map((r) => r.line)).toEqual([9, 11]);
    expect(rejects[0]?.reason).toMatch(/not a real date and time/);
    expect(rejects[1]?.reason).toMatch(/ends before their full \(F\) record/);
    db.close();
  });

  it('imports an ALB access log: tracks from the target groups, the truncated line rejected', async () => {
    const db = newCase();
    const result = await importFile(db, path.join(FIXTURES, 'alb.log'));
    expect(result).toMatchObject({ format: 'elb-log', lines: 4, events: 3, rejects: 1, authFailures: 1 });
    const rows = db
      .prepare(
        `SELECT source_line AS line, host, track, status, duration_ms AS ms, client_ip AS ip, url_path AS path
           FROM events ORDER BY source_line`,
      )
      .all();
    expect(rows).toEqual([
      { line: 1, host: 'checkout-canary', track: 'canary', status: 200, ms: 46, ip: '203.0.113.5', path: '/cart' },
      { line: 2, host: 'checkout-stable', track: 'stable', status: 401, ms: 12, ip: '203.0.113.6', path: '/login' },
      // -1 times: the wait from request_creation_time, here none (no target to try).
      { line: 3, host: 'checkout-canary', track: 'canary', status: 503, ms: 0, ip: '203.0.113.7', path: '/cart' },
    ]);
    expect(listRejects(db, result.sourceId ?? -1).map((r) => r.line)).toEqual([4]);
    db.close();
  });

  it('imports an auth.log whose fold of 5 repeats makes 6 failures, all pointing at their lines', async () => {
    const db = newCase();
    const result = await importFile(db, path.join(FIXTURES, 'auth.log'), { year: 2024, zone: 'Europe/London' });
    expect(result).toMatchObject({ format: 'syslog', lines: 4, events: 8, rejects: 0, authFailures: 6 });
    const failures = db
      .prepare(`SELECT source_line AS line, COUNT(*) AS n FROM events WHERE auth_failure = 1 GROUP BY source_line`)
      .all();
    expect(failures).toEqual([
      { line: 1, n: 1 },
      { line: 2, n: 5 },
    ]);
    const fold = db
      .prepare('SELECT ts, user, client_ip AS ip, message FROM events WHERE source_line = 2 LIMIT 1')
      .get();
    expect(fold).toEqual({
      ts: Date.UTC(2024, 4, 1, 9, 0, 30), // 10:00:30 BST
      user: 'root',
      ip: '203.0.113.12',
      message: 'Failed password for root from 203.0.113.12 port 52000 ssh2',
    });
    db.close();
  });

  it('hands the copies of one big fold to the writer in batches, not as one message', async () => {
    const message = `Failed password for root from 203.0.113.12 port 22 ssh2 ${'x'.repeat(700)}`;
    const file = writeLines('auth.log', [
      `Nov  6 09:15:00 web01 sshd[99]: ${message}`,
      `Nov  6 09:15:05 web01 sshd[99]: message repeated ${MAX_REPEATS} times: [ ${message}]`,
      'Nov  6 09:15:06 web01 sshd[99]: Accepted password for bob from 203.0.113.13 port 22 ssh2',
    ]);
    const batches: number[] = [];
    let end: ParseMessage | null = null;
    await runParseJob(
      {
        path: file,
        format: 'syslog',
        formatContext: { zone: 'UTC', year: 2026, fileName: 'auth.log', options: {} },
        normaliseContext: {
          track: null,
          service: null,
          version: null,
          environment: null,
          rules: DEFAULT_TAGGING_RULES,
        },
        batchSize: 5000,
      },
      (m) => {
        if (m.type === 'batch') batches.push(m.events.count);
        else end = m;
      },
    );
    expect(end).toMatchObject({ type: 'end', lines: 3 });
    expect(batches.reduce((a, b) => a + b, 0)).toBe(MAX_REPEATS + 2);
    expect(Math.max(...batches)).toBeLessThanOrEqual(5000);
  });

  it("keeps two deployments' `app` containers apart as services, and `--service` still wins", async () => {
    const dir = tempDir();
    const write = (pod: string, message: string): string => {
      const file = path.join(dir, `${pod}_shop_app-${'0123456789abcdef'.repeat(4)}.log`);
      fs.writeFileSync(file, `2024-05-01T10:00:00Z stdout F ${message}\n`);
      return file;
    };
    const db = newCase();
    await importFile(db, write('payments-canary-7d9f8c6b54-x2k4p', 'paid'));
    await importFile(db, write('checkout-5d59d67564-q8zmw', 'checked out'));
    await importFile(db, write('search-6c9b8f7d4-vwz2t', 'searched'), { service: 'catalogue' });
    const rows = db.prepare('SELECT service, message FROM events ORDER BY id').all();
    expect(rows).toEqual([
      { service: 'payments', message: 'paid' },
      { service: 'checkout', message: 'checked out' },
      { service: 'catalogue', message: 'searched' },
    ]);
    db.close();
  });
});
