// parseEcsRecord (electron/core/ingest/formats/ecsNdjson.ts): one NDJSON line into one event,
// then normalised (track, classification) as the import pipeline does.
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../electron/core/case/events.js';
import { fingerprintOf } from '../../electron/core/ingest/fingerprint.js';
import { parseEcsRecord as parseLine } from '../../electron/core/ingest/formats/ecsNdjson.js';
import { type NormaliseContext, normaliseEvent } from '../../electron/core/ingest/normalise.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';

interface RecordContext extends NormaliseContext {
  zone: string;
}

const CTX: RecordContext = {
  zone: 'Europe/London',
  track: null,
  service: null,
  version: null,
  environment: null,
  rules: DEFAULT_TAGGING_RULES,
};

function parseEcsRecord(line: string, lineNumber: number, ctx: RecordContext): ReturnType<typeof parseLine> {
  const result = parseLine(line, lineNumber, ctx.zone);
  return result.ok ? { ok: true, event: normaliseEvent(result.event, ctx) } : result;
}

function parse(doc: unknown, ctx: Partial<RecordContext> = {}, lineNumber = 7): NewEvent {
  const line = typeof doc === 'string' ? doc : JSON.stringify(doc);
  const result = parseEcsRecord(line, lineNumber, { ...CTX, ...ctx });
  if (!result.ok) throw new Error(`expected the record to parse, got: ${result.reason}`);
  return result.event;
}

function reject(line: string): string {
  const result = parseEcsRecord(line, 1, CTX);
  if (result.ok) throw new Error(`expected the record to be rejected: ${line}`);
  return result.reason;
}

const STACK = 'TimeoutError: deadline exceeded\n    at call (orders.js:10:5)';

/** As ecs-logging libraries write it: every field a dotted key at the top level. */
const DOTTED = {
  '@timestamp': '2026-03-15T10:20:30.250Z',
  'log.level': 'ERROR',
  message: 'upstream timed out',
  'service.name': 'checkout',
  'service.version': '2.4.0',
  'host.name': 'web-3',
  'labels.track': 'canary',
  'http.request.method': 'post',
  'url.path': '/api/orders',
  'http.response.status_code': 503,
  'event.duration': 1_500_000,
  'client.ip': '10.0.0.7',
  'user.name': 'alice',
  'error.type': 'TimeoutError',
  'error.message': 'deadline exceeded',
  'error.stack_trace': STACK,
};

/** As Filebeat writes it: nested objects. */
const NESTED = {
  '@timestamp': '2026-03-15T10:20:30.250Z',
  log: { level: 'ERROR' },
  message: 'upstream timed out',
  service: { name: 'checkout', version: '2.4.0' },
  host: { name: 'web-3' },
  labels: { track: 'canary' },
  http: { request: { method: 'post' }, response: { status_code: 503 } },
  url: { path: '/api/orders' },
  event: { duration: 1_500_000 },
  client: { ip: '10.0.0.7' },
  user: { name: 'alice' },
  error: { type: 'TimeoutError', message: 'deadline exceeded', stack_trace: STACK },
};

/** Both spellings in one document, including dotted keys inside nested objects. */
const MIXED = {
  '@timestamp': '2026-03-15T10:20:30.250Z',
  'log.level': 'ERROR',
  message: 'upstream timed out',
  service: { name: 'checkout' },
  'service.version': '2.4.0',
  host: { name: 'web-3' },
  'labels.track': 'canary',
  http: { 'request.method': 'post', response: { status_code: 503 } },
  'url.path': '/api/orders',
  'event.duration': 1_500_000,
  client: { ip: '10.0.0.7' },
  'user.name': 'alice',
  error: { type: 'TimeoutError', message: 'deadline exceeded', stack_trace: STACK },
};

