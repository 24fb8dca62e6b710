// ECS NDJSON: one JSON document per line, mapped one to one into the LogEvent.
import type { NewEvent } from '../../case/events.js';
import { ecsAuthenticationFailure } from '../classify.js';
import { field, firstField, isObject } from '../fieldAccess.js';
import { trackLabelOf } from '../tagging.js';
import { parseTime } from '../time.js';
import { environmentOf } from './environment.js';
import { type LogFormat, type NewMetric, blankEvent } from './types.js';

export type ParseOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

export function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  return JSON.stringify(value);
}

/** An identifying field (service, version, host, user): blank means absent. */
export function name(value: unknown): string | null {
  const t = text(value)?.trim();
  return t ? t : null;
}

export function pathOf(urlOriginal: string | null): string | null {
  if (!urlOriginal) return null;
  // Query and fragment first: a "/" inside them is not part of the path.
  const beforeQuery = urlOriginal.split(/[?#]/, 1)[0] ?? '';
  const scheme = beforeQuery.indexOf('://');
  if (scheme === -1) return beforeQuery === '' ? '/' : beforeQuery;
  const slash = beforeQuery.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : beforeQuery.slice(slash);
}

type NumberResult = { ok: true; value: number | null } | { ok: false; reason: string };

export function numberField(value: unknown, name: string): NumberResult {
  if (value === undefined || value === null || value === '') return { ok: true, value: null };
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return { ok: false, reason: `${name} is not a number: ${JSON.stringify(value)}` };
  return { ok: true, value: n };
}

/** The evidence the tagging rules read, as ECS names it (also for metric samples). */
export function tagEvidence(
  doc: Record<string, unknown>,
  into: Pick<NewEvent, 'trackLabel' | 'service' | 'environment' | 'version' | 'host' | 'pod'>,
): void {
  into.trackLabel = trackLabelOf(doc);
  into.service = name(field(doc, 'service.name'));
  into.environment = environmentOf(doc);
  into.version = name(field(doc, 'service.version'));
  // Logstash's own `host` (before its ECS mode) is the host name as text.
  const host = firstField(doc, ['host.name', 'host.hostname']);
  into.host = name(host === undefined && typeof doc.host === 'string' ? doc.host : host);
  into.pod = name(field(doc, 'kubernetes.pod.name'));
}

/** One NDJSON line into one event (track, classification and fingerprint come later: normalise.ts). */
export function parseEcsRecord(line: string, lineNumber: number, zone: string): ParseOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(doc)) return { ok: false, reason: 'not a JSON object' };
  return ecsDocumentToEvent(doc, lineNumber, line, zone);
}

/**
 * One ECS document (an NDJSON line, an Elasticsearch hit's `_source`) into one event; `raw`
 * is the record's text as it will be kept for evidence.
 */
