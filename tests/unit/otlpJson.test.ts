// OpenTelemetry logs as OTLP/JSON, written here after the OTLP specification's JSON encoding
// and the Collector's file exporter (one ExportLogsServiceRequest a line): records unwrapped
// from their resource and scope, typed attribute values, semantic-convention names read as
// their ECS names, and what an export that is not of logs gets.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { detectFormat, formatNamed } from '../../electron/core/ingest/formats/index.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { runFormat } from '../helpers/runFormat.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: String(value) } });

function exportOf(resource: object[], records: object[]): string {
  return JSON.stringify({
    resourceLogs: [
      { resource: { attributes: resource }, scopeLogs: [{ scope: { name: 'shop' }, logRecords: records }] },
    ],
  });
}

const CANARY = [
  str('service.name', 'checkout'),
  str('service.version', '4.13.0'),
  str('deployment.environment.name', 'production'),
  str('k8s.pod.labels.track', 'canary'),
];
const NANOS = '1795078801123456789';

function read(lines: readonly string[]) {
  const format = detectFormat(
    lines.filter((l) => l.trim() !== ''),
    'logs.json',
  );
  return { format: format.name, ...runFormat(format, lines, { fileName: 'logs.json' }) };
}

describe('OTLP/JSON logs', () => {
  it('makes each log record an event in its resource’s context, attributes read by their ECS names', () => {
    const run = read([
      exportOf(CANARY, [
        {
          timeUnixNano: NANOS,
          severityNumber: 17,
          body: { stringValue: 'login failed' },
          attributes: [
            int('http.status_code', 401),
            str('http.method', 'POST'),
            str('http.target', '/login?next=/'),
            str('client.address', '203.0.113.7'),
            str('enduser.id', 'bob'),
          ],
          traceId: '5b8efff798038103d269b633813fc60c',
        },
        {
          timeUnixNano: '0',
          observedTimeUnixNano: '1795078802000000000',
          severityText: 'ERROR',
          body: { stringValue: 'charge failed' },
          attributes: [
            str('exception.type', 'java.lang.IllegalStateException'),
            str('exception.message', 'no payment for order 7'),
            str(
              'exception.stacktrace',
              'java.lang.IllegalStateException: no payment for order 7\n\tat shop.Pay.capture(Pay.java:42)',
            ),
          ],
        },
      ]),
    ]);
    expect(run.format).toBe('otlp-json');
    expect(run.rejects).toEqual([]);
    expect(
      run.events.map((e) => [
        e.sourceLine,
        e.ts,
        e.tsText,
        e.service,
        e.version,
        e.trackLabel,
        e.level,
        e.status,
        e.httpMethod,
        e.urlPath,
        e.clientIp,
        e.user,
      ]),
    ).toEqual([
      [1, 1795078801123, NANOS, 'checkout', '4.13.0', 'canary', 'error', 401, 'POST', '/login', '203.0.113.7', 'bob'],
      // timeUnixNano 0 is unset: the collector's observed time.
      [1, 1795078802000, '0', 'checkout', '4.13.0', 'canary', 'error', null, null, null, null, null],
    ]);
    // The resource's deployment environment is the rollout's environment.
    expect(run.events.map((e) => e.environment)).toEqual(['production', 'production']);
    expect(run.events[1]).toMatchObject({
      errorType: 'java.lang.IllegalStateException',
      errorMessage: 'no payment for order 7',
    });
    expect(run.events[1]?.errorStack).toContain('Pay.java:42');
    // Each event's raw text is its own record, with its resource: not the whole batch.
    expect(JSON.parse(run.events[1]?.raw ?? '{}')).toMatchObject({ logRecord: { severityText: 'ERROR' } });
    expect(run.events[1]?.raw).not.toContain('login failed');
  });

  it('reads a pretty-printed export, a structured body, and several resources in one request', () => {
    const request = {
      resourceLogs: [
        {
          resource: { attributes: CANARY },
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: NANOS, body: { kvlistValue: { values: [str('msg', 'cart ok'), int('status', 200)] } } },
              ],
            },
          ],
        },
        {
          resource: {
            attributes: [
              str('service.name', 'checkout'),
              str('service.version', '4.12.3'),
              str('k8s.pod.name', 'checkout-stable-5c6b7-g5h6i'),
            ],
          },
          scopeLogs: [{ logRecords: [{ timeUnixNano: NANOS, severityNumber: 9, body: { stringValue: 'cart ok' } }] }],
        },
      ],
    };
    const run = read(JSON.stringify(request, null, 2).split('\n'));
    expect(run.format).toBe('otlp-json');
    expect(run.events.map((e) => [e.message, e.status, e.version, e.track, e.level])).toEqual([
      ['cart ok', 200, '4.13.0', 'canary', null],
      ['cart ok', null, '4.12.3', 'stable', 'info'],
    ]);
  });

  it('rejects a record without a time, and exports that are not of logs, with the line', () => {
    const run = runFormat(
      formatNamed('otlp-json'),
      [
        exportOf(CANARY, [{ body: { stringValue: 'when?' } }, { timeUnixNano: NANOS, body: { stringValue: 'ok' } }]),
        JSON.stringify({ resourceSpans: [] }),
        '{"resourceLogs": [',
      ],
      { fileName: 'logs.json' },
    );
    expect(run.events).toHaveLength(1);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'log record 1: neither timeUnixNano nor observedTimeUnixNano is set'],
      [2, 'an OTLP export of resourceSpans, not of logs'],
      [3, expect.stringMatching(/truncated|not closed|end/)],
    ]);
    expect(run.rejects[0]?.raw).toContain('when?');
  });

  it('rejects a hostile record alone and keeps its siblings: a time out of range, values nested too deep', () => {
    let deep: object = { stringValue: 'x' };
    for (let i = 0; i < 100; i += 1) deep = { kvlistValue: { values: [{ key: 'k', value: deep }] } };
    const run = runFormat(
      formatNamed('otlp-json'),
      [
        exportOf(CANARY, [
          { timeUnixNano: NANOS, body: { stringValue: 'good-1' } },
          { timeUnixNano: '9999999999999999999999999', body: { stringValue: 'far future' } },
          { timeUnixNano: '100000000000000000', body: { stringValue: '1973' } },
          { timeUnixNano: NANOS, body: { stringValue: 'deep' }, attributes: [{ key: 'd', value: deep }] },
          { timeUnixNano: NANOS, body: { stringValue: 'good-2' } },
        ]),
      ],
      { fileName: 'logs.json' },
    );
    expect(run.events.map((e) => e.message)).toEqual(['good-1', 'good-2']);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'log record 2: timeUnixNano "9999999999999999999999999" is not nanoseconds since 1970'],
      [1, 'log record 3: timeUnixNano 100000000000000000 is outside 1990–2099'],
      [1, 'log record 4: a value nested deeper than 64 levels'],
    ]);
  });

  it('reads the environment as every other format does: deployment.environment.name first, a blank one not at all', () => {
    const env = (attributes: object[]) =>
      read([
        exportOf(
          [str('service.name', 'checkout'), ...attributes],
          [{ timeUnixNano: NANOS, body: { stringValue: 'x' } }],
        ),
      ]).events[0]?.environment;
    expect(env([str('deployment.environment.name', 'production'), str('deployment.environment', 'prod-legacy')])).toBe(
      'production',
    );
    expect(env([str('deployment.environment', 'prod-legacy'), str('deployment.environment.name', 'production')])).toBe(
      'production',
    );
    expect(env([str('deployment.environment.name', 'staging'), str('deployment.environment', '  ')])).toBe('staging');
  });

  it('keeps hostile keys as data, prefers the standard severity, and never takes error.type for an exception', () => {
    const run = read([
      exportOf(CANARY, [
        {
          timeUnixNano: NANOS,
          severityNumber: 13,
          severityText: 'Warning!',
          body: { stringValue: 'slow' },
          attributes: [str('__proto__', 'polluted'), str('error.type', '500'), int('http.response.status_code', 500)],
        },
        {
          timeUnixNano: NANOS,
          body: { kvlistValue: { values: [str('message', 'structured'), str('log.level', 'error')] } },
        },
      ]),
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.message, e.level, e.status, e.errorType])).toEqual([
      ['slow', 'warn', 500, null],
      // No severity on the record: the structured body's own level stands.
      ['structured', 'error', null, null],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('imports through the parse worker, with the counts on the source', async () => {
    const db = openCase(path.join(tempDir(), 'otlp.coalmine'), { create: true });
    const file = writeLines('logs.json', [
      exportOf(CANARY, [
        {
          timeUnixNano: NANOS,
          body: { stringValue: 'login failed' },
          attributes: [int('http.response.status_code', 401)],
        },
        { timeUnixNano: NANOS, body: { stringValue: 'ok' } },
      ]),
      'not json',
    ]);
    const result = await importFile(db, file);
    expect(result).toMatchObject({ format: 'otlp-json', lines: 2, events: 2, rejects: 1, authFailures: 1 });
    expect(listRejects(db, result.sourceId ?? -1).map((r) => r.line)).toEqual([2]);
    db.close();
  });
});
