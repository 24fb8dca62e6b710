// The text formats on real public logs (../shared/data/real, described in its README), read
// in place and imported into temporary cases; the figures are checked with SQL against the
// README's counts and against what the files themselves say (grep-like counts over the
// bytes), never against numbers copied from our own output.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CaseDb, openCase } from '../../electron/core/case/caseStore.js';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
import { PROBE_LINES } from '../../electron/core/ingest/formats/types.js';
import { type ImportOptions, importFile } from '../../electron/core/ingest/importFile.js';
import { tempDir } from '../helpers/tempCase.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const REAL = path.resolve(REPO, '../shared/data/real');
const present = fs.existsSync(path.join(REAL, 'README.md'));
if (!present) console.warn(`real-data tests skipped: ${REAL} is absent (the shared real logs are not on this machine)`);

const real = (name: string): string => path.join(REAL, name);
const fileLines = (name: string): string[] => fs.readFileSync(real(name), 'utf8').split(/\r?\n/);

async function imported(name: string, options: ImportOptions = {}): Promise<{ db: CaseDb; format: string }> {
  const db = openCase(path.join(tempDir(), 'real.coalmine'), { create: true });
  const result = await importFile(db, real(name), options);
  return { db, format: result.format };
}

const one = (db: CaseDb, sql: string, ...params: unknown[]): number =>
  db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

