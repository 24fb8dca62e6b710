// ECS NDJSON: one JSON document per line, mapped one to one into the LogEvent.
import type { NewEvent } from '../../case/events.js';
import { ecsAuthenticationFailure } from '../classify.js';
import { field, firstField, isObject } from '../fieldAccess.js';
import { parseTime } from '../time.js';
import { type LogFormat, blankEvent } from './types.js';

export type ParseOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  return JSON.stringify(value);
}

/** An identifying field (service, version, host, user): blank means absent. */
function name(value: unknown): string | null {
  const t = text(value)?.trim();
  return t ? t : null;
}

function pathOf(urlOriginal: string | null): string | null {
  if (!urlOriginal) return null;
  // Query and fragment first: a "/" inside them is not part of the path.
  const beforeQuery = urlOriginal.split(/[?#]/, 1)[0] ?? '';
  const scheme = beforeQuery.indexOf('://');
  if (scheme === -1) return beforeQuery === '' ? '/' : beforeQuery;
  const slash = beforeQuery.indexOf('/', scheme + 3);
  return slash === -1 ? '/' : beforeQuery.slice(slash);
}

type NumberResult = { ok: true; value: number | null } | { ok: false; reason: string };

function numberField(value: unknown, name: string): NumberResult {
  if (value === undefined || value === null || value === '') return { ok: true, value: null };
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isFinite(n)) return { ok: false, reason: `${name} is not a number: ${JSON.stringify(value)}` };
  return { ok: true, value: n };
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
  const label = firstField(doc, ['labels.track', 'labels.release']);
  event.trackLabel = typeof label === 'string' ? label : null;
  event.service = name(field(doc, 'service.name'));
  event.version = name(field(doc, 'service.version'));
  event.host = name(firstField(doc, ['host.name', 'host.hostname']));
  event.pod = name(field(doc, 'kubernetes.pod.name'));
  event.level = text(field(doc, 'log.level'))?.toLowerCase() ?? null;
  event.httpMethod = text(field(doc, 'http.request.method'))?.toUpperCase() ?? null;
  event.urlPath = text(field(doc, 'url.path')) ?? pathOf(text(field(doc, 'url.original')));
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

export const ecsNdjsonFormat: LogFormat = {
  name: 'ecs-ndjson',
  label: 'ECS NDJSON (one Elastic Common Schema document per line)',
  probe(sample) {
    let objects = 0;
    let stamped = 0;
    for (const line of sample) {
      const trimmed = line.trim();
      if (!trimmed.startsWith('{')) continue;
      objects += 1;
      if (/"@timestamp"\s*:/.test(trimmed)) stamped += 1;
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
        const outcome = parseEcsRecord(text, number, ctx.zone);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