const EXPECTED: Omit<NewEvent, 'raw' | 'sourceLine'> = {
  ts: Date.UTC(2026, 2, 15, 10, 20, 30, 250),
  tsText: '2026-03-15T10:20:30.250Z',
  track: 'canary',
  trackRule: 'label',
  trackLabel: 'canary',
  service: 'checkout',
  environment: null,
  version: '2.4.0',
  host: 'web-3',
  pod: null,
  level: 'error',
  httpMethod: 'POST',
  urlPath: '/api/orders',
  status: 503,
  durationMs: 1.5,
  clientIp: '10.0.0.7',
  user: 'alice',
  message: 'upstream timed out',
  errorType: 'TimeoutError',
  errorMessage: 'deadline exceeded',
  errorStack: STACK,
  fingerprint: fingerprintOf('TimeoutError', 'deadline exceeded', STACK),
  authFailure: false,
  authRule: null,
};

describe('parseEcsRecord: document shapes', () => {
  it.each([
    ['dotted keys (ecs-logging)', DOTTED],
    ['nested objects (Filebeat)', NESTED],
    ['a mix of both', MIXED],
  ])('maps %s to the same event', (_shape, doc) => {
    const line = JSON.stringify(doc);
    const result = parseEcsRecord(line, 42, CTX);
    expect(result).toEqual({ ok: true, event: { ...EXPECTED, sourceLine: 42, raw: line } });
  });

  it('keeps raw byte for byte (whitespace, key order) and sourceLine as given', () => {
    const line = '{ "message" : "hi",   "@timestamp":"2026-03-15T10:20:30Z" }';
    const result = parseEcsRecord(line, 1234, CTX);
    expect(result.ok && result.event.raw).toBe(line);
    expect(result.ok && result.event.sourceLine).toBe(1234);
  });

  it('leaves absent fields null and the track unknown', () => {
    const event = parse({ '@timestamp': '2026-03-15T10:20:30Z' });
    expect(event).toEqual({
      ts: Date.UTC(2026, 2, 15, 10, 20, 30),
      tsText: '2026-03-15T10:20:30Z',
      track: 'unknown',
      trackRule: null,
      trackLabel: null,
      service: null,
      environment: null,
      version: null,
      host: null,
      pod: null,
      level: null,
      httpMethod: null,
      urlPath: null,
      status: null,
      durationMs: null,
      clientIp: null,
      user: null,
      message: null,
      errorType: null,
      errorMessage: null,
      errorStack: null,
      fingerprint: null,
      authFailure: false,
      authRule: null,
      sourceLine: 7,
      raw: '{"@timestamp":"2026-03-15T10:20:30Z"}',
    });
  });

  it('reads a zone-less @timestamp in the import zone (BST in summer)', () => {
    const event = parse({ '@timestamp': '2026-07-15T09:00:00' });
    expect(event.ts).toBe(Date.UTC(2026, 6, 15, 8, 0, 0));
    expect(event.tsText).toBe('2026-07-15T09:00:00');
  });

  it('reads an epoch-millisecond @timestamp and keeps its text', () => {
    const event = parse({ '@timestamp': Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(event.ts).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(event.tsText).toBe(String(Date.UTC(2026, 0, 2, 3, 4, 5)));
  });

  it('converts event.duration from nanoseconds to milliseconds', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'event.duration': 2_500_000_000 }).durationMs).toBe(2500);
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'event.duration': 0 }).durationMs).toBe(0);
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'event.duration': '250000' }).durationMs).toBe(0.25);
  });

  it('accepts the status code written as a string', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'http.response.status_code': '404' }).status).toBe(404);
  });
});

describe('parseEcsRecord: track', () => {
  it.each([
    ['canary', 'canary'],
    ['stable', 'stable'],
    ['baseline', 'stable'],
    ['primary', 'stable'],
    [' Canary ', 'canary'],
    ['other', 'unknown'],
    ['', 'unknown'],
  ])('labels.track %j -> %s', (label, track) => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', labels: { track: label } }).track).toBe(track);
  });

  it('is unknown when labels.track is not text', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'labels.track': 1 }).track).toBe('unknown');
  });

  it('falls back to labels.release', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'labels.release': 'canary' }).track).toBe('canary');
  });

  it('lets the import-wide track override labels.track', () => {
    const doc = { '@timestamp': '2026-03-15T10:20:30Z', 'labels.track': 'canary' };
    expect(parse(doc, { track: 'stable' }).track).toBe('stable');
    expect(parse({ ...doc, 'labels.track': 'baseline' }, { track: 'canary' }).track).toBe('canary');
  });
});

