// The logs of what splits traffic between canary and stable, serves it on Windows, or watches
// it on the wire: HAProxy's HTTP log (in syslog or raw), the W3C extended log of IIS and
// CloudFront, and Zeek's tab-separated logs. Each case is a few lines written here after the
// upstream documentation (HAProxy's "Log formats", Microsoft's "W3C Logging", CloudFront's
// standard log fields, Zeek's "Log files"), read as an import reads them.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { detectFormat, formatNamed } from '../../electron/core/ingest/formats/index.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { runFormat } from '../helpers/runFormat.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

function read(lines: readonly string[], zone = 'Europe/London') {
  const format = detectFormat(
    lines.filter((l) => l.trim() !== ''),
    'test.log',
  );
  return { format: format.name, ...runFormat(format, lines, { fileName: 'test.log', zone }) };
}

const HAPROXY = [
  'Nov 19 09:00:01 lb1 haproxy[1234]: 203.0.113.7:51234 [19/Nov/2026:09:00:01.123] www~ checkout_canary/srv1 0/0/1/45/46 200 1234 - - ---- 10/10/1/1/0 0/0 "GET /api/cart?id=7 HTTP/1.1"',
  'Nov 19 09:00:02 lb1 haproxy[1234]: 203.0.113.8:51235 [19/Nov/2026:09:00:02.456] www~ checkout_stable/srv2 0/0/1/30/31 401 200 - - ---- 10/10/1/1/0 0/0 "POST /api/login HTTP/1.1"',
  'Nov 19 09:00:03 lb1 haproxy[1234]: Server checkout_canary/srv1 is DOWN, reason: Layer4 connection problem.',
];

