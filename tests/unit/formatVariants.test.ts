// The variants of each format that people's own servers write, beyond the fixtures: each
// case is a few lines written here after the upstream documentation of the format (nginx
// log_format, Apache LogFormat, log4j2/logback patterns, Python logging, RFC 3164/5424,
// pino/bunyan/zap/logrus/journald, Kibana and Elasticsearch exports), read as an import
// reads them: detection from the first lines, then the format, then normalise. One case reads
// a real public log in place (skipped, with vitest's notice, where /work/shared/data/real is absent).
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
import { REAL, fileLines } from '../helpers/formatRun.js';
import { runFormat } from '../helpers/runFormat.js';

/** Detects the format from the lines, reads them, and returns what an import would store. */
function read(lines: readonly string[], fileName = 'test.log') {
  const format = detectFormat(
    lines.filter((l) => l.trim() !== ''),
    fileName,
  );
  return { format: format.name, ...runFormat(format, lines, { fileName }) };
}

const iso = (ms: number): string => new Date(ms).toISOString();

describe('nginx and Apache access-log variants', () => {
  const UA = '"Mozilla/5.0 (X11; Linux x86_64)"';
  const at = '[17/Dec/2018:10:47:58 +0800]';

  it("reads nginx's default `main` format, which ends in the quoted X-Forwarded-For", () => {
    const run = read([
      `192.0.2.10 - - ${at} "GET / HTTP/1.1" 304 0 "-" ${UA} "-"`,
      `192.0.2.10 - bob ${at} "POST /login HTTP/1.1" 401 12 "-" ${UA} "203.0.113.5, 10.0.0.1"`,
    ]);
    expect(run.format).toBe('access-log');
    expect(run.rejects).toEqual([]);
    expect(iso(run.events[0]?.ts ?? 0)).toBe('2018-12-17T02:47:58.000Z');
    expect(run.events[1]).toMatchObject({ user: 'bob', status: 401, clientIp: '192.0.2.10', authRule: 'http-401' });
    expect(run.events.map((e) => e.durationMs)).toEqual([null, null]);
  });

  it('takes the request time, not an upstream time, whichever order nginx writes them', () => {
    const line = (tail: string) => `192.0.2.10 - - ${at} "GET /api HTTP/1.1" 200 512 "-" ${UA} "-" ${tail}`;
    const run = read([
      line('0.205 0.002'), // $request_time $upstream_response_time
      line('0.002 0.205'), // $upstream_response_time $request_time
      line('1.000 0.700, 0.300'), // two upstreams tried
      line('0.033 -'), // no upstream (a 499, a cached answer)
      line('rt=0.250 uct="0.001" uht="0.100" urt="0.200"'), // the nginx documentation's upstream timing
      line('urt="0.200" rt=0.250'),
      line('upstream_response_time 0.004 msec 1545014878.123 request_time 0.005'),
      line('"shop.example" 0.123'), // "$host" $request_time
    ]);
    expect(run.events.map((e) => e.durationMs)).toEqual([205, 205, 1000, 33, 250, 250, 5, 123]);
  });

  it("reads a duration that names its unit (Traefik's common log format ends in `3ms`)", () => {
    const run = read([
      '192.168.1.1 - - [06/Jan/2024:10:00:00 +0000] "GET /api HTTP/1.1" 200 15 "-" "curl/8" 42 "router@docker" "http://10.0.0.2:80" 3ms',
      '192.168.1.1 - - [06/Jan/2024:10:00:00 +0000] "GET /api HTTP/1.1" 200 15 "-" "curl/8" 0.25s',
    ]);
    // The request count (42) is not taken for Apache's %D.
    expect(run.events.map((e) => e.durationMs)).toEqual([3, 250]);
  });

  it('reads Apache common, combined, vhost_combined and %D, with the virtual host as host', () => {
    const run = read([
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
      '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"',
      'www.example.com:443 127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.0" 200 2326 "-" "Mozilla/4.08" 1234',
      '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.0" 200 - "-" "Mozilla/4.08" 1234567',
    ]);
    expect(run.format).toBe('access-log');
    expect(run.events.map((e) => [e.host, e.user, e.durationMs])).toEqual([
      [null, 'frank', null],
      [null, 'frank', null],
      ['www.example.com', null, 1.234],
      [null, null, 1234.567],
    ]);
  });

  it("reads the fraction of a second of Apache's %{msec_frac}t", () => {
    const run = read(['127.0.0.1 - - [10/Oct/2000:13:55:36.123 -0700] "GET /x HTTP/1.0" 200 2326']);
    expect(run.rejects).toEqual([]);
    expect(iso(run.events[0]?.ts ?? 0)).toBe('2000-10-10T20:55:36.123Z');
  });

  it('keeps requests that are not HTTP (TLS probes, empty requests) as events without method or path', () => {
    const run = read([
      `192.0.2.10 - - ${at} "\\x16\\x03\\x01\\x00\\xCA\\x01\\x00\\x00\\xC6\\x03\\x03" 400 157 "-" "-"`,
      `192.0.2.10 - - ${at} "" 400 0 "-" "-"`,
      `192.0.2.10 - - ${at} "-" 400 0 "-" "-"`,
      `2001:db8::1 - - ${at} "GET /search?q=\\x22x\\x22 HTTP/2.0" 200 1 "-" "curl \\x22quoted\\x22"`,
      `192.0.2.10 - - ${at} "GET /a HTTP/1.1" 200 1 "-" "agent with \\"quote\\" inside"`,
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.status, e.httpMethod, e.urlPath, e.clientIp])).toEqual([
      [400, null, null, '192.0.2.10'],
      [400, null, null, '192.0.2.10'],
      [400, null, null, '192.0.2.10'],
      [200, 'GET', '/search', '2001:db8::1'],
      [200, 'GET', '/a', '192.0.2.10'],
    ]);
  });

  it("takes a proxy request's path from its absolute URL", () => {
    const run = read([
      `192.0.2.10 - - ${at} "GET http://example.com/proxy/x?token=1 HTTP/1.1" 200 1 "-" "x"`,
      `192.0.2.10 - - ${at} "GET http://example.com HTTP/1.1" 200 1 "-" "x"`,
    ]);
    expect(run.events.map((e) => e.urlPath)).toEqual(['/proxy/x', '/']);
  });

  it("reads a list of addresses where the client goes (as Elastic's nginx pipeline does): the first is the client", () => {
    const run = read([
      'example.com 10.0.0.2, 10.0.0.1, 127.0.0.1 - - [07/Dec/2016:11:05:07 +0100] "GET /ocelot HTTP/1.1" 200 571 "-" "Mozilla/5.0"',
      'example.com:80 "10.5.102.222, 199.96.1.1, 204.246.1.1" 10.2.1.185 - - [22/Jan/2016:13:18:29 +0000] "GET /assets/x?q=1 HTTP/1.1" 200 25507 "-" "Amazon CloudFront"',
      '67.43.156.15 2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6, 10.225.192.17 10.2.2.121 - - [30/Dec/2016:06:47:09 +0000] "GET /test.html HTTP/1.1" 404 8571 "-" "Facebot"',
      '10.0.0.2, 10.0.0.1 - bob [29/May/2017:19:02:48 +0000] "GET /x HTTP/1.1" 401 612 "-" "Mozilla"',
      'example.com:80 unix: - - [26/Feb/2019:15:39:42 +0100] "hello" 400 173 "-" "-"',
      '127.0.0.1:80 - - [13/Nov/2023:10:44:01 +0000] "<SCRIPT>NXSSTEST</SCRIPT> / HTTP/1.1" 400 3386 "-" "-"',
      '[2001:db8::1]:443 - - [13/Nov/2023:10:44:02 +0000] "GET /a HTTP/1.1" 200 12 "-" "-"',
    ]);
    expect(run.format).toBe('access-log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.host, e.clientIp, e.user, e.status])).toEqual([
      ['example.com', '10.0.0.2', null, 200],
      ['example.com', '10.5.102.222', null, 200],
      ['67.43.156.15', '2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6', null, 404],
      [null, '10.0.0.2', 'bob', 401],
      ['example.com', 'unix:', null, 400],
      [null, '127.0.0.1', null, 400],
      [null, '2001:db8::1', null, 200],
    ]);
  });

  it('rejects a status nginx never writes (000), with its line and reason', () => {
    const run = read([
      `192.0.2.10 - - ${at} "GET / HTTP/1.1" 200 1 "-" "x"`,
      `192.0.2.10 - - ${at} "GET / HTTP/1.1" 000 0 "-" "x"`,
    ]);
    expect(run.rejects).toEqual([expect.objectContaining({ line: 2, reason: 'status "000" is not an HTTP status' })]);
  });
});

