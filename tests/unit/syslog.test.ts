// syslog and auth.log: the three shapes on disk, the year RFC 3164 does not write, the
// zone, PRI levels, sshd/PAM users and IPs, and lines that are not syslog.
import { describe, expect, it } from 'vitest';
import { authFieldsOf, syslogFormat } from '../../electron/core/ingest/formats/syslog.js';
import { runFormat } from '../helpers/runFormat.js';

const iso = (ms: number): string => new Date(ms).toISOString();

describe('RFC 3164', () => {
  it('maps host, program, pid-less service, message, and reads the time in the import zone and year', () => {
    const { events, rejects } = runFormat(syslogFormat, [
      'Jan  5 09:15:00 web1 sshd[4242]: Failed password for invalid user admin from 203.0.113.9 port 52311 ssh2',
      'Jul 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4  user=root',
      'Feb 21 23:35:33 localhost sudo: vagrant : TTY=pts/0 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls',
    ]);
    expect(rejects).toEqual([]);
    const [a, b, c] = events;
    // January in London is GMT, July is BST (UTC+1).
    expect(iso(a?.ts ?? 0)).toBe('2026-01-05T09:15:00.000Z');
    expect(a).toMatchObject({
      tsText: 'Jan  5 09:15:00',
      host: 'web1',
      service: 'sshd',
      message: 'Failed password for invalid user admin from 203.0.113.9 port 52311 ssh2',
      user: 'admin',
      clientIp: '203.0.113.9',
      level: null,
      sourceLine: 1,
    });
    expect(iso(b?.ts ?? 0)).toBe('2026-07-14T14:16:01.000Z');
    expect(b).toMatchObject({ service: 'sshd', user: 'root', clientIp: '218.188.2.4', host: 'combo' });
    expect(c).toMatchObject({ service: 'sudo', message: expect.stringMatching(/^vagrant : TTY/) as string });
  });

  it('takes the level from a PRI prefix', () => {
    const { events } = runFormat(syslogFormat, [
      '<34>Oct 11 22:14:15 mymachine su: su root failed for lonvick on /dev/pts/8',
    ]);
    expect(events[0]).toMatchObject({ level: 'critical', service: 'su', host: 'mymachine' });
  });

  it('puts lines dated after the modification month in the year before, when the year is the default', () => {
    const lines = ['Dec 31 23:59:58 h cron[1]: last of the year', 'Jan  1 00:00:02 h cron[1]: first of the next'];
    const defaulted = runFormat(syslogFormat, lines, { year: 2027, modifiedMonth: 1 });
    expect(defaulted.events.map((e) => iso(e.ts))).toEqual(['2026-12-31T23:59:58.000Z', '2027-01-01T00:00:02.000Z']);
    // --year is taken as given for every line.
    const given = runFormat(syslogFormat, lines, { year: 2027 });
    expect(given.events.map((e) => iso(e.ts))).toEqual(['2027-12-31T23:59:58.000Z', '2027-01-01T00:00:02.000Z']);
  });

  it('rejects impossible dates with the reason, and keeps the good lines around them', () => {
    const { events, rejects } = runFormat(
      syslogFormat,
      [
        'Feb 28 10:00:00 h app: ok',
        'Feb 30 10:00:00 h app: no such day',
        'Feb 29 10:00:00 h app: not in 2026',
        'Mar  1 25:00:00 h app: no such hour',
        'Mar  1 10:00:00 h',
        'Mar  1 10:00:01 h app: ok again',
      ],
      { year: 2026 },
    );
    expect(events.map((e) => e.sourceLine)).toEqual([1, 6]);
    expect(rejects).toEqual([
      { line: 2, reason: 'Feb 30 does not exist in 2026', raw: 'Feb 30 10:00:00 h app: no such day' },
      { line: 3, reason: 'Feb 29 does not exist in 2026', raw: 'Feb 29 10:00:00 h app: not in 2026' },
      { line: 4, reason: '25:00:00 is not a time of day', raw: 'Mar  1 25:00:00 h app: no such hour' },
      { line: 5, reason: 'nothing after the host name (no program, no message)', raw: 'Mar  1 10:00:00 h' },
    ]);
    expect(runFormat(syslogFormat, ['Feb 29 10:00:00 h app: leap'], { year: 2028 }).events).toHaveLength(1);
  });

  // A hang (a backtracking pattern) fails by vitest's timeout; no clock in the test.
  it('reads a megabyte line of hostile text without a pattern that backtracks over it', () => {
    const { events } = runFormat(syslogFormat, [
      `Jun 19 04:09:12 combo sshd[1]: ${'Failed password for '.repeat(20_000)}${'user= rhost= '.repeat(40_000)}`,
      `Jun 19 04:09:13 combo ${'a['.repeat(300_000)}`,
    ]);
    expect(events).toHaveLength(2);
  });

  it('keeps a tag it cannot split as message, and control characters as text', () => {
    const { events, rejects } = runFormat(syslogFormat, [
      'Jun 19 04:09:11 combo syslogd 1.4.1: restart.',
      'Jun 19 04:09:12 combo app[1]: bell\u0007 escape\u001b[31m nul\u0000 end',
      'Jun 19 04:09:13 combo app[1]: lone\rCR and \u2028 separator',
      '<38>1 2026-11-19T09:15:01Z host app 1 - - five\rfour',
      '2026-11-19T09:15:00Z bastion app[1]: iso\u2029para',
    ]);
    expect(rejects).toEqual([]);
    expect(events[0]).toMatchObject({ service: null, message: 'syslogd 1.4.1: restart.' });
    expect(events[1]?.message).toBe('bell\u0007 escape\u001b[31m nul\u0000 end');
    expect(events.slice(2).map((e) => e.message)).toEqual([
      'lone\rCR and \u2028 separator',
      'five\rfour',
      'iso\u2029para',
    ]);
  });
});

