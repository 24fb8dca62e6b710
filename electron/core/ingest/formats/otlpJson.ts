// OpenTelemetry logs as OTLP/JSON: what the Collector's file exporter writes (one
// ExportLogsServiceRequest a line, `{"resourceLogs":[…]}`) and what an OTLP/HTTP JSON body
// holds (pretty-printed too). One line carries many records: each `logRecords[]` entry is an
// event, at that line, in the context of its resource (service, version, pod, environment).
// Attributes are typed values (`{"stringValue": …}`, `{"intValue": "401"}`); they are unwrapped
// and their OpenTelemetry semantic-convention names (current and the older ones still common)
// are given their ECS names, the two being one schema since OpenTelemetry adopted ECS (the
// deployment environment keeps its OTel names, which environment.ts reads in their order), so the
// record is then read exactly as a JSON document is (jsonLines.ts: tagging labels, errors,
// authentication outcome). The time is `timeUnixNano`, else `observedTimeUnixNano` (0 is unset).
import type { NewEvent } from '../../case/events.js';
import { JsonRecordAssembler, jsonDocumentToEvent } from './jsonLines.js';
import type { LogFormat } from './types.js';
import { inSupportedYears } from '../time.js';

type Doc = Record<string, unknown>;

/** Semantic-convention attribute → the ECS field the JSON mapping reads. Others keep their name. */
const ECS_NAME: Record<string, string> = {
  'http.method': 'http.request.method',
  'http.status_code': 'http.response.status_code',
  'k8s.pod.name': 'kubernetes.pod.name',
  'k8s.namespace.name': 'kubernetes.namespace',
  'k8s.container.name': 'container.name',
  'client.address': 'client.ip',
  'http.client_ip': 'client.ip',
  'net.sock.peer.addr': 'client.ip',
  'enduser.id': 'user.name',
  'exception.type': 'error.type',
  'exception.message': 'error.message',
  'exception.stacktrace': 'error.stack_trace',
  trace_id: 'trace.id',
  span_id: 'span.id',
  // OpenTelemetry's error.type is a class of failure (`500`, `timeout`), not an exception's
  // type as ECS's is: exceptions come as exception.*.
  'error.type': 'otel.error.type',
};
/** Kubernetes pod labels as the Collector's k8sattributes processor names them, and as ECS does. */
const POD_LABEL = /^k8s\.pod\.labels?\./;

// Severity numbers by range (the log data model's table).
const SEVERITIES = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Values nested deeper than this are refused: no telemetry nests so deep; a hostile file may. */
const MAX_DEPTH = 64;

class RecordProblem extends Error {}

/** Sets `key` on `doc` as its own property, even `__proto__`. */
function put(doc: Doc, key: string, value: unknown): void {
  Object.defineProperty(doc, key, { value, enumerable: true, writable: true, configurable: true });
}

/** An AnyValue as plain JSON. */
function plain(value: unknown, depth = 0): unknown {
  if (depth > MAX_DEPTH) throw new RecordProblem(`a value nested deeper than ${MAX_DEPTH} levels`);
  if (!isObject(value)) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('intValue' in value) {
    // int64 travels as a string: kept as written when a number would not hold it.
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : value.intValue;
  }
  if ('doubleValue' in value) return value.doubleValue;
  if ('boolValue' in value) return value.boolValue;
  if ('bytesValue' in value) return value.bytesValue;
  if (isObject(value.arrayValue)) {
    const values = value.arrayValue.values;
    return Array.isArray(values) ? values.map((v) => plain(v, depth + 1)) : [];
  }
  if (isObject(value.kvlistValue)) {
    const doc: Doc = {};
    for (const [k, v] of pairs(value.kvlistValue.values, depth + 1)) put(doc, k, v);
    return doc;
  }
  return null;
}

/** `[{key, value}]` as entries, the keys as written. */
function pairs(list: unknown, depth = 0): [string, unknown][] {
  if (!Array.isArray(list)) return [];
  return list
    .filter((kv): kv is Doc => isObject(kv) && typeof kv.key === 'string')
    .map((kv) => [kv.key as string, plain(kv.value, depth)]);
}

function ecsName(key: string): string {
  if (POD_LABEL.test(key)) return key.replace(POD_LABEL, 'kubernetes.labels.');
  // http.target held the query too; url.path is the path.
  return ECS_NAME[key] ?? key;
}