describe('Envoy and Istio access logs', () => {
  it("reads Envoy's default format and Istio's: duration in ms, authority as host, the peer or X-Forwarded-For as client", () => {
    const run = read([
      '[2016-04-15T20:17:00.310Z] "POST /api/v1/locations?x=1 HTTP/2" 204 - 154 0 226 100 "10.0.35.28, 10.0.0.1" "nsq2http" "cc21d9b0-cf5c-432b-8c7e-98aeb7988cd2" "locations" "tcp://10.0.2.1:80"',
      '[2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "84961386-6d84-929d-98bd-c5aee93b5c88" "httpbin:8000" "10.44.1.27:80" outbound|8000|canary|httpbin.foo.svc.cluster.local 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default',
      '[2020-11-25T21:26:18.409Z] "GET /x HTTP/1.1" 401 - via_upstream - "-" 0 135 12 11 "-" "curl" "id" "reviews:9080" "10.44.1.27:9080" inbound|9080|| 127.0.0.6:51297 10.44.1.27:9080 10.44.1.23:46520 outbound_.9080_.v2_.reviews.default.svc.cluster.local default',
      '[2020-11-25T21:26:18.409Z] "GET /y HTTP/1.1" 0 DC downstream_remote_disconnect - "-" 0 0 3000 - "-" "curl" "id" "reviews:9080" "-" - - 10.44.1.27:9080 10.44.1.23:46520 - default',
      '[2020-11-25T21:26:18.409Z] "GET /z HTTP/1.1" 200 - 0 0',
    ]);
    expect(run.format).toBe('access-log');
    expect(
      run.events.map((e) => [
        e.httpMethod,
        e.urlPath,
        e.status,
        e.durationMs,
        e.host,
        e.clientIp,
        e.service,
        e.trackLabel,
      ]),
    ).toEqual([
      ['POST', '/api/v1/locations', 204, 226, 'locations', '10.0.35.28', null, null],
      ['GET', '/status/418', 418, 4, 'httpbin', '10.44.1.23', 'httpbin', 'canary'],
      ['GET', '/x', 401, 12, 'reviews', '10.44.1.23', null, null],
      // Code 0: the client went away before any response; a request without a status.
      ['GET', '/y', null, 3000, 'reviews', '10.44.1.23', null, null],
    ]);
    expect(iso(run.events[0]?.ts ?? 0)).toBe('2016-04-15T20:17:00.310Z');
    expect(run.rejects).toEqual([
      expect.objectContaining({
        line: 5,
        reason: expect.stringMatching(/^Envoy line without its byte counts/) as unknown,
      }),
    ]);
  });

  it("reads Istio's JSON access log: start_time, response_code, duration in ms, the downstream peer without its port", () => {
    const run = read([
      JSON.stringify({
        start_time: '2024-01-01T10:00:00.123Z',
        method: 'GET',
        path: '/x?y',
        protocol: 'HTTP/1.1',
        response_code: 401,
        response_flags: '-',
        duration: 12,
        upstream_service_time: '11',
        x_forwarded_for: null,
        authority: 'reviews:9080',
        upstream_cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local',
        downstream_remote_address: '10.44.1.23:46520',
      }),
    ]);
    expect(run.format).toBe('json-lines');
    expect(run.events[0]).toMatchObject({
      ts: Date.UTC(2024, 0, 1, 10, 0, 0, 123),
      httpMethod: 'GET',
      urlPath: '/x',
      status: 401,
      durationMs: 12,
      clientIp: '10.44.1.23',
      service: 'reviews',
      trackLabel: 'v2',
      authRule: 'http-401',
    });
  });
});