describe('RFC 5424 and the rsyslog ISO variant', () => {
  it('reads RFC 5424 with its own offset, structured data, NIL values and a BOM', () => {
    const { events, rejects } = runFormat(syslogFormat, [
      '<165>1 2026-11-19T09:15:00.003+02:00 mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App]lication"] \uFEFFAn application event',
      '<38>1 2026-11-19T09:15:01Z - sshd 4242 - - Accepted password for alice from 192.0.2.7 port 50000 ssh2',
      '<38>1 - host sshd 1 - - no time',
      '<38>2 2026-11-19T09:15:01Z host sshd 1 - - version two',
      '<999>1 2026-11-19T09:15:01Z host sshd 1 - - priority too high',
      '<38>1 2026-11-19T09:15:01Z host sshd 1 - [unclosed sd',
    ]);
    expect(events).toHaveLength(2);
    expect(iso(events[0]?.ts ?? 0)).toBe('2026-11-19T07:15:00.003Z');
    expect(events[0]).toMatchObject({
      level: 'notice',
      host: 'mymachine.example.com',
      service: 'evntslog',
      message: 'An application event',
    });
    expect(events[1]).toMatchObject({
      host: null,
      service: 'sshd',
      user: 'alice',
      clientIp: '192.0.2.7',
      level: 'info',
    });
    expect(events[1]?.authFailure).toBe(false);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [3, 'no timestamp (RFC 5424 "-")'],
      [4, 'RFC 5424 version 2 is not 1'],
      [5, 'priority <999> is above 191 (facility 23, severity 7)'],
      [6, 'structured data is not closed with "]"'],
    ]);
  });

  it('reads the ISO-timestamp lines rsyslog writes', () => {
    const { events } = runFormat(syslogFormat, [
      '2026-11-19T09:15:00.123456+00:00 bastion sshd[812]: Invalid user oracle from 198.51.100.4 port 4000',
      '2026-03-29T01:30:00.5-05:00 bastion kernel: eth0 link up',
    ]);
    expect(events[0]).toMatchObject({ host: 'bastion', service: 'sshd', user: 'oracle', clientIp: '198.51.100.4' });
    expect(iso(events[0]?.ts ?? 0)).toBe('2026-11-19T09:15:00.123Z');
    expect(iso(events[1]?.ts ?? 0)).toBe('2026-03-29T06:30:00.500Z');
    expect(events[0]?.authRule).toBe('sshd-invalid-user');
  });

  it('rejects what is not syslog, one reject per line', () => {
    const { events, rejects } = runFormat(syslogFormat, [
      'Foo 14 15:16:01 combo sshd[1]: no such month',
      'Jun 14 15:16 combo sshd[1]: no seconds',
      '',
      '   ',
      '2026-11-19 09:15:00 ERROR app: an application log, not syslog',
    ]);
    expect(events).toEqual([]);
    expect(rejects.map((r) => r.line)).toEqual([1, 2, 5]);
    expect(rejects[0]?.reason).toMatch(/^not a syslog line/);
  });
});

