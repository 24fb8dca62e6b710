// OpenTelemetry logs as OTLP/JSON: what the Collector's file exporter writes (one
// ExportLogsServiceRequest a line, `{"resourceLogs":[…]}`) and what an OTLP/HTTP JSON body
// holds (pretty-printed too). One line carries many records: each `logRecords[]` entry is an
// event, at that line, in the context of its resource (service, version, pod, environment).
// Attributes are typed values (`{"stringValue": …}`, `{"intValue": "401"}`); they are unwrapped
// and their OpenTelemetry semantic-convention names (current and the older ones still common)
// are given their ECS names, the two being one schema since OpenTelemetry adopted ECS, so the
// record is then read exactly as a JSON document is (jsonLines.ts: tagging labels, errors,
// authentication outcome). The time is `timeUnixNano`, else `observedTimeUnixNano` (0 is unset).
import type { NewEvent } from '../../case/events.js';
import { JsonRecordAssembler, jsonDocumentToEvent } from './jsonLines.js';
import type { LogFormat } from './types.js';

type Doc = Record<string, unknown>;

/** Semantic-convention attribute → the ECS field the JSON mapping reads. Others keep their name. */
const ECS_NAME: Record<string, string> = {
  'http.method': 'http.request.method',
  'http.status_code': 'http.response.status_code',
  'k8s.pod.name': 'kubernetes.pod.name',
  'k8s.namespace.name': 'kubernetes.namespace',
  'k8s.container.name': 'container.name',
  'deployment.environment': 'service.environment',
  'deployment.environment.name': 'service.environment',
  'client.address': 'client.ip',
  'http.client_ip': 'client.ip',
  'net.sock.peer.addr': 'client.ip',
  'enduser.id': 'user.name',
  'exception.type': 'error.type',
  'exception.message': 'error.message',
  'exception.stacktrace': 'error.stack_trace',
  trace_id: 'trace.id',
  span_id: 'span.id',
};
/** Kubernetes pod labels as the Collector's k8sattributes processor names them, and as ECS does. */
const POD_LABEL = /^k8s\.pod\.labels?\./;

// Severity numbers by range (the log data model's table).
const SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An AnyValue as plain JSON. */
function plain(value: unknown): unknown {
  if (!isObject(value)) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) return Number(value.intValue);
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('bytesValue' in value) return value.bytesValue;
  if (isObject(value.arrayValue)) {
    const values = value.arrayValue.values;
    return Array.isArray(values) ? values.map(plain) : [];
  }
  if (isObject(value.kvlistValue)) return Object.fromEntries(pairs(value.kvlistValue.values));
  return null;
}

/** `[{key, value}]` as entries, the keys as written. */
function pairs(list: unknown): [string, unknown][] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((kv): kv is Doc => isObject(kv) && typeof kv.key === 'string')
    .map((kv) => [kv.key as string, plain(kv.value)]);
}

function ecsName(key: string): string {
  if (POD_LABEL.test(key)) return key.replace(POD_LABEL, 'kubernetes.labels.');
  // http.target held the query too; url.path is the path.
  return ECS_NAME[key] ?? key;
}

/** Nanoseconds since the epoch (a string of digits, or a number) as ms; null when unset. */
function nanosToMs(value: unknown): number | null {
  const digits = typeof value === 'number' ? String(Math.trunc(value)) : typeof value === 'string' ? value : '';
  if (!/^\d{1,25}$/.test(digits) || /^0+$/.test(digits)) return null;
  return digits.length <= 6 ? 0 : Number(digits.slice(0, -6));
}

function levelOf(record: Doc): string | null {
  if (typeof record.severityText === 'string' && record.severityText !== '') return record.severityText;
  const number = typeof record.severityNumber === 'number' ? record.severityNumber : null;
  if (number === null || number < 1 || number > 24) return null;
  return SEVERITIES[Math.floor((number - 1) / 4)] ?? null;
}

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

/**
 * One log record, in its resource's context, read as the JSON mapping reads an ECS document.
 * `raw` is the record with its resource's attributes and its scope: the batch's line would be
 * every record's, many times over.
 */