describe.skipIf(!present)(`real logs in ${REAL} (skipped when the folder is absent)`, () => {
  it('loghub Linux_2k.log: 2000 syslog events, the 490 PAM authentication failures, check pass not counted', async () => {
    const { db, format } = await imported('loghub/Linux_2k.log', { year: 2005 });
    const lines = fileLines('loghub/Linux_2k.log').filter((l) => l !== '');
    expect(format).toBe('syslog');
    expect(lines).toHaveLength(2000);
    expect(one(db, 'SELECT count(*) FROM events')).toBe(2000);
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);

    const pamLines = lines.filter((l) => l.includes('authentication failure')).length;
    expect(pamLines).toBe(490);
    expect(one(db, `SELECT count(*) FROM events WHERE auth_rule = 'pam-authentication-failure'`)).toBe(490);
    expect(
      one(db, `SELECT count(*) FROM events WHERE auth_failure = 1 AND instr(raw, 'authentication failure') > 0`),
    ).toBe(490);

    // `check pass; user unknown` is PAM's note inside an attempt whose failure is its own
    // `authentication failure` line (same pid, next lines): counting it would count twice.
    expect(lines.filter((l) => l.includes('check pass; user unknown'))).toHaveLength(117);
    expect(one(db, `SELECT count(*) FROM events WHERE message LIKE 'check pass; user unknown%'`)).toBe(117);
    expect(one(db, `SELECT count(*) FROM events WHERE message LIKE 'check pass;%' AND auth_failure = 1`)).toBe(0);
    // …and in this file the next line of the same process is, every time, that failure.
    const pidOf = (line: string): string | undefined => /\[(\d+)\]:/.exec(line)?.[1];
    const ruleAt = db.prepare('SELECT auth_rule FROM events WHERE source_line = ?').pluck();
    lines.forEach((line, i) => {
      if (!line.includes('check pass; user unknown')) return;
      const next = lines.findIndex((other, j) => j > i && pidOf(other) === pidOf(line));
      expect(ruleAt.get(next + 1)).toBe('pam-authentication-failure');
    });

    // klogind's Kerberos failures are failures too, under their own rule.
    const kerberos = lines.filter((l) =>
      / klogind\[\d+\]: (?:Kerberos authentication failed|Authentication failed from)/.test(l),
    );
    expect(one(db, `SELECT count(*) FROM events WHERE auth_rule = 'kerberos-authentication-failed'`)).toBe(
      kerberos.length,
    );
    expect(one(db, 'SELECT count(*) FROM events WHERE auth_failure = 1')).toBe(490 + kerberos.length);
    expect(one(db, `SELECT count(*) FROM events WHERE message LIKE 'session opened%' AND auth_failure = 1`)).toBe(0);

    // sshd(pam_unix) is sshd; the first line is 14 June 15:16:01 in London (BST).
    expect(one(db, `SELECT count(*) FROM events WHERE service = 'sshd'`)).toBe(
      lines.filter((l) => / sshd\(pam_unix\)\[/.test(l)).length,
    );
    expect(one(db, 'SELECT ts FROM events WHERE source_line = 1')).toBe(Date.UTC(2005, 5, 14, 14, 16, 1));
    expect(one(db, `SELECT client_ip FROM events WHERE source_line = 1`)).toBe('218.188.2.4');
    expect(one(db, `SELECT user FROM events WHERE source_line = 4`)).toBe('root');
    db.close();
  });

  it('elastic-beats system-auth-test.log: failed password and invalid user marked, accepted logins and sudo not', async () => {
    const { db, format } = await imported('elastic-beats/system-auth-test.log', { year: 2026 });
    expect(format).toBe('syslog');
    expect(one(db, 'SELECT count(*) FROM events')).toBe(10);
    const rows = db
      .prepare(
        'SELECT source_line AS line, auth_rule AS rule, user, client_ip AS ip FROM events WHERE auth_failure = 1 ORDER BY 1',
      )
      .all();
    expect(rows).toEqual([
      { line: 3, rule: 'sshd-invalid-user', user: 'test', ip: '10.0.2.2' },
      { line: 4, rule: 'sshd-failed-password', user: 'root', ip: '216.160.83.57' },
    ]);
    expect(db.prepare(`SELECT user, client_ip AS ip FROM events WHERE source_line = 2`).get()).toEqual({
      user: 'vagrant',
      ip: '192.168.33.1',
    });
    db.close();
  });

  it("elastic-integrations test-secure-rhel7.log: agrees with Elastic's expected failures, plus the PAM line", async () => {
    const { db, format } = await imported('elastic-integrations/test-secure-rhel7.log', { year: 2026 });
    expect(format).toBe('syslog');
    expect(one(db, 'SELECT count(*) FROM events')).toBe(7);
    const expected = (
      JSON.parse(fs.readFileSync(real('elastic-integrations/test-secure-rhel7.log-expected.json'), 'utf8')) as {
        expected: { event?: { outcome?: string }; user?: { name?: string } }[];
      }
    ).expected;
    expect(expected).toHaveLength(7);
    expected.forEach((doc, i) => {
      if (doc.event?.outcome !== 'failure') return;
      expect(db.prepare('SELECT auth_failure AS f, user FROM events WHERE source_line = ?').get(i + 1)).toEqual({
        f: 1,
        user: doc.user?.name ?? null,
      });
    });
    expect(
      db.prepare('SELECT source_line AS line, auth_rule AS rule FROM events WHERE auth_failure = 1 ORDER BY 1').all(),
    ).toEqual([
      { line: 1, rule: 'sshd-failed-password' },
      { line: 6, rule: 'pam-authentication-failure' },
    ]);
    // `PAM 4 more authentication failures` summarises attempts sshd logged one by one.
    expect(one(db, `SELECT auth_failure FROM events WHERE message LIKE 'PAM 4 more%'`)).toBe(0);
    db.close();
  });

  it('lnav logfile_vdsm.0: one Python traceback is one event with its type, message and whole trace', async () => {
    const { db, format } = await imported('lnav/logfile_vdsm.0');
    const lines = fileLines('lnav/logfile_vdsm.0');
    const headerLines = lines.filter((l) => /^[^\s:]+::[A-Z]+::\d{4}-/.test(l)).length;
    expect(format).toBe('python-log');
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, 'SELECT count(*) FROM events')).toBe(headerLines);
    const tb = lines.findIndex((l) => l.includes('Traceback (most recent call last):'));
    const last = lines.findIndex((l) => l.startsWith('libvirtError: '));
    const row = db.prepare('SELECT * FROM events WHERE error_type IS NOT NULL').all() as Record<string, unknown>[];
    expect(row).toHaveLength(1);
    expect(row[0]).toMatchObject({
      source_line: tb + 1,
      level: 'error',
      error_type: 'libvirtError',
      error_message: (lines[last] ?? '').slice('libvirtError: '.length),
      raw: lines.slice(tb, last + 1).join('\n'),
    });
    expect(String(row[0]?.error_stack).split('\n')).toHaveLength(last - tb + 1);
    db.close();
  });

  it('loghub Zookeeper_2k.log: 13 ERROR, 1318 WARN, 3 IOException in one group', async () => {
    const { db, format } = await imported('loghub/Zookeeper_2k.log');
    expect(format).toBe('java-log');
    expect(one(db, 'SELECT count(*) FROM events')).toBe(2000);
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, `SELECT count(*) FROM events WHERE level = 'error'`)).toBe(13);
    expect(one(db, `SELECT count(*) FROM events WHERE level = 'warn'`)).toBe(1318);
    expect(one(db, `SELECT count(*) FROM events WHERE error_type = 'java.io.IOException'`)).toBe(3);
    expect(one(db, `SELECT count(DISTINCT fingerprint) FROM events WHERE error_type = 'java.io.IOException'`)).toBe(1);
    // The user-level KeeperException is an expected outcome reported at INFO, not a thrown exception.
    expect(one(db, 'SELECT count(*) FROM events WHERE fingerprint IS NOT NULL')).toBe(3);
    db.close();
  });

  it('lnav logfile_laravel.0: 82 errors, 84 stack traces, 4 exception groups', async () => {
    const { db, format } = await imported('lnav/logfile_laravel.0');
    expect(format).toBe('laravel-log');
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, `SELECT count(*) FROM events WHERE level = 'error'`)).toBe(82);
    expect(one(db, 'SELECT count(*) FROM events')).toBe(82);
    const traces = db.prepare('SELECT error_stack FROM events').pluck().all() as string[];
    expect(traces.reduce((n, s) => n + s.split('\n').filter((l) => l === '[stacktrace]').length, 0)).toBe(84);
    const byType = db
      .prepare(
        'SELECT error_type AS type, count(*) AS n, count(DISTINCT fingerprint) AS groups FROM events GROUP BY 1 ORDER BY 1',
      )
      .all();
    // FatalError: 78 times the same uncaught ReflectionException (one group). ParseError: two
    // different syntax errors ("Unclosed '{' …", "Unmatched '}'") – two groups. The binding
    // error: the same missing class, resolved by the container from the same frames, once
    // while handling the request and once while terminating it – one group.
    expect(byType).toEqual([
      { type: 'Illuminate\\Contracts\\Container\\BindingResolutionException', n: 2, groups: 1 },
      { type: 'ParseError', n: 2, groups: 2 },
      { type: 'Symfony\\Component\\ErrorHandler\\Error\\FatalError', n: 78, groups: 1 },
    ]);
    expect(one(db, 'SELECT count(DISTINCT fingerprint) FROM events')).toBe(4);
    db.close();
  });

  it('lnav logfile_laravel.1: the two identical EMERGENCY exceptions are one group', async () => {
    const { db, format } = await imported('lnav/logfile_laravel.1');
    expect(format).toBe('laravel-log');
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, `SELECT count(*) FROM events WHERE level = 'emergency'`)).toBe(2);
    expect(one(db, `SELECT count(DISTINCT fingerprint) FROM events WHERE level = 'emergency'`)).toBe(1);
    expect(one(db, `SELECT error_message FROM events WHERE level = 'emergency' LIMIT 1`)).toBe(
      'Call to undefined method App\\Logging\\CustomizeFormatter::__invoke()',
    );
    expect(one(db, `SELECT count(*) FROM events WHERE level = 'info' AND client_ip = '192.168.160.1'`)).toBe(2);
    db.close();
  });

  it('loghub Spark_2k.log and HDFS_2k.log: negative controls with no exception', async () => {
    const spark = await imported('loghub/Spark_2k.log');
    expect(spark.format).toBe('java-log');
    expect(one(spark.db, `SELECT count(*) FROM events WHERE level = 'info'`)).toBe(2000);
    expect(one(spark.db, 'SELECT count(*) FROM events WHERE fingerprint IS NOT NULL')).toBe(0);
    spark.db.close();
    const hdfs = await imported('loghub/HDFS_2k.log');
    expect(hdfs.format).toBe('java-log');
    expect(one(hdfs.db, `SELECT count(*) FROM events WHERE level = 'info'`)).toBe(1920);
    expect(one(hdfs.db, `SELECT count(*) FROM events WHERE level = 'warn'`)).toBe(80);
    expect(one(hdfs.db, 'SELECT count(*) FROM events WHERE fingerprint IS NOT NULL')).toBe(0);
    hdfs.db.close();
  });

  it('lnav logfile_haproxy.0: 13 requests with status 200 via syslog, the startup lines kept as events', async () => {
    const name = 'lnav/logfile_haproxy.0';
    const { db, format } = await imported(name, { year: 2019 });
    expect(format).toBe('haproxy-log');
    const lines = fileLines(name).filter((l) => l !== '');
    // A request's line has the timers after `frontend backend/server`; an SSL handshake failure has none.
    const requests = lines.filter((l) => / \[\d{2}\/\w{3}\/\d{4}:[\d:.]+\] \S+ \S+\/\S+ -?\d+\//.test(l));
    expect(requests).toHaveLength(13);
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, 'SELECT count(*) FROM events')).toBe(lines.length);
    expect(one(db, 'SELECT count(*) FROM events WHERE status = 200')).toBe(13);
    expect(one(db, 'SELECT count(*) FROM events WHERE status IS NULL AND url_path IS NULL')).toBe(lines.length - 13);
    // Each request's duration is the last of its five timers, as the line writes it.
    const totals = requests.map((l) => Number(/ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(\d+) /.exec(l)?.[1]));
    expect(
      db.prepare('SELECT duration_ms FROM events WHERE status IS NOT NULL ORDER BY source_line').pluck().all(),
    ).toEqual(totals);
    db.close();
  });

  it("lnav logfile_bro_http.log.0: Zeek's http.log gives the README's statuses (173 200s, 17 304s, …)", async () => {
    const name = 'lnav/logfile_bro_http.log.0';
    const { db, format } = await imported(name);
    expect(format).toBe('zeek-log');
    const records = fileLines(name).filter((l) => l !== '' && !l.startsWith('#'));
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, 'SELECT count(*) FROM events')).toBe(records.length);
    expect(db.prepare('SELECT status, count(*) AS n FROM events GROUP BY status ORDER BY status').all()).toEqual([
      { status: 200, n: 173 },
      { status: 204, n: 1 },
      { status: 301, n: 1 },
      { status: 302, n: 4 },
      { status: 304, n: 17 },
      { status: 404, n: 1 },
    ]);
    const firstTs = (records[0] ?? '').split('\t')[0] ?? '';
    expect(one(db, 'SELECT ts FROM events ORDER BY source_line LIMIT 1')).toBe(Math.round(Number(firstTs) * 1000));
    db.close();
  });

  it('lnav logfile_w3c_big.0: the IIS log gives 202 404s and 8 200s, times in UTC', async () => {
    const name = 'lnav/logfile_w3c_big.0';
    const { db, format } = await imported(name, { zone: 'Asia/Tokyo' });
    expect(format).toBe('w3c-log');
    const records = fileLines(name).filter((l) => l !== '' && !l.startsWith('#'));
    expect(one(db, 'SELECT count(*) FROM rejects')).toBe(0);
    expect(one(db, 'SELECT count(*) FROM events')).toBe(records.length);
    expect(one(db, 'SELECT count(*) FROM events WHERE status = 404')).toBe(202);
    expect(one(db, 'SELECT count(*) FROM events WHERE status = 200')).toBe(8);
    const [date, time] = (records[0] ?? '').split(' ');
    expect(one(db, 'SELECT ts FROM events ORDER BY source_line LIMIT 1')).toBe(Date.parse(`${date}T${time}Z`));
    db.close();
  });
});