describe('parseEcsRecord: context overrides and field fallbacks', () => {
  it('lets ctx.service and ctx.version override the record', () => {
    const event = parse(DOTTED, { service: 'payments', version: '9.9.9' });
    expect(event.service).toBe('payments');
    expect(event.version).toBe('9.9.9');
  });

  it('keeps the record service and version when ctx gives none', () => {
    const event = parse(DOTTED);
    expect(event.service).toBe('checkout');
    expect(event.version).toBe('2.4.0');
  });

  it('reads a numeric service.version as text', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'service.version': 3 }).version).toBe('3');
  });

  it('takes host.hostname when host.name is absent', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', host: { hostname: 'web-9' } }).host).toBe('web-9');
  });

  it('takes urlPath from url.original when url.path is absent, dropping query and fragment', () => {
    const at = (original: string): string | null =>
      parse({ '@timestamp': '2026-03-15T10:20:30Z', url: { original } }).urlPath;
    expect(at('https://shop.example/api/cart?session=abc#top')).toBe('/api/cart');
    expect(at('https://shop.example:8443/api/cart/items?x=1')).toBe('/api/cart/items');
    expect(at('/api/cart?session=abc')).toBe('/api/cart');
    expect(at('/api/cart#top')).toBe('/api/cart');
    expect(at('https://shop.example')).toBe('/');
    expect(at('https://shop.example?session=abc')).toBe('/');
  });

  it('url.original with no path but a slash in the query gives "/"', () => {
    const event = parse({ '@timestamp': '2026-03-15T10:20:30Z', 'url.original': 'https://shop.example?next=/login' });
    expect(event.urlPath).toBe('/');
  });

  it('prefers url.path over url.original', () => {
    const event = parse({
      '@timestamp': '2026-03-15T10:20:30Z',
      'url.path': '/from-path',
      'url.original': 'https://shop.example/from-original?q=1',
    });
    expect(event.urlPath).toBe('/from-path');
  });

  it('takes client.ip first, then source.ip', () => {
    const base = { '@timestamp': '2026-03-15T10:20:30Z' };
    expect(parse({ ...base, 'source.ip': '192.0.2.9' }).clientIp).toBe('192.0.2.9');
    expect(parse({ ...base, client: { ip: '10.0.0.7' }, source: { ip: '192.0.2.9' } }).clientIp).toBe('10.0.0.7');
    expect(parse({ ...base, 'client.ip': null, 'source.ip': '192.0.2.9' }).clientIp).toBe('192.0.2.9');
  });

  it('takes user.name, then user.id, then user.email', () => {
    const base = { '@timestamp': '2026-03-15T10:20:30Z' };
    expect(parse({ ...base, user: { id: 'u-17', email: 'a@example.com' } }).user).toBe('u-17');
    expect(parse({ ...base, 'user.email': 'a@example.com' }).user).toBe('a@example.com');
  });

  it('reads error.stack_trace given as a string', () => {
    expect(parse({ '@timestamp': '2026-03-15T10:20:30Z', 'error.stack_trace': STACK }).errorStack).toBe(STACK);
  });

  it('joins error.stack_trace given as an array with newlines', () => {
    const event = parse({
      '@timestamp': '2026-03-15T10:20:30Z',
      error: { stack_trace: ['TimeoutError: deadline exceeded', '    at call (orders.js:10:5)'] },
    });
    expect(event.errorStack).toBe(STACK);
  });

  it('lower-cases the level and upper-cases the method', () => {
    const event = parse({ '@timestamp': '2026-03-15T10:20:30Z', 'log.level': 'WARN', 'http.request.method': 'get' });
    expect(event.level).toBe('warn');
    expect(event.httpMethod).toBe('GET');
  });
});