function recordToEvent(
  resource: [string, unknown][],
  scope: unknown,
  record: Doc,
  lineNumber: number,
  zone: string,
): Outcome & { raw: string } {
  const raw = JSON.stringify({ resource: { attributes: Object.fromEntries(resource) }, scope, logRecord: record });
  const ms = nanosToMs(record.timeUnixNano) ?? nanosToMs(record.observedTimeUnixNano);
  if (ms === null) return { ok: false, reason: 'neither timeUnixNano nor observedTimeUnixNano is set', raw };
  const doc: Doc = {};
  for (const [key, value] of [...resource, ...pairs(record.attributes)]) doc[ecsName(key)] = value;
  if (typeof doc['http.target'] === 'string' && doc['url.path'] === undefined) {
    doc['url.path'] = doc['http.target'].split(/[?#]/, 1)[0];
  }
  const body = plain(record.body);
  if (isObject(body)) Object.assign(doc, body);
  else if (body !== null) doc.message = typeof body === 'string' ? body : JSON.stringify(body);
  if (typeof record.traceId === 'string' && record.traceId !== '') doc['trace.id'] = record.traceId;
  if (typeof record.spanId === 'string' && record.spanId !== '') doc['span.id'] = record.spanId;
  doc['log.level'] = levelOf(record);
  doc['@timestamp'] = new Date(ms).toISOString();
  const outcome = jsonDocumentToEvent(doc, lineNumber, raw, zone);
  if (outcome.ok && typeof record.timeUnixNano === 'string') outcome.event.tsText = record.timeUnixNano;
  return { ...outcome, raw };
}

/** Every log record of an ExportLogsServiceRequest, with what is wrong with the export itself. */
function* recordsOf(request: Doc): Generator<{ resource: [string, unknown][]; scope: unknown; record: Doc }> {
  for (const resourceLogs of Array.isArray(request.resourceLogs) ? request.resourceLogs : []) {
    if (!isObject(resourceLogs)) continue;
    const resource = pairs(isObject(resourceLogs.resource) ? resourceLogs.resource.attributes : undefined);
    // scopeLogs; instrumentationLibraryLogs before OTLP 0.15.
    const scopes = resourceLogs.scopeLogs ?? resourceLogs.instrumentationLibraryLogs;
    for (const scopeLogs of Array.isArray(scopes) ? scopes : []) {
      if (!isObject(scopeLogs) || !Array.isArray(scopeLogs.logRecords)) continue;
      const scope = scopeLogs.scope ?? scopeLogs.instrumentationLibrary ?? null;
      for (const record of scopeLogs.logRecords) if (isObject(record)) yield { resource, scope, record };
    }
  }
}

export const otlpJsonFormat: LogFormat = {
  name: 'otlp-json',
  label: 'OpenTelemetry logs as OTLP/JSON (the Collector file exporter, OTLP/HTTP bodies)',
  probe(sample) {
    const first = sample[0]?.trim() ?? '';
    if (/^\{\s*"resourceLogs"\s*:/.test(first)) return 0.99;
    // Pretty-printed: the key on a line of its own after the opening brace.
    return first === '{' && /^\s*"resourceLogs"\s*:/.test(sample[1] ?? '') ? 0.99 : 0;
  },
  open(ctx, sink) {
    const assembler = new JsonRecordAssembler(sink, (line, raw, parsed) => {
      let request = parsed;
      if (request === undefined) {
        try {
          request = JSON.parse(raw);
        } catch (error) {
          sink.reject(line, `not valid JSON (${(error as Error).message})`, raw);
          return;
        }
      }
      if (!isObject(request) || !Array.isArray(request.resourceLogs)) {
        const other = isObject(request) ? ['resourceSpans', 'resourceMetrics'].find((k) => k in request) : undefined;
        const why =
          other === undefined ? 'not an OTLP logs export (no resourceLogs)' : `an OTLP export of ${other}, not of logs`;
        sink.reject(line, why, raw);
        return;
      }
      let records = 0;
      for (const { resource, scope, record } of recordsOf(request)) {
        records += 1;
        const outcome = recordToEvent(resource, scope, record, line, ctx.zone);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(line, `log record ${records}: ${outcome.reason}`, outcome.raw);
      }
    });
    return {
      line: (number, text) => assembler.line(number, text),
      end: () => assembler.end(),
    };
  },
};