describe('HAProxy HTTP log', () => {
  it('is told from syslog, which its lines also are, and maps request, status, total time, client and backend', () => {
    const run = read(HAPROXY);
    expect(run.format).toBe('haproxy-log');
    expect(run.rejects).toEqual([]);
    expect(
      run.events.map((e) => [
        e.sourceLine,
        e.host,
        e.service,
        e.track,
        e.httpMethod,
        e.urlPath,
        e.status,
        e.durationMs,
      ]),
    ).toEqual([
      [1, 'checkout_canary/srv1', 'checkout', 'canary', 'GET', '/api/cart', 200, 46],
      [2, 'checkout_stable/srv2', 'checkout', 'stable', 'POST', '/api/login', 401, 31],
      // HAProxy's own message stays the syslog event it is, with no request.
      [3, 'lb1', 'haproxy', 'unknown', null, null, null, null],
    ]);
    expect(run.events[0]?.clientIp).toBe('203.0.113.7');
    // The accept date has milliseconds and no zone: the import's (GMT in November).
    expect(run.events[0]?.ts).toBe(Date.UTC(2026, 10, 19, 9, 0, 1, 123));
    expect(run.events[1]).toMatchObject({ authFailure: true, authRule: 'http-401' });
  });

  it('reads raw stdout lines, IPv6 clients, captured headers, absolute URLs, aborted timers and the zone', () => {
    const run = read(
      [
        '2001:db8::7:51236 [01/Jul/2026:09:00:04.001] www~ checkout/app-canary 0/0/-1/-1/3001 503 217 - - SC-- 1/1/0/0/3 0/0 {shop.example.com|curl/8 "x"} "GET https://shop.example.com/api/cart?x=1 HTTP/2.0"',
        '198.51.100.4:443 [01/Jul/2026:09:00:05.250] www~ checkout/app-v1 0/0/0/-1/-1 -1 0 - - CD-- 1/1/0/0/0 0/0 "GET /api/slow HTTP/1.1"',
        // HAProxy cuts a long line; the request loses its closing quote, and maybe part of its path.
        '198.51.100.5:443 [01/Jul/2026:09:00:06.000] www~ checkout/app-v1 0/0/0/5/+7 200 10 - - ---- 1/1/0/0/0 0/0 "GET /api/sea',
        // option httpslog (2.5+): TLS fields after the request.
        '198.51.100.6:443 [01/Jul/2026:09:00:07.000] www~ checkout/app-v1 0/0/0/5/9 200 10 - - ---- 1/1/0/0/0 0/0 {a|b} {} "GET /api/cart HTTP/2.0" 0/0000000000000000/0/0/0 shop.example.com/TLSv1.3/TLS_AES_256_GCM_SHA384',
      ],
      'Europe/London',
    );
    expect(run.format).toBe('haproxy-log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.clientIp, e.host, e.track, e.status, e.durationMs, e.urlPath])).toEqual([
      ['2001:db8::7', 'checkout/app-canary', 'canary', 503, 3001, '/api/cart'],
      // The client went away before an answer: no status, no time.
      ['198.51.100.4', 'checkout/app-v1', 'unknown', null, null, '/api/slow'],
      ['198.51.100.5', 'checkout/app-v1', 'unknown', 200, 7, null],
      ['198.51.100.6', 'checkout/app-v1', 'unknown', 200, 9, '/api/cart'],
    ]);
    expect(run.events[2]).toMatchObject({ httpMethod: 'GET', message: 'GET /api/sea via www~ (----)' });
    // BST in July: 09:00:04.001 in London is 08:00:04.001 UTC.
    expect(run.events[0]?.ts).toBe(Date.UTC(2026, 6, 1, 8, 0, 4, 1));
    expect(run.events[0]?.message).toContain('(SC--)');
  });

  it('reads the other lines of a shared syslog file as the syslog reader does, repeat folds included', () => {
    const run = runFormat(
      formatNamed('haproxy-log'),
      [
        ...HAPROXY,
        'Nov 19 09:00:04 lb1 sshd[99]: Failed password for root from 198.51.100.9 port 4242 ssh2',
        'Nov 19 09:00:05 lb1 sshd[99]: message repeated 5 times: [ Failed password for root from 198.51.100.9 port 4242 ssh2]',
      ],
      { fileName: 'syslog', year: 2026 },
    );
    expect(run.events.filter((e) => e.authRule === 'sshd-failed-password')).toHaveLength(6);
  });

  it("reads the accept date in the offset its rsyslog header states, not the import's zone", () => {
    const run = read(
      [
        '2026-07-01T09:00:01.200+02:00 lb1 haproxy[7]: 203.0.113.7:51234 [01/Jul/2026:09:00:01.123] www~ checkout_canary/srv1 0/0/1/45/46 200 1234 - - ---- 10/10/1/1/0 0/0 "GET /api/cart HTTP/1.1"',
        '<134>1 2026-07-01T07:00:02.000Z lb1 haproxy 7 - - 203.0.113.7:51235 [01/Jul/2026:07:00:01.900] www~ checkout_canary/srv1 0/0/1/45/46 200 1234 - - ---- 10/10/1/1/0 0/0 "GET /api/cart HTTP/1.1"',
      ],
      'Europe/London',
    );
    expect(run.events.map((e) => e.ts)).toEqual([
      Date.UTC(2026, 6, 1, 7, 0, 1, 123),
      Date.UTC(2026, 6, 1, 7, 0, 1, 900),
    ]);
  });

  it('rejects an impossible date and a line that is neither a request nor syslog, with the line', () => {
    const run = runFormat(
      formatNamed('haproxy-log'),
      [
        HAPROXY[0] ?? '',
        '203.0.113.9:5 [31/Nov/2026:09:00:05.001] www~ checkout/app 0/0/1/2/3 200 217 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"',
        'garbage',
        '203.0.113.9:5 [19/Nov/2026:09:00:05.001] www~ checkout/app 0/0/1/2/99999999999 200 217 - - ---- 1/1/0/0/0 0/0 "GET / HTTP/1.1"',
      ],
      { fileName: 'haproxy.log' },
    );
    expect(run.events).toHaveLength(1);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'accept date "31/Nov/2026:09:00:05.001" is not a real date and time'],
      [3, 'neither an HAProxy HTTP log entry nor a syslog line'],
      [4, "total time 99999999999 ms is beyond what HAProxy's timers hold"],
    ]);
  });
});