describe('JSON lines variants', () => {
  const line = (doc: Record<string, unknown>): string => JSON.stringify(doc);

  it("reads nginx's JSON access log (escape=json): $time_local, $time_iso8601, $msec, the request line, string numbers", () => {
    const run = read([
      line({
        time_local: '17/Dec/2018:10:47:58 +0800',
        remote_addr: '192.0.2.10',
        remote_user: '',
        request: 'GET /api?x=1 HTTP/1.1',
        status: '401',
        body_bytes_sent: '12',
        request_time: '0.205',
        http_user_agent: 'curl/8',
      }),
      line({
        time_iso8601: '2018-12-17T10:47:58+08:00',
        remote_addr: '192.0.2.10',
        remote_user: 'bob',
        request: 'POST /login HTTP/1.1',
        status: '200',
        request_time: '0.005',
      }),
      line({
        msec: '1545014878.123',
        remote_addr: '::ffff:192.0.2.11',
        request_method: 'get',
        request_uri: '/x?y',
        status: '500',
      }),
    ]);
    // No line has @timestamp: these are not ECS documents to be rejected one by one.
    expect(run.format).toBe('json-lines');
    expect(run.rejects).toEqual([]);
    expect(
      run.events.map((e) => [iso(e.ts), e.httpMethod, e.urlPath, e.status, e.durationMs, e.clientIp, e.user]),
    ).toEqual([
      ['2018-12-17T02:47:58.000Z', 'GET', '/api', 401, 205, '192.0.2.10', null],
      ['2018-12-17T02:47:58.000Z', 'POST', '/login', 200, 5, '192.0.2.10', 'bob'],
      ['2018-12-17T02:47:58.123Z', 'GET', '/x', 500, null, '192.0.2.11', null],
    ]);
    expect(run.events[0]).toMatchObject({ message: 'GET /api?x=1 HTTP/1.1', authRule: 'http-401' });
  });

  it("reads Traefik's JSON access log: the client's status, duration in ns, the backend service as the host", () => {
    const run = read([
      line({
        ClientAddr: '203.0.113.7:51234',
        ClientHost: '203.0.113.7',
        DownstreamStatus: 502,
        OriginStatus: 0,
        Duration: 45_500_000,
        RequestMethod: 'GET',
        RequestPath: '/api/cart?id=7',
        RouterName: 'checkout@kubernetescrd',
        ServiceName: 'shop-checkout-canary-80@kubernetes',
        StartUTC: '2026-11-19T09:00:01.123456789Z',
        level: 'info',
        msg: '',
        time: '2026-11-19T09:00:01Z',
      }),
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events[0]).toMatchObject({
      httpMethod: 'GET',
      urlPath: '/api/cart',
      status: 502,
      durationMs: 45.5,
      clientIp: '203.0.113.7',
      host: 'shop-checkout-canary-80@kubernetes',
      track: 'canary',
    });
  });

  it("reads Caddy's access log: nested request, float seconds duration", () => {
    const run = read([
      line({
        level: 'info',
        ts: 1700000000.123,
        logger: 'http.log.access',
        msg: 'handled request',
        request: { remote_ip: '10.0.0.9', client_ip: '203.0.113.7', method: 'GET', host: 'shop', uri: '/cart?id=1' },
        user_id: '',
        duration: 0.25,
        status: 401,
      }),
    ]);
    expect(run.events[0]).toMatchObject({
      httpMethod: 'GET',
      urlPath: '/cart',
      status: 401,
      durationMs: 250,
      clientIp: '203.0.113.7',
      user: null,
    });
  });

  it('reads durations that carry their unit, and does not guess a bare whole number', () => {
    const at = '2024-01-01T10:00:00Z';
    const run = read([
      line({ level: 'warning', msg: 'slow', time: at, duration: '250ms' }), // logrus / Go
      line({ level: 'info', msg: 'x', time: at, latency: '1m2.5s' }),
      line({ level: 'info', msg: 'x', time: at, latency: 0.0125 }), // zap's seconds
      line({ level: 'info', msg: 'x', time: at, duration: 1234567 }), // slog: ns? ms? not guessed
      line({ level: 'info', msg: 'x', time: at, duration_ms: 12 }),
    ]);
    expect(run.events.map((e) => e.durationMs)).toEqual([250, 62_500, 12.5, null, 12]);
  });

  it("reads Google Cloud's LogEntry: a {seconds, nanos} timestamp, severity, textPayload and httpRequest", () => {
    const run = read([
      line({
        severity: 'ERROR',
        textPayload: 'upstream failed',
        timestamp: { seconds: 1700000000, nanos: 123000000 },
        httpRequest: {
          requestMethod: 'POST',
          requestUrl: 'https://shop.example/pay?c=1',
          status: 502,
          latency: '0.250s',
          remoteIp: '198.51.100.4',
        },
        resource: { type: 'k8s_container', labels: { pod_name: 'checkout-canary-1' } },
      }),
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events[0]).toMatchObject({
      ts: 1700000000123,
      level: 'error',
      message: 'upstream failed',
      httpMethod: 'POST',
      urlPath: '/pay',
      status: 502,
      durationMs: 250,
      clientIp: '198.51.100.4',
      pod: 'checkout-canary-1',
    });
  });

  it('reads python-json-logger (asctime with a comma) and structlog (event as the message)', () => {
    const run = read([
      line({
        asctime: '2024-01-01 10:00:00,123',
        name: 'app',
        levelname: 'ERROR',
        message: 'boom',
        exc_info: 'Traceback (most recent call last):\n  File "/app/x.py", line 1, in f\nValueError: bad',
      }),
      line({ event: 'login failed', level: 'warning', timestamp: '2024-01-01T10:00:00.123Z', logger: 'auth' }),
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [iso(e.ts), e.level, e.message, e.errorType])).toEqual([
      ['2024-01-01T10:00:00.123Z', 'error', 'boom', 'ValueError'],
      ['2024-01-01T10:00:00.123Z', 'warning', 'login failed', null],
    ]);
    expect(run.events[1]?.authRule).toBe('app-login-failed');
  });

  it("reads log4j2's JsonLayout: an {epochSecond, nanoOfSecond} instant and a thrown with frames as objects", () => {
    const run = read([
      line({
        instant: { epochSecond: 1700000000, nanoOfSecond: 5000000 },
        thread: 'main',
        level: 'ERROR',
        loggerName: 'com.shop.Pay',
        message: 'payment failed',
        thrown: {
          name: 'java.lang.IllegalStateException',
          message: 'card declined',
          extendedStackTrace: [{ class: 'com.shop.Pay', method: 'charge', file: 'Pay.java', line: 42 }],
        },
      }),
    ]);
    expect(run.events[0]).toMatchObject({
      ts: 1700000000005,
      errorType: 'java.lang.IllegalStateException',
      errorMessage: 'card declined',
      errorStack: '\tat com.shop.Pay.charge(Pay.java:42)',
    });
    expect(run.events[0]?.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it("reads Logstash's grok of an access log (clientip, verb, request, response) and Docker's json-file", () => {
    const run = read([
      line({
        '@timestamp': '2024-01-01T10:00:00.000Z',
        '@version': '1',
        message: 'raw line',
        clientip: '1.2.3.4',
        verb: 'GET',
        request: '/x?y',
        response: '401',
        auth: '-',
      }),
    ]);
    expect(run.format).toBe('json-lines');
    expect(run.events[0]).toMatchObject({ httpMethod: 'GET', urlPath: '/x', status: 401, clientIp: '1.2.3.4' });
    const docker = read([
      line({ log: 'listening on :8080\n', stream: 'stdout', time: '2024-01-01T10:00:00.123456789Z' }),
    ]);
    expect(docker.events[0]).toMatchObject({ message: 'listening on :8080', ts: Date.UTC(2024, 0, 1, 10, 0, 0, 123) });
  });

  it('names the service from journald when no SYSLOG_IDENTIFIER is given, and rejects a time object it cannot read', () => {
    const run = read([
      line({
        __REALTIME_TIMESTAMP: '1700000000123456',
        PRIORITY: '4',
        _HOSTNAME: 'web01',
        _COMM: 'nginx',
        MESSAGE: 'x',
      }),
      line({ timestamp: { when: 'yesterday' }, msg: 'x', level: 'info' }),
    ]);
    expect(run.events[0]).toMatchObject({ service: 'nginx', level: 'warning', host: 'web01' });
    expect(run.rejects).toEqual([
      expect.objectContaining({ line: 2, reason: 'timestamp: {"when":"yesterday"} is not a time' }),
    ]);
  });
});

describe('Elasticsearch search-response variants', () => {
  const hit = (id: string, source: Record<string, unknown>): string =>
    JSON.stringify({ _index: 'logs-app', _id: id, _score: null, _source: source, sort: [1] });

  it('reads hits whose documents are not ECS (pino or a `timestamp` without @) through the JSON aliases', () => {
    const run = read([
      `{"took":3,"timed_out":false,"_shards":{"total":1,"successful":1,"skipped":0,"failed":0},"hits":{"total":{"value":2,"relation":"eq"},"max_score":null,"hits":[${hit('a', { '@timestamp': '2026-11-26T10:00:00Z', msg: 'pino in es', level: 50, res: { statusCode: 500 } })},${hit('b', { timestamp: '2026-11-26T10:00:01Z', message: 'no at', service: { version: '1.2' } })}]}}`,
    ]);
    expect(run.format).toBe('es-search');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.message, e.level, e.status, e.service, e.version, e.docKey])).toEqual([
      ['pino in es', 'error', 500, null, null, 'logs-app/a'],
      ['no at', null, null, null, '1.2', 'logs-app/b'],
    ]);
  });

  it("reads a response wrapped by Kibana's Inspect (`rawResponse`), not as one ECS document", () => {
    const run = read([
      `{"id":"x","rawResponse":{"took":1,"timed_out":false,"_shards":{"total":1},"hits":{"total":1,"hits":[${hit('c', { '@timestamp': '2026-11-26T10:00:00Z', message: 'inspect' })}]}},"isPartial":false,"isRunning":false}`,
    ]);
    expect(run.format).toBe('es-search');
    expect(run.events.map((e) => e.message)).toEqual(['inspect']);
  });

  it('reads `fields` in place of `_source`, and an ES 6 total written as a number', () => {
    const run = read([
      '{"took":1,"hits":{"total":1,"max_score":1.0,"hits":[{"_index":"logs","_type":"_doc","_id":"1","fields":{"@timestamp":["2026-11-26T10:00:00.000Z"],"message":["hi"],"http.response.status_code":[403],"user.name":["bob"]}}]}}',
    ]);
    expect(run.events[0]).toMatchObject({ message: 'hi', status: 403, user: 'bob' });
  });
});

describe('syslog and auth.log variants', () => {
  it("reads journalctl's -o short-iso (an offset without a colon) and short-iso-precise", () => {
    const run = read([
      '2024-01-01T10:00:00+0100 web01 sshd[4242]: Failed password for root from 203.0.113.5 port 22 ssh2',
      '2024-01-01T10:00:01.123456+01:00 web01 systemd[1]: Started Session 1.',
    ]);
    expect(run.format).toBe('syslog');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [iso(e.ts), e.service, e.authRule])).toEqual([
      ['2024-01-01T09:00:00.000Z', 'sshd', 'sshd-failed-password'],
      ['2024-01-01T09:00:01.123Z', 'systemd', null],
    ]);
  });

  it('reads RFC 3164 with a padded day, an IP for a host, no PID, a PRI, and a year that a relay added', () => {
    const run = read(
      [
        'Nov  6 09:15:00 192.168.1.10 sshd[4242]: Failed password for root from 2001:db8::5 port 22 ssh2',
        '<38>Nov 06 09:15:01 web01 sudo: pam_unix(sudo:auth): authentication failure; logname=alice uid=1000 euid=0 tty=/dev/pts/0 ruser=alice rhost=  user=alice',
        'Nov  6 2024 09:15:02 fw01 sshd[1]: Accepted publickey for alice from 203.0.113.6 port 50000 ssh2: RSA SHA256:abc',
      ],
      'auth.log',
    );
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [iso(e.ts), e.host, e.service, e.level, e.user, e.clientIp, e.authRule])).toEqual([
      ['2026-11-06T09:15:00.000Z', '192.168.1.10', 'sshd', null, 'root', '2001:db8::5', 'sshd-failed-password'],
      ['2026-11-06T09:15:01.000Z', 'web01', 'sudo', 'info', 'alice', null, 'pam-authentication-failure'],
      ['2024-11-06T09:15:02.000Z', 'fw01', 'sshd', null, 'alice', '203.0.113.6', null],
    ]);
    expect(run.events[2]?.tsText).toBe('Nov  6 2024 09:15:02');
  });

  it('reads RFC 5424 with structured data, "-" fields and microseconds', () => {
    const run = read([
      "<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.",
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] An application event',
      '<86>1 2024-01-01T10:00:00+00:00 host sshd 123 - - Failed password for root from 203.0.113.5 port 22 ssh2',
      '<13>1 - host app - - - no time',
    ]);
    expect(run.events.map((e) => [iso(e.ts), e.level, e.service, e.message])).toEqual([
      ['2003-08-24T12:14:15.000Z', 'notice', 'myproc', "%% It's time to make the do-nuts."],
      ['2003-10-11T22:14:15.003Z', 'notice', 'evntslog', 'An application event'],
      ['2024-01-01T10:00:00.000Z', 'info', 'sshd', 'Failed password for root from 203.0.113.5 port 22 ssh2'],
    ]);
    expect(run.rejects).toEqual([expect.objectContaining({ line: 4, reason: 'no timestamp (RFC 5424 "-")' })]);
  });

  it('classifies the authentication failures auth.log holds, and names their user and address', () => {
    const lines = [
      'message repeated 3 times: [ Failed password for root from 203.0.113.12 port 22 ssh2]',
      'FAILED SU (to root) bob on pts/1',
      'Illegal user test from 203.0.113.30',
      'error: PAM: Authentication failure for illegal user admin from 203.0.113.31',
      'error: maximum authentication attempts exceeded for root from 203.0.113.9 port 22 ssh2 [preauth]',
      'Disconnecting invalid user admin 203.0.113.32 port 4022: Too many authentication failures [preauth]',
      // Accompanying lines, not failures of their own:
      'User root from 203.0.113.20 not allowed because not listed in AllowUsers',
      'input_userauth_request: invalid user oracle [preauth]',
      'Connection closed by authenticating user root 203.0.113.7 port 4000 [preauth]',
      'Received disconnect from 203.0.113.16 port 22:11: Bye Bye [preauth]',
      'pam_unix(sshd:auth): check pass; user unknown',
    ].map((message, i) => `Nov  6 09:15:${String(i).padStart(2, '0')} web01 sshd[99]: ${message}`);
    const run = read(lines, 'auth.log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.authRule, e.user, e.clientIp])).toEqual([
      // The fold stands for three more attempts: three events (syslogRepeats.ts).
      ['sshd-failed-password', 'root', '203.0.113.12'],
      ['sshd-failed-password', 'root', '203.0.113.12'],
      ['sshd-failed-password', 'root', '203.0.113.12'],
      ['su-failed', 'bob', null],
      ['sshd-invalid-user', 'test', '203.0.113.30'],
      ['pam-authentication-failure', 'admin', '203.0.113.31'],
      ['sshd-too-many-auth-failures', 'root', '203.0.113.9'],
      ['sshd-too-many-auth-failures', 'admin', '203.0.113.32'],
      [null, 'root', '203.0.113.20'],
      [null, 'oracle', null],
      [null, 'root', '203.0.113.7'],
      [null, null, '203.0.113.16'],
      [null, null, null],
    ]);
  });

  it('finds the address in the sshd lines that name no user, as older and newer sshd write them', () => {
    const lines = [
      'reverse mapping checking getaddrinfo for ns.example.com [173.234.31.186] failed - POSSIBLE BREAK-IN ATTEMPT!',
      'Connection closed by 173.234.31.186 [preauth]',
      'Received disconnect from 52.80.34.196: 11: Bye Bye [preauth]',
      'Received disconnect from 2001:db8::9 port 22:11: Bye',
      'Did not receive identification string from 123.235.32.19',
      'Disconnecting: Too many authentication failures for root [preauth]',
      'Server listening on 0.0.0.0 port 22.',
    ].map((message) => `Dec 10 06:55:46 LabSZ sshd[24200]: ${message}`);
    const run = read(lines, 'secure');
    expect(run.events.map((e) => [e.user, e.clientIp, e.authRule])).toEqual([
      [null, '173.234.31.186', null],
      [null, '173.234.31.186', null],
      [null, '52.80.34.196', null],
      [null, '2001:db8::9', null],
      [null, '123.235.32.19', null],
      ['root', null, 'sshd-too-many-auth-failures'],
      [null, null, null],
    ]);
  });

  it('reads a line written without a host name, and the PAM helpers that report failed passwords', () => {
    const run = read(
      [
        'Feb 22 10:21:42 precise32 sshd[1332]: subsystem request for sftp by user vagrant',
        'Feb 22 10:21:43  sshd[1332]: last message repeated 2 times',
        '2026-05-17T18:01:02.000000+00:00 host12345 unix_chkpwd[2345678]: password check failed for user (testuser)',
        '2026-05-17T17:57:49.234567+00:00 host12345 passwd[9999999]: pam_unix(passwd:chauthtok): authentication failure; logname=user123 uid=1000 euid=0 tty=pts/0 ruser= rhost=  user=user123',
        // A lockout follows failures logged on their own lines: not one more failure.
        '2026-05-17T18:00:01.000000+00:00 host12345 sshd[1234567]: pam_faillock(sshd:auth): Consecutive login failures for user test account temporarily locked',
      ],
      'auth.log',
    );
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.host, e.service, e.user, e.authRule])).toEqual([
      ['precise32', 'sshd', 'vagrant', null],
      [null, 'sshd', null, null],
      ['host12345', 'unix_chkpwd', 'testuser', 'unix-chkpwd-failed'],
      ['host12345', 'passwd', 'user123', 'pam-authentication-failure'],
      ['host12345', 'sshd', 'test', null],
    ]);
    expect(run.events[1]?.message).toBe('last message repeated 2 times');
  });
});