export function ecsDocumentToEvent(
  doc: Record<string, unknown>,
  lineNumber: number,
  raw: string,
  zone: string,
): ParseOutcome {
  const tsValue = field(doc, '@timestamp');
  if (tsValue === undefined) return { ok: false, reason: 'no @timestamp' };
  const time = parseTime(tsValue, zone);
  if (!time.ok) return { ok: false, reason: `@timestamp: ${time.reason}` };

  const status = numberField(field(doc, 'http.response.status_code'), 'http.response.status_code');
  if (!status.ok) return status;
  if (status.value !== null && !(Number.isInteger(status.value) && status.value >= 100 && status.value <= 599)) {
    return { ok: false, reason: `http.response.status_code ${status.value} is not an HTTP status` };
  }
  // ECS `event.duration` is in nanoseconds.
  const duration = numberField(field(doc, 'event.duration'), 'event.duration');
  if (!duration.ok) return duration;
  if (duration.value !== null && duration.value < 0) {
    return { ok: false, reason: `event.duration ${duration.value} is negative` };
  }

  const event = blankEvent(lineNumber, raw, time.ms, typeof tsValue === 'string' ? tsValue : JSON.stringify(tsValue));
  tagEvidence(doc, event);
  event.level = text(field(doc, 'log.level'))?.toLowerCase() ?? null;
  event.httpMethod = text(field(doc, 'http.request.method'))?.toUpperCase() ?? null;
  event.urlPath =
    text(field(doc, 'url.path')) ?? pathOf(text(field(doc, 'url.original')) ?? text(field(doc, 'url.full')));
  event.status = status.value;
  event.durationMs = duration.value === null ? null : duration.value / 1e6;
  event.clientIp = name(firstField(doc, ['client.ip', 'source.ip']));
  event.user = name(firstField(doc, ['user.name', 'user.id', 'user.email']));
  event.message = text(field(doc, 'message'));
  event.errorType = text(field(doc, 'error.type'));
  event.errorMessage = text(field(doc, 'error.message'));
  event.errorStack = text(field(doc, 'error.stack_trace'));
  if (ecsAuthenticationFailure(field(doc, 'event.category'), field(doc, 'event.outcome'))) {
    event.authRule = 'ecs-authentication-failure';
  }
  return { ok: true, event };
}

/**
 * The metric fields read from metric documents (Metricbeat, Elastic Agent, APM metricsets),
 * each kept as one sample named by its ECS field, with its value as the document gives it
 * (`*.pct` fields are fractions, 0.25 = 25 %; `system.load.*` a load average).
 */
export const METRIC_FIELDS = [
  'system.cpu.total.norm.pct',
  'system.cpu.total.pct',
  'host.cpu.usage',
  'system.memory.actual.used.pct',
  'system.memory.used.pct',
  'process.cpu.pct',
  'process.memory.pct',
  'system.process.cpu.total.norm.pct',
  'system.process.cpu.total.pct',
  'system.process.memory.rss.pct',
  'system.load.1',
  'system.load.5',
  'system.load.15',
  'kubernetes.pod.cpu.usage.node.pct',
  'kubernetes.pod.memory.usage.node.pct',
  'kubernetes.container.cpu.usage.node.pct',
  'kubernetes.container.memory.usage.node.pct',
  'docker.cpu.total.pct',
  'docker.memory.usage.pct',
] as const;

export type DocumentOutcome =
  { ok: true; event: NewEvent | null; metrics: NewMetric[] } | { ok: false; reason: string };

/** Metricbeat and Elastic Agent name the metricset of every metric document they write. */
function isMetricDocument(doc: Record<string, unknown>): boolean {
  return Object.hasOwn(doc, 'metricset') || Object.hasOwn(doc, 'metricset.name');
}

/**
 * One ECS document into what it holds: an event, metric samples, or both. A metric document
 * (one with `metricset.name`) gives one sample per field of METRIC_FIELDS it carries; it is an
 * event too only when it also says something an event says (a message, an error, an HTTP
 * status), so CPU readings never count as log lines or requests. `toEvent` maps the event
 * (the ECS mapping; a reader of documents of any shape passes the JSON lines aliases).
 */