describe('sshd and PAM fields', () => {
  it.each([
    ['Failed password for invalid user X from 10.0.0.1 port 22 ssh2', 'X', '10.0.0.1'],
    ['Failed password for root from 216.160.83.57 port 29160 ssh2', 'root', '216.160.83.57'],
    ['Failed publickey for git from 2001:db8::1 port 22 ssh2: RSA SHA256:abc', 'git', '2001:db8::1'],
    ['Invalid user test from 10.0.2.2', 'test', '10.0.2.2'],
    ['Accepted password for vagrant from 192.168.33.1 port 58803 ssh2', 'vagrant', '192.168.33.1'],
    [
      'pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=202.109.143.106  user=root',
      'root',
      '202.109.143.106',
    ],
    // A host name in rhost is not an IP: the IP column stays empty, the name stays in the message.
    ['authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=a.example.net  user=root', 'root', null],
    ['authentication failure; logname= uid=0 euid=0 tty=NODEVssh ruser= rhost=218.188.2.4 ', null, '218.188.2.4'],
    ['Did not receive identification string from 2.125.160.217', null, '2.125.160.217'],
    ['vagrant : TTY=pts/0 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls', 'vagrant', null],
    ['     tsg : user NOT in sudoers ; TTY=pts/1 ; PWD=/home/vagrant ; USER=root ; COMMAND=/bin/ls', 'tsg', null],
  ])('%s', (message, user, ip) => {
    expect(authFieldsOf(message)).toEqual({ user, clientIp: ip });
  });
});

describe('syslog probe', () => {
  it('claims syslog and leaves application logs, JSON and access logs alone', () => {
    expect(
      syslogFormat.probe(['Jun 14 15:16:01 combo sshd[1]: x', 'Jun 14 15:16:02 combo sshd[1]: y'], 'a'),
    ).toBeGreaterThan(0.9);
    expect(syslogFormat.probe(['<34>1 2026-11-19T09:15:00Z h app - - - x'], 'a')).toBeGreaterThan(0.9);
    expect(syslogFormat.probe(['2026-11-19T09:15:00.1+00:00 h prog[1]: x'], 'a')).toBeGreaterThan(0.9);
    expect(syslogFormat.probe(['2026-11-19T09:15:00.1+00:00 ERROR app: x'], 'a')).toBe(0);
    expect(syslogFormat.probe(['{"@timestamp":"2026-01-01T00:00:00Z"}'], 'a')).toBe(0);
    expect(syslogFormat.probe(['1.2.3.4 - - [10/Oct/2026:13:55:36 +0000] "GET / HTTP/1.1" 200 2326'], 'a')).toBe(0);
    expect(syslogFormat.probe(['2024-01-01 10:00:00,123 ERROR [main] com.x.Y - boom'], 'a')).toBe(0);
  });
});
