// ECS NDJSON: one JSON document per line, mapped one to one into the LogEvent.
import type { Track } from '../../../../shared/logEvent.js';
import type { NewEvent } from '../../case/events.js';
import { authFailureRule } from '../classify.js';
import { field, firstField, isObject } from '../fieldAccess.js';
import { parseTime } from '../time.js';

export interface RecordContext {
  zone: string;
  /** An import-wide track (`--track`) overrides what the records say. */
  track: 'canary' | 'stable' | null;
  service: string | null;
  version: string | null;
}

export type ParseOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

const TRACK_NAMES: Record<string, Track> = {
  canary: 'canary',
  stable: 'stable',
  baseline: 'stable',
  primary: 'stable',
};

function trackOf(value: unknown): Track {
  return typeof value === 'string' ? (TRACK_NAMES[value.trim().toLowerCase()] ?? 'unknown') : 'unknown';
}

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

export function parseEcsRecord(line: string, lineNumber: number, ctx: RecordContext): ParseOutcome {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not valid JSON (${(error as Error).message})` };
  }
  if (!isObject(doc)) return { ok: false, reason: 'not a JSON object' };

  const tsValue = field(doc, '@timestamp');
  if (tsValue === undefined) return { ok: false, reason: 'no @timestamp' };
  const time = parseTime(tsValue, ctx.zone);
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

  const errorStack = text(field(doc, 'error.stack_trace'));
  const event: NewEvent = {
    ts: time.ms,
    tsText: typeof tsValue === 'string' ? tsValue : JSON.stringify(tsValue),
    track: ctx.track ?? trackOf(firstField(doc, ['labels.track', 'labels.release'])),
    service: ctx.service ?? name(field(doc, 'service.name')),
    version: ctx.version ?? name(field(doc, 'service.version')),
    host: name(firstField(doc, ['host.name', 'host.hostname'])),
    level: text(field(doc, 'log.level'))?.toLowerCase() ?? null,
    httpMethod: text(field(doc, 'http.request.method'))?.toUpperCase() ?? null,
    urlPath: text(field(doc, 'url.path')) ?? pathOf(text(field(doc, 'url.original'))),
    status: status.value,
    durationMs: duration.value === null ? null : duration.value / 1e6,
    clientIp: name(firstField(doc, ['client.ip', 'source.ip'])),
    user: name(firstField(doc, ['user.name', 'user.id', 'user.email'])),
    message: text(field(doc, 'message')),
    errorType: text(field(doc, 'error.type')),
    errorMessage: text(field(doc, 'error.message')),
    errorStack,
    fingerprint: null,
    authFailure: false,
    authRule: null,
    sourceLine: lineNumber,
    raw: line,
  };
  const rule = authFailureRule({
    status: event.status,
    eventCategory: field(doc, 'event.category'),
    eventOutcome: field(doc, 'event.outcome'),
  });
  event.authFailure = rule !== null;
  event.authRule = rule;
  return { ok: true, event };
}