describe('parseEcsRecord: authentication failures', () => {
  const base = { '@timestamp': '2026-03-15T10:20:30Z' };

  it('marks status 401 with rule http-401', () => {
    const event = parse({ ...base, 'http.response.status_code': 401 });
    expect(event.authFailure).toBe(true);
    expect(event.authRule).toBe('http-401');
  });

  it("marks event.category ['authentication'] + event.outcome 'failure' with rule ecs-authentication-failure", () => {
    const event = parse({
      ...base,
      event: { category: ['authentication'], outcome: 'failure' },
      'http.response.status_code': 200,
    });
    expect(event.authFailure).toBe(true);
    expect(event.authRule).toBe('ecs-authentication-failure');
  });

  it('accepts event.category as a single string too', () => {
    const event = parse({ ...base, 'event.category': 'authentication', 'event.outcome': 'failure' });
    expect(event.authRule).toBe('ecs-authentication-failure');
  });

  it('prefers the ECS rule when both match', () => {
    const event = parse({
      ...base,
      'event.category': ['web', 'authentication'],
      'event.outcome': 'failure',
      'http.response.status_code': 401,
    });
    expect(event.authRule).toBe('ecs-authentication-failure');
  });

  it('does not mark status 200', () => {
    const event = parse({ ...base, 'http.response.status_code': 200 });
    expect(event.authFailure).toBe(false);
    expect(event.authRule).toBeNull();
  });

  it('does not mark a successful authentication or status 403', () => {
    const success = parse({ ...base, 'event.category': ['authentication'], 'event.outcome': 'success' });
    expect([success.authFailure, success.authRule]).toEqual([false, null]);
    const forbidden = parse({ ...base, 'http.response.status_code': 403 });
    expect([forbidden.authFailure, forbidden.authRule]).toEqual([false, null]);
  });
});

describe('parseEcsRecord: rejections', () => {
  it('rejects invalid JSON', () => {
    expect(reject('{not json')).toMatch(/^not valid JSON \(.+\)$/);
    expect(reject('')).toMatch(/^not valid JSON/);
  });

  it('rejects truncated JSON', () => {
    expect(reject('{"@timestamp":"2026-03-15T10:20:30Z","message":"cut')).toMatch(/^not valid JSON/);
  });

  it.each(['[{"@timestamp":"2026-03-15T10:20:30Z"}]', '"2026-03-15T10:20:30Z"', '42', 'null', 'true'])(
    'rejects %s as not a JSON object',
    (line) => {
      expect(reject(line)).toBe('not a JSON object');
    },
  );

  it('rejects a document without @timestamp', () => {
    expect(reject('{"message":"hi","timestamp":"2026-03-15T10:20:30Z"}')).toBe('no @timestamp');
  });

  it('rejects an impossible @timestamp', () => {
    expect(reject('{"@timestamp":"2026-02-30T10:00:00Z"}')).toBe(
      '@timestamp: time "2026-02-30T10:00:00Z" is not a real date and time',
    );
  });

  it('rejects a null or non-ISO @timestamp', () => {
    expect(reject('{"@timestamp":null}')).toBe('@timestamp: time is null, not text');
    expect(reject('{"@timestamp":"last Tuesday"}')).toBe('@timestamp: time "last Tuesday" is not ISO 8601');
  });

  it('rejects a status that is not a number', () => {
    expect(reject('{"@timestamp":"2026-03-15T10:20:30Z","http.response.status_code":"abc"}')).toBe(
      'http.response.status_code is not a number: "abc"',
    );
  });

  it.each([
    ['700', '700'],
    ['99', '99'],
    ['200.5', '200.5'],
  ])('rejects status %s as not an HTTP status', (json, shown) => {
    expect(reject(`{"@timestamp":"2026-03-15T10:20:30Z","http":{"response":{"status_code":${json}}}}`)).toBe(
      `http.response.status_code ${shown} is not an HTTP status`,
    );
  });

  it('rejects a negative event.duration', () => {
    expect(reject('{"@timestamp":"2026-03-15T10:20:30Z","event.duration":-5}')).toBe('event.duration -5 is negative');
  });

  it('rejects an event.duration that is not a number', () => {
    expect(reject('{"@timestamp":"2026-03-15T10:20:30Z","event":{"duration":"slow"}}')).toBe(
      'event.duration is not a number: "slow"',
    );
  });
});
