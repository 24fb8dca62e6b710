// The variants of each format that people's own servers write, beyond the fixtures: each
// case is a few lines written here after the upstream documentation of the format (nginx
// log_format, Apache LogFormat, log4j2/logback patterns, Python logging, RFC 3164/5424,
// pino/bunyan/zap/logrus/journald, Kibana and Elasticsearch exports), read as an import
// reads them: detection from the first lines, then the format, then normalise.
import { describe, expect, it } from 'vitest';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
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

  it('rejects a status nginx never writes (000), with its line and reason', () => {
    const run = read([
      `192.0.2.10 - - ${at} "GET / HTTP/1.1" 200 1 "-" "x"`,
      `192.0.2.10 - - ${at} "GET / HTTP/1.1" 000 0 "-" "x"`,
    ]);
    expect(run.rejects).toEqual([expect.objectContaining({ line: 2, reason: 'status "000" is not an HTTP status' })]);
  });
});