const IIS = [
  '#Software: Microsoft Internet Information Services 10.0',
  '#Version: 1.0',
  '#Date: 2026-11-19 09:00:00',
  '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken',
  '2026-11-19 09:00:01 10.0.0.5 GET /api/cart id=7 443 - 203.0.113.7 Mozilla/5.0+(Windows+NT+10.0) - 200 0 0 46',
  '2026-11-19 09:00:02 10.0.0.5 POST /api/login - 443 CORP\\bob+smith 203.0.113.8 Mozilla/5.0 - 401 1 1326 12',
];

describe('W3C extended log (IIS, CloudFront)', () => {
  it('maps the fields its #Fields directive names; times are UTC whatever the import zone', () => {
    const run = read(IIS, 'America/New_York');
    expect(run.format).toBe('w3c-log');
    expect(run.rejects).toEqual([]);
    expect(
      run.events.map((e) => [e.sourceLine, e.ts, e.host, e.httpMethod, e.urlPath, e.status, e.durationMs, e.user]),
    ).toEqual([
      [5, Date.UTC(2026, 10, 19, 9, 0, 1), '10.0.0.5', 'GET', '/api/cart', 200, 46, null],
      [6, Date.UTC(2026, 10, 19, 9, 0, 2), '10.0.0.5', 'POST', '/api/login', 401, 12, 'CORP\\bob smith'],
    ]);
    expect(run.events[1]).toMatchObject({
      message: 'POST /api/login 401.1',
      authFailure: true,
      clientIp: '203.0.113.8',
    });
  });

  it('follows a new #Fields directive mid-file, and rejects lines that do not fit it, with the line', () => {
    const run = runFormat(
      formatNamed('w3c-log'),
      [
        '2026-11-19 08:59:59 GET /early 200',
        ...IIS.slice(3, 5),
        '#Software: Microsoft Internet Information Services 10.0',
        '#Fields: date time s-computername cs-method cs-uri-stem sc-status time-taken',
        '2026-11-19 09:00:03 WEB-CANARY-01 GET /api/cart 500 1200',
        '2026-11-19 09:00:04 WEB-CANARY-01 GET /api/cart 500',
        '2026-02-30 09:00:05 WEB-CANARY-01 GET /api/cart 500 3',
        '2026-11-19 09:00:06 WEB-CANARY-01 GET /api/cart 5000 3',
        // CloudFront's 000: the viewer went away before a response; a request without a status.
        '2026-11-19 09:00:07 WEB-CANARY-01 GET /api/cart 000 3',
        '#Remarks are not directives',
      ],
      { fileName: 'u_ex261119.log' },
    );
    expect(run.events.map((e) => [e.sourceLine, e.host, e.track, e.status, e.durationMs])).toEqual([
      [3, '10.0.0.5', 'unknown', 200, 46],
      [6, 'WEB-CANARY-01', 'canary', 500, 1200],
      [10, 'WEB-CANARY-01', 'canary', null, 3],
    ]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'no #Fields directive above this line names its fields'],
      [7, '6 fields where the #Fields directive above names 7'],
      [8, 'date and time "2026-02-30 09:00:05" are not a real date and time in 1990–2099'],
      [9, 'sc-status "5000" is not an HTTP status'],
      [11, 'not a W3C directive (#Fields:, #Version:, …)'],
    ]);
  });

  it('takes an Azure App Service slot (s-sitename) as the host where no server is named', () => {
    const run = read([
      '#Software: Microsoft Internet Information Services 8.0',
      '#Fields: date time s-sitename cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Cookie) cs(Referer) cs-host sc-status sc-substatus sc-win32-status sc-bytes cs-bytes time-taken',
      '2026-11-19 09:00:01 SHOP__CANARY GET /api/cart - 443 - 203.0.113.7 Mozilla/5.0 - - shop-canary.azurewebsites.net 200 0 0 1234 567 46',
    ]);
    expect(run.events.map((e) => [e.host, e.track])).toEqual([['SHOP__CANARY', 'canary']]);
  });

  it("reads CloudFront's tab-separated lines, whose time-taken is seconds", () => {
    const run = read([
      '#Version: 1.0',
      '#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query cs(Cookie) x-edge-result-type x-edge-request-id x-host-header cs-protocol cs-bytes time-taken',
      [
        '2026-11-19',
        '09:00:01',
        'LHR62-C2',
        '2390',
        '203.0.113.7',
        'GET',
        'd111111abcdef8.cloudfront.net',
        '/index.html',
        '200',
        '-',
        'Mozilla/5.0%20(Windows)',
        '-',
        '-',
        'Hit',
        'abc==',
        'shop.example.com',
        'https',
        '421',
        '0.004',
      ].join('\t'),
    ]);
    expect(run.format).toBe('w3c-log');
    expect(run.events.map((e) => [e.status, e.durationMs, e.urlPath, e.clientIp])).toEqual([
      [200, 4, '/index.html', '203.0.113.7'],
    ]);
  });
});