describe('Java application-log variants', () => {
  it("reads log4j2's documented `%d %p %c{1.} [%t] %m%n` with its trace", () => {
    const run = read([
      '2024-01-01 10:00:00,123 ERROR c.e.w.OrderController [main] Request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.web.OrderController.pay(OrderController.java:42)',
      '2024-01-01 10:00:01,123 INFO c.e.App [main] fine',
    ]);
    expect(run.format).toBe('java-log');
    expect(run.events.map((e) => [e.sourceLine, e.level, e.message, e.errorType])).toEqual([
      [1, 'error', 'Request failed', 'java.lang.IllegalStateException'],
      [4, 'info', 'fine', null],
    ]);
  });

  it("dates logback's and log4j2's default time-of-day lines from the file's name, and across midnight", () => {
    const lines = [
      '23:59:59.900 [main] INFO  com.example.App - Started',
      '00:00:01.456 [http-nio-8080-exec-1] ERROR c.e.web.OrderController -- Request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.example.web.OrderController.pay(OrderController.java:42)',
    ];
    const run = read(lines, 'app.2024-03-30.log');
    expect(run.format).toBe('java-log');
    expect(run.rejects).toEqual([]);
    // London: GMT on 30 March, BST from 31 March 01:00 GMT.
    expect(run.events.map((e) => [iso(e.ts), e.tsText, e.level, e.errorType])).toEqual([
      ['2024-03-30T23:59:59.900Z', '23:59:59.900', 'info', null],
      ['2024-03-31T00:00:01.456Z', '00:00:01.456', 'error', 'java.lang.IllegalStateException'],
    ]);
    const given = runFormat(detectFormat(lines, 'app.log'), lines, {
      fileName: 'app.log',
      options: { date: '2024-07-01' },
    });
    expect(iso(given.events[0]?.ts ?? 0)).toBe('2024-07-01T22:59:59.900Z');
  });

  it('rejects time-of-day lines when the day is unknown, each with its line and why', () => {
    const run = read(
      ['10:00:00.123 [main] INFO  com.example.App - Started', '10:00:01.000 [main] WARN  com.example.App - Slow'],
      'app.log',
    );
    expect(run.format).toBe('java-log');
    expect(run.events).toEqual([]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, expect.stringMatching(/^time "10:00:00.123" has a time of day but no date/)],
      [2, expect.stringMatching(/^time "10:00:01.000" has a time of day but no date/)],
    ]);
    // logrotate's date is the day the file was rotated, not the day its lines were written.
    for (const rotated of ['app.log-20241027', 'app.log.20241027.gz', 'app.log-20241027.gz']) {
      const late = read(['10:00:00.123 [main] INFO  com.example.App - Started'], rotated);
      expect(late.events, rotated).toEqual([]);
      expect(late.rejects[0]?.reason).toMatch(/a logrotate date after \.log is the day it was rotated/);
    }
  });

  it("reads Spring Boot 3.4's line with application name and correlation ids, and tells a thread from an application", () => {
    const run = read([
      '2024-11-26T10:00:00.123Z  INFO 1234 --- [myapp] [           main] [4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] o.s.b.Foo : with ids',
      '2024-11-26T10:00:00.124Z  INFO 1234 --- [myapp] [           main] [                                                 ] o.s.b.Foo : blank ids',
      '2024-11-26T10:00:00.125Z  WARN 1234 --- [           main] [4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7] o.s.b.Foo : no name',
      '2024-11-26T10:00:00.126Z ERROR 1234 --- [nio-8080-exec-1] o.a.c.c.C.[.[.[/].[dispatcherServlet]    : Servlet.service() threw exception',
    ]);
    expect(run.events.map((e) => [e.level, e.service, e.message])).toEqual([
      ['info', 'myapp', 'with ids'],
      ['info', 'myapp', 'blank ids'],
      ['warn', null, 'no name'],
      ['error', null, 'Servlet.service() threw exception'],
    ]);
  });

  it("reads Dropwizard's default layout, whose times are UTC whatever the import's zone", () => {
    const run = read([
      'INFO  [2024-07-01 10:00:00,123] com.example.Resource: hello',
      'ERROR [2024-07-01 10:00:01,000] com.example.Resource: failed',
    ]);
    expect(run.format).toBe('java-log');
    expect(run.events.map((e) => [iso(e.ts), e.level])).toEqual([
      ['2024-07-01T10:00:00.123Z', 'info'],
      ['2024-07-01T10:00:01.000Z', 'error'],
    ]);
  });

  it('keeps Caused by, ... N more and Suppressed in the stack, named by the outermost exception', () => {
    const run = read([
      '2024-01-01 10:00:00.124 [main] ERROR com.example.App - Failed',
      'java.lang.RuntimeException: outer',
      '\tat com.example.App.main(App.java:10)',
      'Caused by: java.io.IOException: inner',
      '\tat com.example.Io.read(Io.java:5)',
      '\t... 1 more',
      '\tSuppressed: java.lang.IllegalArgumentException: sup',
      '\t\tat com.example.Io.close(Io.java:9)',
    ]);
    expect(run.events).toHaveLength(1);
    expect(run.events[0]).toMatchObject({ errorType: 'java.lang.RuntimeException', errorMessage: 'outer' });
    expect(run.events[0]?.errorStack?.split('\n')).toHaveLength(7);
  });
});