function sampleOf(name: string): string[] {
  return fileLines(name)
    .filter((l) => l.trim() !== '')
    .slice(0, PROBE_LINES);
}

function detected(name: string): string {
  try {
    return detectFormat(sampleOf(name), path.basename(name)).name;
  } catch {
    return '(none)';
  }
}

describe.skipIf(!present)('detection of the real logs (skipped when the folder is absent)', () => {
  it.each([
    ['loghub/Linux_2k.log', 'syslog'],
    ['elastic-beats/system-auth-test.log', 'syslog'],
    ['elastic-integrations/test-secure-rhel7.log', 'syslog'],
    ['lnav/logfile_haproxy.0', 'haproxy-log'],
    ['lnav/logfile_w3c_big.0', 'w3c-log'],
    ['lnav/logfile_bro_http.log.0', 'zeek-log'],
    ['loghub/Zookeeper_2k.log', 'java-log'],
    ['loghub/Spark_2k.log', 'java-log'],
    ['loghub/HDFS_2k.log', 'java-log'],
    ['lnav/logfile_vdsm.0', 'python-log'],
    ['lnav/logfile_laravel.0', 'laravel-log'],
    ['lnav/logfile_laravel.1', 'laravel-log'],
  ])('%s is read as %s', (name, format) => {
    expect(detected(name)).toBe(format);
  });

  const mine = ['syslog', 'java-log', 'python-log', 'laravel-log'];
  it.each([
    'elastic-integrations/test-secure-rhel7.ecs.ndjson',
    'elastic-beats/es_startup_shutdown_due_to_exception.log',
    'lnav/logfile_shop_access_log.0',
    'lnav/logfile_journald.json',
    'lnav/logfile_w3c_big.0',
    'lnav/logfile_bro_http.log.0',
    'netnea-apache-labor/labor-06_access_10000.part1.log',
    'loghub/Apache_2k.log',
    'loghub/Android_2k.log',
    'loghub/OpenStack_2k.log',
  ])('%s is not taken by a text format', (name) => {
    expect(mine).not.toContain(detected(name));
  });
});