const ZEEK_HEADER = (path: string, fields: string[]) => [
  '#separator \\x09',
  '#set_separator\t,',
  '#empty_field\t(empty)',
  '#unset_field\t-',
  `#path\t${path}`,
  '#open\t2026-11-19-09-00-00',
  `#fields\t${fields.join('\t')}`,
  `#types\t${fields.map(() => 'string').join('\t')}`,
];

describe('Zeek logs', () => {
  it('reads http.log: the request, its status, the Host header as the host, epoch seconds as UTC time', () => {
    const fields = [
      'ts',
      'uid',
      'id.orig_h',
      'id.orig_p',
      'id.resp_h',
      'id.resp_p',
      'method',
      'host',
      'uri',
      'status_code',
      'status_msg',
      'username',
    ];
    const run = read([
      ...ZEEK_HEADER('http', fields),
      [
        '1795078801.123456',
        'C1',
        '203.0.113.7',
        '51234',
        '10.0.0.9',
        '80',
        'GET',
        'canary.shop.example.com',
        '/api/cart?id=7',
        '200',
        'OK',
        '-',
      ].join('\t'),
      [
        '1795078802.5',
        'C2',
        '203.0.113.8',
        '51235',
        '10.0.0.10',
        '80',
        'POST',
        '-',
        '/login',
        '401',
        'Unauthorized',
        'bob',
      ].join('\t'),
      '#close\t2026-11-19-10-00-00',
    ]);
    expect(run.format).toBe('zeek-log');
    expect(run.rejects).toEqual([]);
    expect(
      run.events.map((e) => [e.ts, e.host, e.track, e.httpMethod, e.urlPath, e.status, e.clientIp, e.user]),
    ).toEqual([
      [1795078801123, 'canary.shop.example.com', 'canary', 'GET', '/api/cart', 200, '203.0.113.7', null],
      // No Host header: the server's address.
      [1795078802500, '10.0.0.10', 'unknown', 'POST', '/login', 401, '203.0.113.8', 'bob'],
    ]);
    expect(run.events[1]).toMatchObject({ authFailure: true, authRule: 'http-401' });
  });

  it('marks a failed SSH login in ssh.log, keeps conn.log records with their duration, and rejects bad records', () => {
    const ssh = read([
      ...ZEEK_HEADER('ssh', [
        'ts',
        'uid',
        'id.orig_h',
        'id.orig_p',
        'id.resp_h',
        'id.resp_p',
        'auth_success',
        'auth_attempts',
      ]),
      ['1795078801.0', 'C1', '198.51.100.4', '40000', '10.0.0.9', '22', 'F', '6'].join('\t'),
      ['1795078802.0', 'C2', '198.51.100.5', '40001', '10.0.0.9', '22', 'T', '1'].join('\t'),
      ['1795078803.0', 'C3', '198.51.100.6', '40002', '10.0.0.9', '22', '-', '0'].join('\t'),
    ]);
    expect(ssh.events.map((e) => [e.authFailure, e.authRule, e.message])).toEqual([
      [true, 'zeek-ssh-auth-failure', 'ssh login failed after 6 attempts: 198.51.100.4 → 10.0.0.9:22'],
      [false, null, 'ssh login succeeded after 1 attempt: 198.51.100.5 → 10.0.0.9:22'],
      [false, null, 'ssh no login seen: 198.51.100.6 → 10.0.0.9:22'],
    ]);
    const conn = runFormat(
      formatNamed('zeek-log'),
      [
        ['1795078800.0', 'C0'].join('\t'),
        ...ZEEK_HEADER('conn', ['ts', 'uid', 'id.orig_h', 'id.resp_h', 'id.resp_p', 'duration']),
        ['1795078801.0', 'C1', '198.51.100.4', '10.0.0.9', '443', '0.250'].join('\t'),
        ['yesterday', 'C2', '198.51.100.4', '10.0.0.9', '443', '1'].join('\t'),
        ['1795078803.0', 'C3', '198.51.100.4'].join('\t'),
        '#bogus directive',
        ['7258118400.0', 'C4', '198.51.100.4', '10.0.0.9', '443', '1'].join('\t'),
      ],
      { fileName: 'conn.log' },
    );
    expect(conn.events.map((e) => [e.sourceLine, e.durationMs, e.message])).toEqual([
      [10, 250, 'conn 198.51.100.4 → 10.0.0.9:443'],
    ]);
    expect(conn.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'no #fields directive above this line names its fields'],
      [11, 'ts "yesterday" is not epoch seconds'],
      [12, '3 fields where the #fields directive above names 6'],
      [13, 'not a Zeek directive (#fields, #path, …)'],
      [14, 'ts 7258118400.0 is outside 1990–2099'],
    ]);
    // A status outside the HTTP classes is no status; an escaped byte in a value is unescaped.
    const http = runFormat(
      formatNamed('zeek-log'),
      [
        ...ZEEK_HEADER('http', ['ts', 'id.orig_h', 'id.resp_h', 'method', 'host', 'uri', 'status_code']),
        ['1795078801.0', '198.51.100.4', '10.0.0.9', 'GET', 'shop', '/a\\x09b', '0'].join('\t'),
      ],
      { fileName: 'http.log' },
    );
    expect(http.events.map((e) => [e.status, e.urlPath])).toEqual([[null, '/a\tb']]);
  });
});

describe('importing them', () => {
  it('imports an HAProxy log and an IIS log through the parse worker, with counts and rejects on the sources', async () => {
    const db = openCase(path.join(tempDir(), 'proxies.coalmine'), { create: true });
    const haproxy = writeLines('haproxy.log', [...HAPROXY, 'garbage']);
    expect(await importFile(db, haproxy, { year: 2026 })).toMatchObject({
      format: 'haproxy-log',
      events: 3,
      rejects: 1,
      authFailures: 1,
    });
    const iis = writeLines('u_ex261119.log', [...IIS, '2026-11-19 09:00:09 10.0.0.5 GET /short']);
    const result = await importFile(db, iis);
    expect(result).toMatchObject({ format: 'w3c-log', events: 2, rejects: 1, authFailures: 1 });
    expect(listRejects(db, result.sourceId ?? -1).map((r) => r.line)).toEqual([7]);
    expect(
      db.prepare(`SELECT DISTINCT service, track FROM events WHERE host LIKE 'checkout%' ORDER BY track`).all(),
    ).toEqual([
      { service: 'checkout', track: 'canary' },
      { service: 'checkout', track: 'stable' },
    ]);
    db.close();
  });
});