describe('Java server logs: the JVM, JBoss LogManager and Keycloak', () => {
  it('names an uncaught exception the JVM reports (Exception in thread "main" …)', () => {
    const run = read([
      '2024-01-01 10:00:00,123 ERROR [main] com.x.Y - crashed',
      'Exception in thread "main" java.lang.IllegalStateException: boom',
      '\tat com.x.Y.main(Y.java:1)',
    ]);
    expect(run.events[0]).toMatchObject({ errorType: 'java.lang.IllegalStateException', errorMessage: 'boom' });
  });

  it("reads Keycloak's (Quarkus, JBoss LogManager) layout, its failed logins with user and address, and WildFly's dateless console", () => {
    const run = read([
      '2024-01-01 10:00:00,123 WARN  [org.keycloak.events] (executor-thread-1) type="LOGIN_ERROR", realmId="r1", realmName="shop", clientId="web", userId="null", ipAddress="203.0.113.5", error="invalid_user_credentials", auth_method="openid-connect", username="bob"',
      '2024-01-01 10:00:00,456 WARN  [org.keycloak.events] (executor-thread-1) type=CLIENT_LOGIN_ERROR, realmId=r1, clientId=api, userId=null, ipAddress=2001:db8::7, error=invalid_client_credentials',
      '2024-01-01 10:00:01,123 INFO  [io.quarkus] (main) Keycloak 24.0.1 on JVM started in 5.123s',
      '2024-01-01 10:00:02,123 ERROR [org.keycloak.services] (executor-thread-2) KC-SERVICES0015: Unexpected error',
      'java.lang.NullPointerException: x',
      '\tat org.keycloak.A.b(A.java:1)',
    ]);
    expect(run.format).toBe('java-log');
    expect(run.events.map((e) => [e.level, e.authRule, e.user, e.clientIp, e.errorType])).toEqual([
      ['warn', 'keycloak-login-error', 'bob', '203.0.113.5', null],
      ['warn', 'keycloak-login-error', null, '2001:db8::7', null],
      ['info', null, null, null, null],
      ['error', null, null, null, 'java.lang.NullPointerException'],
    ]);
    const console = read(
      ['10:00:00,123 INFO  [org.jboss.as] (Controller Boot Thread) WFLYSRV0025: started'],
      'server.log.2024-01-01',
    );
    expect(console.events.map((e) => [iso(e.ts), e.message])).toEqual([
      ['2024-01-01T10:00:00.123Z', 'WFLYSRV0025: started'],
    ]);
  });
});