export function ecsDocumentRecords(
  doc: Record<string, unknown>,
  lineNumber: number,
  raw: string,
  zone: string,
  toEvent: typeof ecsDocumentToEvent = ecsDocumentToEvent,
): DocumentOutcome {
  if (!isMetricDocument(doc)) {
    const outcome = toEvent(doc, lineNumber, raw, zone);
    return outcome.ok ? { ok: true, event: outcome.event, metrics: [] } : outcome;
  }
  const tsValue = field(doc, '@timestamp');
  if (tsValue === undefined) return { ok: false, reason: 'no @timestamp' };
  const time = parseTime(tsValue, zone);
  if (!time.ok) return { ok: false, reason: `@timestamp: ${time.reason}` };
  const evidence = { trackLabel: null, service: null, environment: null, version: null, host: null, pod: null };
  tagEvidence(doc, evidence);
  const metrics: NewMetric[] = [];
  for (const metric of METRIC_FIELDS) {
    const value = numberField(field(doc, metric), metric);
    if (!value.ok) return value;
    if (value.value === null) continue;
    metrics.push({
      sourceLine: lineNumber,
      ts: time.ms,
      track: 'unknown',
      trackRule: null,
      ...evidence,
      name: metric,
      value: value.value,
    });
  }
  const saysMore =
    name(field(doc, 'message')) !== null ||
    firstField(doc, ['error.type', 'error.message', 'error.stack_trace', 'http.response.status_code']) !== undefined;
  let event: NewEvent | null = null;
  if (saysMore) {
    const outcome = toEvent(doc, lineNumber, raw, zone);
    if (!outcome.ok) return outcome;
    event = outcome.event;
  }
  if (event === null && metrics.length === 0) {
    const set = text(field(doc, 'metricset.name')) ?? '?';
    return {
      ok: false,
      reason: `metric document (metricset ${set}) holds none of the metrics Coalmine reads and no message`,
    };
  }
  return { ok: true, event, metrics };
}

// An Elasticsearch `_search` response (or a hit) saved one per line also starts with `{` and
// holds `@timestamp` (inside its hits or `_source`): it is not an ECS document.
const SEARCH_RESPONSE_START =
  /^\s*\{\s*"(?:took|_scroll_id|pit_id|hits|responses|timed_out|_index|_id|_source|_type)"\s*:/;

// A search response wrapped in something else (Kibana's Inspect: `{"id":…,"rawResponse":{…}}`).
const SEARCH_HITS = /"hits"\s*:\s*\{[^]*"hits"\s*:\s*\[/;

/**
 * A line Logstash's `json` / `json_lines` codec wrote (it adds `@version`) from an event that
 * is not ECS (no `ecs` field): its fields (`level`, `stack_trace`, `HOSTNAME`, …) are read
 * through the JSON lines aliases, not the ECS mapping, although it carries `@timestamp`.
 */
export function isLogstashLine(line: string): boolean {
  return /"@version"\s*:/.test(line) && !/"ecs(?:\.version)?"\s*:/.test(line);
}

export const ecsNdjsonFormat: LogFormat = {
  name: 'ecs-ndjson',
  label: 'ECS NDJSON (one Elastic Common Schema document per line)',
  probe(sample) {
    let objects = 0;
    let stamped = 0;
    for (const line of sample) {
      const trimmed = line.trim();
      if (!trimmed.startsWith('{') || SEARCH_RESPONSE_START.test(trimmed) || SEARCH_HITS.test(trimmed)) continue;
      objects += 1;
      if (/"@timestamp"\s*:/.test(trimmed) && !isLogstashLine(trimmed)) stamped += 1;
    }
    // A few broken lines do not make it another format; most lines must be JSON objects, and
    // `@timestamp` on them is what tells ECS from other JSON lines.
    if (sample.length === 0 || objects / sample.length < 0.5) return 0;
    return 0.5 + 0.5 * (stamped / sample.length);
  },
  open(ctx, sink) {
    return {
      line(number, text) {
        if (text.trim() === '') return;
        let doc: unknown;
        try {
          doc = JSON.parse(text);
        } catch (error) {
          sink.reject(number, `not valid JSON (${(error as Error).message})`, text);
          return;
        }
        if (!isObject(doc)) {
          sink.reject(number, 'not a JSON object', text);
          return;
        }
        const outcome = ecsDocumentRecords(doc, number, text, ctx.zone);
        if (!outcome.ok) {
          sink.reject(number, outcome.reason, text);
          return;
        }
        if (outcome.event) sink.event(outcome.event);
        for (const sample of outcome.metrics) sink.metric(sample);
      },
      end() {},
    };
  },
};