/** Nanoseconds since the epoch (a string of digits, or a number) as ms; null when unset (0 or absent). */
function nanosToMs(value: unknown, field: string): number | null {
  if (value === undefined || value === null || value === '' || value === 0) return null;
  const digits = typeof value === 'number' ? String(Math.trunc(value)) : typeof value === 'string' ? value : '';
  if (/^0+$/.test(digits)) return null;
  if (!/^\d{1,19}$/.test(digits)) {
    throw new RecordProblem(`${field} ${JSON.stringify(value).slice(0, 40)} is not nanoseconds since 1970`);
  }
  const ms = digits.length <= 6 ? 0 : Number(digits.slice(0, -6));
  if (!inSupportedYears(ms)) throw new RecordProblem(`${field} ${digits} is outside 1990–2099`);
  return ms;
}

/** The standard level of `severityNumber`'s range, else `severityText` as written; null when neither. */
function levelOf(record: Doc): string | null {
  const number = typeof record.severityNumber === 'number' ? record.severityNumber : null;
  if (number !== null && number >= 1 && number <= 24) return SEVERITIES[Math.floor((number - 1) / 4)] ?? null;
  return typeof record.severityText === 'string' && record.severityText !== '' ? record.severityText : null;
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
  let raw = '';
  try {
    raw = JSON.stringify({ resource: { attributes: Object.fromEntries(resource) }, scope, logRecord: record });
    const ms =
      nanosToMs(record.timeUnixNano, 'timeUnixNano') ?? nanosToMs(record.observedTimeUnixNano, 'observedTimeUnixNano');
    if (ms === null) return { ok: false, reason: 'neither timeUnixNano nor observedTimeUnixNano is set', raw };
    const doc: Doc = {};
    for (const [key, value] of [...resource, ...pairs(record.attributes)]) put(doc, ecsName(key), value);
    const target = doc['http.target'];
    if (typeof target === 'string' && doc['url.path'] === undefined) put(doc, 'url.path', target.split(/[?#]/, 1)[0]);
    const body = plain(record.body);
    if (isObject(body)) for (const [key, value] of Object.entries(body)) put(doc, key, value);
    else if (body !== null) put(doc, 'message', typeof body === 'string' ? body : JSON.stringify(body));
    if (typeof record.traceId === 'string' && record.traceId !== '') put(doc, 'trace.id', record.traceId);
    if (typeof record.spanId === 'string' && record.spanId !== '') put(doc, 'span.id', record.spanId);
    // Without a severity, a structured body's own level stands.
    const level = levelOf(record);
    if (level !== null) put(doc, 'log.level', level);
    put(doc, '@timestamp', new Date(ms).toISOString());
    const outcome = jsonDocumentToEvent(doc, lineNumber, raw, zone);
    if (outcome.ok && typeof record.timeUnixNano === 'string') outcome.event.tsText = record.timeUnixNano;
    return { ...outcome, raw };
  } catch (error) {
    if (error instanceof RecordProblem) return { ok: false, reason: error.message, raw };
    // JSON.stringify and JSON.parse nest deeper than the stack: the record cannot be shown.
    if (error instanceof RangeError) return { ok: false, reason: 'a value nested too deeply to read', raw };
    throw error;
  }
}

/** A resource's attributes, or what is wrong with them (each of its records is rejected with it). */
function resourceOf(resourceLogs: Doc): [string, unknown][] | RecordProblem {
  try {
    return pairs(isObject(resourceLogs.resource) ? resourceLogs.resource.attributes : undefined);
  } catch (error) {
    if (error instanceof RecordProblem) return new RecordProblem(`its resource holds ${error.message}`);
    if (error instanceof RangeError) return new RecordProblem('its resource holds a value nested too deeply to read');
    throw error;
  }
}

/** Every log record of an ExportLogsServiceRequest, in its resource and scope. */
function* recordsOf(
  request: Doc,
): Generator<{ resource: [string, unknown][] | RecordProblem; scope: unknown; record: Doc }> {
  for (const resourceLogs of Array.isArray(request.resourceLogs) ? request.resourceLogs : []) {
    if (!isObject(resourceLogs)) continue;
    const resource = resourceOf(resourceLogs);
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
        if (resource instanceof RecordProblem) {
          sink.reject(line, `log record ${records}: ${resource.message}`, raw.slice(0, 4096));
          continue;
        }
        const outcome = recordToEvent(resource, scope, record, line, ctx.zone);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(line, `log record ${records}: ${outcome.reason}`, outcome.raw || raw.slice(0, 4096));
      }
    });
    return {
      line: (number, text) => assembler.line(number, text),
      end: () => assembler.end(),
    };
  },
};