describe('Kafka and OpenStack logs', () => {
  it("reads Kafka's `[%d] %p %m (%c)` with its trace, the logger left out of the message", () => {
    const run = read([
      '[2024-01-01 10:00:00,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)',
      '[2024-01-01 10:00:01,123] ERROR [ReplicaManager broker=1] Error processing append operation (kafka.server.ReplicaManager)',
      'org.apache.kafka.common.errors.NotLeaderOrFollowerException: not leader',
      '\tat kafka.cluster.Partition.x(Partition.scala:1)',
    ]);
    expect(run.format).toBe('java-log');
    expect(run.events.map((e) => [e.level, e.message, e.errorType])).toEqual([
      ['info', '[KafkaServer id=1] started', null],
      [
        'error',
        '[ReplicaManager broker=1] Error processing append operation',
        'org.apache.kafka.common.errors.NotLeaderOrFollowerException',
      ],
    ]);
  });

  it("leaves Flask's `[time] LEVEL in module: msg` to the Python reader, even with no traceback in sight", () => {
    const flask = read([
      '[2024-01-01 10:00:00,123] ERROR in app: Exception on /x [GET]',
      '[2024-01-01 10:00:01,123] INFO in app: ok',
    ]);
    expect(flask.format).toBe('python-log');
    expect(flask.events.map((e) => [e.level, e.message])).toEqual([
      ['error', 'Exception on /x [GET]'],
      ['info', 'ok'],
    ]);
  });

  it("reads OpenStack's oslo.log and the status, path and time of its WSGI request lines", () => {
    const run = read([
      '2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b-2096-447d-96ea-a692162415ae 113d3a99 54fdadf5 - - -] 10.11.10.1 "GET /v2/54fdadf5/servers/detail?all=1 HTTP/1.1" status: 404 len: 1893 time: 0.2477829',
      '2017-05-16 00:00:05.185 2931 WARNING nova.virt.libvirt.imagecache [req-addc1839-2ed5-4778-b57e-5854eb7b8b09 - - - - -] Unknown base file: /var/lib/nova/instances/_base/a489',
      // Behind a proxy: X-Forwarded-For's list, the client first.
      '2017-05-16 00:00:06.000 25743 INFO nova.metadata.wsgi.server [-] 10.11.21.122,10.11.10.1 "GET /openstack/2013-10-17/user_data HTTP/1.1" status: 404 len: 176 time: 0.0010660',
    ]);
    expect(run.format).toBe('python-log');
    expect(
      run.events.map((e) => [iso(e.ts), e.level, e.clientIp, e.httpMethod, e.urlPath, e.status, e.durationMs]),
    ).toEqual([
      ['2017-05-15T23:00:00.008Z', 'info', '10.11.10.1', 'GET', '/v2/54fdadf5/servers/detail', 404, 247.7829],
      ['2017-05-15T23:00:05.185Z', 'warning', null, null, null, null, null],
      ['2017-05-15T23:00:06.000Z', 'info', '10.11.21.122', 'GET', '/openstack/2013-10-17/user_data', 404, 1.066],
    ]);
  });
});

