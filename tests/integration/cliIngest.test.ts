// `coalmine import` options and `coalmine sources`, end to end through the built command.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { SourceSummary } from '../../shared/api.js';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { coalmine } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const ACCESS = [
  '203.0.113.9 - alice [10/Oct/2025:13:55:36 +0100] "GET /login HTTP/1.1" 401 12 "-" "curl/8"',
  '203.0.113.9 - alice [10/Oct/2025:13:55:37 +0100] "GET /cart HTTP/1.1" 200 99 "-" "curl/8"',
];

describe('coalmine import options and sources', () => {
  it('names the detected format, reads gzip by its bytes, and lists sources with their counts', () => {
    const casePath = path.join(tempDir(), 's.coalmine');
    const plain = writeLines('access.log', ACCESS);
    // A gzip named like plain text: told by its magic bytes, not its name.
    const packed = path.join(tempDir(), 'more.log');
    fs.writeFileSync(packed, gzipSync(ACCESS.map((l) => l.replace('alice', 'bob')).join('\n') + '\nnot a line\n'));

    const run = coalmine(['import', casePath, plain, packed]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${plain}: access-log, 2 events from 2 lines, 0 rejected`);
    expect(run.stderr).toContain(`${packed}: access-log (gzip), 2 events from 3 lines, 1 rejected`);
    expect(run.stderr).toContain(`${packed}:3: not an access-log line`);

    const listed = coalmine(['sources', casePath, '--json']);
    expect(listed.code).toBe(0);
    const sources = JSON.parse(listed.stdout) as SourceSummary[];
    expect(sources.map((s) => [s.name, s.format, s.events, s.rejects, s.authFailures, s.state])).toEqual([
      ['access.log', 'access-log', 2, 0, 1, 'complete'],
      ['more.log', 'access-log', 2, 1, 1, 'complete'],
    ]);
    // The SHA-256 and size of the file as stored (compressed).
    const stored = fs.readFileSync(packed);
    expect(sources[1]).toMatchObject({
      sha256: createHash('sha256').update(stored).digest('hex'),
      size: stored.length,
      zone: 'Europe/London',
      details: { compression: 'gzip' },
    });

    const table = coalmine(['sources', casePath]);
    expect(table.stdout).toMatch(/#\s+Path\s+SHA-256\s+Format\s+Zone\s+Events\s+Rejects\s+Auth failures\s+Exceptions/);
    expect(table.stdout).toMatch(
      new RegExp(
        `2\\s+${packed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+${sources[1]?.sha256}\\s+access-log\\s+Europe/London\\s+2\\s+1\\s+1\\s+0\\s+0\\s+0\\s+complete`,
      ),
    );
    expect(table.stdout).toContain('#2 details: {"compression":"gzip"}');
  });

  it('forces a format with --format, lists the names in help, and refuses a bad --year or format', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'f.coalmine');
    const file = writeLines('a.log', ACCESS);
    const forced = coalmine(['import', casePath, file, '--format', 'ecs-ndjson', '--year', '2025']);
    expect(forced.code).toBe(1);
    expect(forced.stderr).toContain(`${file}: ecs-ndjson, 0 events from 2 lines, 2 rejected`);
    expect(forced.stderr).toContain(`${file}:1: not valid JSON`);

    const help = coalmine(['import', '--help']);
    expect(help.stdout).toMatch(/--format <name>/);
    expect(help.stdout).toMatch(/^ {2}access-log\s+nginx \/ Apache access log/m);
    expect(help.stdout).toMatch(/^ {2}ecs-ndjson\s+ECS NDJSON/m);

    const badYear = coalmine(['import', path.join(dir, 'y.coalmine'), file, '--year', '19x5']);
    expect(badYear.code).toBe(2);
    expect(badYear.stderr).toContain('--year 19x5 is not a year between 1990 and 2099');
    expect(coalmine(['import', path.join(dir, 'y.coalmine'), file, '--format', 'cobol']).code).toBe(2);
    expect(fs.existsSync(path.join(dir, 'y.coalmine'))).toBe(false);
  });

  it('sources opens the case read-only and says when there is nothing', () => {
    const casePath = path.join(tempDir(), 'e.coalmine');
    expect(coalmine(['import', casePath, writeLines('empty.log', [])]).code).toBe(0);
    const before = fs.readFileSync(casePath);
    const listed = coalmine(['sources', casePath]);
    expect(listed.stdout).toMatch(/empty\.log/);
    expect(fs.readFileSync(casePath).equals(before)).toBe(true);
    expect(coalmine(['sources', path.join(tempDir(), 'none.coalmine')]).stderr).toContain('no such case file');
  });
});

/** The events a case holds, in line order, as stored. */
function storedEvents(casePath: string): { ts: number; durationMs: number | null }[] {
  const db = openCase(casePath, { readOnly: true });
  try {
    return db.prepare(`SELECT ts, duration_ms AS durationMs FROM events ORDER BY source_line`).all() as {
      ts: number;
      durationMs: number | null;
    }[];
  } finally {
    closeCase(db);
  }
}

describe('coalmine import options for what a log does not write', () => {
  const LOGBACK = [
    '23:59:58.100 [main] INFO  com.shop.Checkout - started',
    '23:59:59.900 [main] ERROR com.shop.Checkout - payment failed',
    '00:00:01.250 [main] INFO  com.shop.Checkout - retried',
  ];

  it('dates a log of times of day from --date, a day on after midnight', () => {
    const casePath = path.join(tempDir(), 'd.coalmine');
    const log = writeLines('checkout.log', LOGBACK);
    const refused = coalmine(['import', casePath, log]);
    expect(refused.stderr).toContain('coalmine import --date DD/MM/YYYY');
    const bad = coalmine(['import', path.join(tempDir(), 'x.coalmine'), log, '--date', '31/02/2026']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--date 31/02/2026 is not a day written DD/MM/YYYY');

    const dated = path.join(tempDir(), 'dated.coalmine');
    expect(coalmine(['import', dated, log, '--date', '25/10/2026', '--zone', 'UTC']).code).toBe(0);
    const times = storedEvents(dated).map((e) => new Date(e.ts).toISOString());
    expect(times).toEqual(['2026-10-25T23:59:58.100Z', '2026-10-25T23:59:59.900Z', '2026-10-26T00:00:01.250Z']);
  });

  it('reads an Apache whole-number request time in the unit --request-time-unit names', () => {
    const line = '203.0.113.9 - - [10/Oct/2025:13:55:36 +0100] "GET /cart HTTP/1.1" 200 99 "-" "curl/8" 2';
    const log = writeLines('apache-T.log', [line]);
    const durationOf = (unit: string[]): unknown => {
      const casePath = path.join(tempDir(), `t${unit.join('')}.coalmine`);
      expect(coalmine(['import', casePath, log, ...unit]).code).toBe(0);
      return storedEvents(casePath)[0]?.durationMs;
    };
    expect(durationOf([])).toBe(0.002);
    expect(durationOf(['--request-time-unit', 's'])).toBe(2000);
    expect(durationOf(['--request-time-unit', 'ms'])).toBe(2);
  });
});