describe('Python application-log variants', () => {
  it.each([
    ['%(asctime)s - %(levelname)s - %(message)s', '2024-01-01 10:00:00,123 - ERROR - boom'],
    ['%(asctime)s [%(levelname)s] %(name)s: %(message)s', '2024-01-01 10:00:00,123 [ERROR] app.core: boom'],
    ['%(asctime)s:%(levelname)s:%(name)s:%(message)s', '2024-01-01 10:00:00,123:ERROR:app.core:boom'],
    ['Celery', '[2024-01-01 10:00:00,123: ERROR/ForkPoolWorker-1] boom'],
    ['Airflow', '[2024-01-01T10:00:00.123+0000] {taskinstance.py:1234} ERROR - boom'],
  ])('reads %s', (_layout, line) => {
    const run = read([line, line.replace('ERROR', 'INFO').replace('boom', 'fine')]);
    expect(run.format).toBe('python-log');
    expect(run.events.map((e) => [iso(e.ts), e.level, e.message])).toEqual([
      ['2024-01-01T10:00:00.123Z', 'error', 'boom'],
      ['2024-01-01T10:00:00.123Z', 'info', 'fine'],
    ]);
  });

  it("reads gunicorn's error log (its own offset) with a worker's traceback", () => {
    const run = read([
      '[2024-07-01 10:00:00 +0000] [1234] [INFO] Starting gunicorn 21.2.0',
      '[2024-07-01 10:00:05 +0200] [1240] [ERROR] Exception in worker process',
      'Traceback (most recent call last):',
      '  File "/usr/lib/python3/site-packages/gunicorn/arbiter.py", line 589, in spawn_worker',
      '    worker.init_process()',
      "ModuleNotFoundError: No module named 'app'",
      '[2024-07-01 10:00:06 +0000] [1240] [CRITICAL] WORKER TIMEOUT (pid:1240)',
    ]);
    expect(run.format).toBe('python-log');
    expect(run.events.map((e) => [iso(e.ts), e.level, e.errorType])).toEqual([
      ['2024-07-01T10:00:00.000Z', 'info', null],
      ['2024-07-01T08:00:05.000Z', 'error', 'ModuleNotFoundError'],
      ['2024-07-01T10:00:06.000Z', 'critical', null],
    ]);
  });

  it('names a chained traceback by the exception raised last, and groups it by its cause too', () => {
    const chained = (cause: string, link: string) => [
      '2024-01-01 10:00:01,456 - myapp.api - ERROR - request failed',
      'Traceback (most recent call last):',
      '  File "/app/api.py", line 10, in handle',
      '    data = load(body)',
      cause,
      '',
      link,
      '',
      'Traceback (most recent call last):',
      '  File "/app/api.py", line 12, in handle',
      '    raise BadRequest("bad body")',
      'myapp.errors.BadRequest: bad body',
    ];
    const during = 'During handling of the above exception, another exception occurred:';
    const direct = 'The above exception was the direct cause of the following exception:';
    const a = read(chained('json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)', during));
    const b = read(chained("KeyError: 'body'", direct));
    const c = read(chained('json.decoder.JSONDecodeError: Expecting value: line 9 column 2 (char 7)', direct));
    for (const run of [a, b, c]) {
      expect(run.events).toHaveLength(1);
      expect(run.events[0]).toMatchObject({ errorType: 'myapp.errors.BadRequest', errorMessage: 'bad body' });
    }
    // The same wrapper with another cause is another bug; the same cause is the same one.
    expect(a.events[0]?.fingerprint).not.toBe(b.events[0]?.fingerprint);
    expect(a.events[0]?.fingerprint).toBe(c.events[0]?.fingerprint);
  });
});

describe('Kibana and generic CSV variants', () => {
  it('reads a Kibana export with quoted ECS names, its date format, `-` for empty, and extra columns', () => {
    const run = read(
      [
        '"@timestamp","service.name","http.response.status_code","url.path","client.ip","user.name","event.duration",message,"_id","_index"',
        '"Nov 26, 2026 @ 10:00:00.123",checkout,401,"/api/login","203.0.113.5",bob,250000000,"login failed",a1,logs',
        '"Nov 6, 2026 @ 10:00:01.123456789",checkout,-,-,-,-,-,"hello, world",a2,logs',
      ],
      'export.csv',
    );
    expect(run.format).toBe('kibana-csv');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [iso(e.ts), e.status, e.durationMs, e.clientIp, e.user, e.message])).toEqual([
      ['2026-11-26T10:00:00.123Z', 401, 250, '203.0.113.5', 'bob', 'login failed'],
      ['2026-11-06T10:00:01.123Z', null, null, null, null, 'hello, world'],
    ]);
  });

  it('detects an export whose first rows hold a message with line breaks', () => {
    const run = read(
      [
        '@timestamp,log.level,message,labels.track',
        '2026-11-26T10:00:00.123Z,ERROR,"first',
        'second",canary',
        '2026-11-26T10:00:01.000Z,INFO,"a',
        'b',
        'c",stable',
        '2026-11-26T10:00:02.000Z,INFO,one line,stable',
      ],
      'export.csv',
    );
    expect(run.format).toBe('kibana-csv');
    expect(run.events.map((e) => [e.sourceLine, e.message, e.trackLabel])).toEqual([
      [2, 'first\nsecond', 'canary'],
      [4, 'a\nb\nc', 'stable'],
      [7, 'one line', 'stable'],
    ]);
  });

  it("reads an access log's time kept in a CSV column, and says which time shapes it reads when it cannot", () => {
    const run = read(['time,status', '17/Dec/2018:10:47:58 +0800,200', '26/11/2026 10:00:00,200'], 'x.csv');
    expect(run.format).toBe('csv');
    expect(iso(run.events[0]?.ts ?? 0)).toBe('2018-12-17T02:47:58.000Z');
    expect(run.rejects).toEqual([
      expect.objectContaining({
        line: 3,
        reason: expect.stringMatching(/^time: time "26\/11\/2026 10:00:00" is not ISO 8601/) as unknown,
      }),
    ]);
  });
});

describe('logfmt', () => {
  it('reads logrus text, go-kit and Loki lines through the same aliases as JSON lines', () => {
    const run = read([
      'time="2024-01-01T10:00:00Z" level=error msg="login failed" user=bob ip=203.0.113.5 status=401 duration=12ms',
      'ts=2024-01-01T10:00:00.123Z caller=main.go:42 level=info msg="Starting Loki" version=2.9.0',
      'time=2024-01-01T10:00:01+01:00 level=warn msg="slow \\"query\\"" method=GET path=/api/orders?id=1 status=200 latency=1.5s',
      'level=info msg="no time here"',
      'time="2024-01-01T10:00:02Z" level=error msg="never closed',
    ]);
    expect(run.format).toBe('logfmt');
    expect(
      run.events.map((e) => [iso(e.ts), e.level, e.message, e.status, e.durationMs, e.user, e.clientIp, e.urlPath]),
    ).toEqual([
      ['2024-01-01T10:00:00.000Z', 'error', 'login failed', 401, 12, 'bob', '203.0.113.5', null],
      ['2024-01-01T10:00:00.123Z', 'info', 'Starting Loki', null, null, null, null, null],
      ['2024-01-01T09:00:01.000Z', 'warn', 'slow "query"', 200, 1500, null, null, '/api/orders'],
    ]);
    expect(run.events[0]?.authRule).toBe('http-401');
    expect(run.events[1]?.version).toBe('2.9.0');
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [4, expect.stringMatching(/^no time \(looked for @timestamp, timestamp, time, ts/)],
      [5, 'not a logfmt line (key=value pairs, a value with spaces in double quotes)'],
    ]);
  });

  it("reads Grafana's and log15's t= time and lvl= level", () => {
    const run = read([
      'logger=context userId=0 orgId=0 uname= t=2024-01-01T10:00:00.123+02:00 level=info msg="Request Completed" method=GET path=/api/health status=200',
      't=2024-01-01T10:00:01+0200 lvl=eror msg="Failed to authenticate request" logger=context error="invalid API key"',
    ]);
    expect(run.format).toBe('logfmt');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [iso(e.ts), e.level, e.message])).toEqual([
      ['2024-01-01T08:00:00.123Z', 'info', 'Request Completed'],
      ['2024-01-01T08:00:01.000Z', 'eror', 'Failed to authenticate request'],
    ]);
  });

  it('is not taken for syslog, access logs or application logs with key=value pairs in their messages', () => {
    const keycloak =
      '2024-01-01 10:00:00,123 WARN  [org.keycloak.events] (executor-thread-1) type="LOGIN_ERROR", realmId="r1", ipAddress="203.0.113.5"';
    expect(read([keycloak, keycloak]).format).toBe('java-log');
    const pam =
      'Nov  6 09:15:06 web01 sshd[99]: pam_unix(sshd:auth): authentication failure; logname= uid=0 rhost=203.0.113.7';
    expect(read([pam, pam]).format).toBe('syslog');
  });
});

describe('web server error logs', () => {
  it("reads nginx's error log: level, client, request, host, and failed basic authentication", () => {
    const run = read([
      '2024/01/01 10:00:00 [error] 1234#1234: *5 open() "/usr/share/nginx/html/x" failed (2: No such file or directory), client: 203.0.113.5, server: _, request: "GET /x?y=1 HTTP/1.1", host: "shop.example:8080"',
      '2024/01/01 10:00:01 [error] 1234#1234: *6 user "bob" was not found in "/etc/nginx/.htpasswd", client: 203.0.113.6, server: _, request: "GET /admin HTTP/1.1", host: "shop.example"',
      '2024/01/01 10:00:02 [error] 1234#1234: *7 user "alice": password mismatch, client: 203.0.113.7, server: _, request: "GET /admin HTTP/1.1", host: "shop.example"',
      '2024/01/01 10:00:03 [crit] 1234#1234: *8 connect() to unix:/run/php.sock failed while connecting to upstream, client: 2001:db8::1, server: _, request: "POST /api HTTP/2.0", host: "shop.example"',
      '2024/01/01 10:00:04 [notice] 1#1: signal process started',
    ]);
    expect(run.format).toBe('web-error-log');
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.level, e.clientIp, e.httpMethod, e.urlPath, e.host, e.user, e.authRule])).toEqual([
      ['error', '203.0.113.5', 'GET', '/x', 'shop.example', null, null],
      ['error', '203.0.113.6', 'GET', '/admin', 'shop.example', 'bob', 'web-basic-auth-failure'],
      ['error', '203.0.113.7', 'GET', '/admin', 'shop.example', 'alice', 'web-basic-auth-failure'],
      ['critical', '2001:db8::1', 'POST', '/api', 'shop.example', null, null],
      ['notice', null, null, null, null, null, null],
    ]);
    // Local time without an offset: the import's zone (London, GMT in January).
    expect(iso(run.events[0]?.ts ?? 0)).toBe('2024-01-01T10:00:00.000Z');
  });

  it("reads Apache 2.2's and 2.4's error log, its module:level, pid and client with port", () => {
    const run = read([
      '[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties',
      '[Sun Dec 04 04:51:18 2005] [error] [client 81.199.21.119] Directory index forbidden by rule: /var/www/html/',
      '[Thu Jun 27 06:58:09.169510 2024] [core:error] [pid 1234:tid 5678] [client 203.0.113.9:50000] AH00126: Invalid URI in request GET /x HTTP/1.1',
      '[Thu Jun 27 06:58:10.000000 2024] [auth_basic:error] [pid 1234:tid 5678] [client 203.0.113.9:50001] AH01617: user bob: authentication failure for "/private": Password Mismatch',
      '[Thu Jun 27 06:58:11.000000 2024] [auth_basic:error] [pid 1234] [client 203.0.113.9:50002] AH01618: user eve not found: /private',
    ]);
    expect(run.format).toBe('web-error-log');
    expect(run.events.map((e) => [iso(e.ts), e.level, e.clientIp, e.user, e.authRule])).toEqual([
      ['2005-12-04T04:47:44.000Z', 'notice', null, null, null],
      ['2005-12-04T04:51:18.000Z', 'error', '81.199.21.119', null, null],
      // June in London is BST.
      ['2024-06-27T05:58:09.169Z', 'error', '203.0.113.9', null, null],
      ['2024-06-27T05:58:10.000Z', 'error', '203.0.113.9', 'bob', 'web-basic-auth-failure'],
      ['2024-06-27T05:58:11.000Z', 'error', '203.0.113.9', 'eve', 'web-basic-auth-failure'],
    ]);
  });

  const apache = `${REAL}/loghub/Apache_2k.log`;
  if (!fs.existsSync(apache)) console.warn(`skipping the real Apache error log: ${apache} is absent`);
  it.skipIf(!fs.existsSync(apache))(
    "reads loghub's real Apache error log whole: every line an event, its denials' clients",
    () => {
      const lines = fileLines(apache);
      const run = read(lines, 'Apache_2k.log');
      expect(run.format).toBe('web-error-log');
      expect(run.rejects).toEqual([]);
      expect(run.events).toHaveLength(2000);
      const denials = run.events.filter((e) => /Directory index forbidden by rule/.test(e.message ?? ''));
      expect(denials).toHaveLength(32);
      expect(denials.every((e) => e.clientIp !== null)).toBe(true);
      expect(run.events.filter((e) => e.level === 'error')).toHaveLength(595);
    },
  );
});
