// JSON lines that are not ECS: Logstash (`@version`, no `ecs`), Bunyan, pino, journald (`journalctl -o json`), zap,
// and Elasticsearch's own JSON server log, whose records can span several lines (a
// pretty-printed `"stacktrace": [...]`). Each document's fields are found through aliases
// (ECS names first) and mapped into the LogEvent; a record is the lines from one that opens
// a JSON object to the one that closes it.
import type { NewEvent } from '../../case/events.js';
import { ecsAuthenticationFailure } from '../classify.js';
import { field, firstField, isObject } from '../fieldAccess.js';
import { trackLabelOf } from '../tagging.js';
import { type TimeResult, parseTime } from '../time.js';
import { isLogstashLine, name, numberField, pathOf, text } from './ecsNdjson.js';
import { type LogFormat, type RecordSink, blankEvent } from './types.js';

/** A record still open after this many lines or characters is rejected, not held in memory. */
export const MAX_RECORD_LINES = 10_000;
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

type Doc = Record<string, unknown>;

/** Time fields, in the order they are looked for. */
const TIME_FIELDS = ['@timestamp', 'timestamp', 'time', 'ts', '__REALTIME_TIMESTAMP', 'date', 'datetime'] as const;

// Epoch numbers in 1990–2099 have one reading per unit: seconds below 1e11, milliseconds
// below 1e14, microseconds below 1e17, nanoseconds above (zap writes seconds, pino ms,
// journald µs); parseTime then rejects anything outside those years.
function epochMs(n: number): number {
  if (Math.abs(n) < 1e11) return n * 1000;
  if (Math.abs(n) < 1e14) return n;
  if (Math.abs(n) < 1e17) return n / 1000;
  return n / 1e6;
}

const EPOCH_TEXT = /^\d{9,19}(?:\.\d+)?$/;

function timeOf(doc: Doc, zone: string): { result: TimeResult; text: string; key: string } | null {
  for (const key of TIME_FIELDS) {
    const value = field(doc, key);
    if (value === undefined || value === null || value === '') continue;
    const shown = typeof value === 'string' ? value : JSON.stringify(value);
    if (key === '__REALTIME_TIMESTAMP') {
      // journald: microseconds since the epoch, as a decimal string.
      const us = typeof value === 'string' && /^\d{1,19}$/.test(value) ? Number(value) : NaN;
      const result: TimeResult = Number.isFinite(us)
        ? parseTime(Math.floor(us / 1000), zone)
        : { ok: false, reason: `${JSON.stringify(value)} is not microseconds since the epoch` };
      return { result, text: shown, key };
    }
    if (typeof value === 'number') return { result: parseTime(epochMs(value), zone), text: shown, key };
    if (typeof value === 'string' && EPOCH_TEXT.test(value.trim())) {
      return { result: parseTime(epochMs(Number(value.trim())), zone), text: shown, key };
    }
    return { result: parseTime(value, zone), text: shown, key };
  }
  return null;
}

const PINO_LEVELS: [number, string][] = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [0, 'trace'],
];
const SYSLOG_SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];

/** Level names as written (lower case); Bunyan/pino numbers (10..60) and syslog 0..7 as names. */
function levelOf(doc: Doc): string | null {
  const priority = doc.PRIORITY;
  if ((typeof priority === 'string' || typeof priority === 'number') && /^[0-7]$/.test(String(priority))) {
    return SYSLOG_SEVERITIES[Number(priority)] ?? null;
  }
  const value = firstField(doc, ['log.level', 'level', 'severity', 'loglevel', 'levelname']);
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value >= 0 && value <= 7) return SYSLOG_SEVERITIES[value] ?? null;
    if (value >= 10) return PINO_LEVELS.find(([floor]) => value >= floor)?.[1] ?? null;
    return String(value);
  }
  return text(value)?.trim().toLowerCase() || null;
}

/** journald writes a message that is not valid UTF-8 as an array of bytes. */
function messageOf(doc: Doc): string | null {
  const value = firstField(doc, ['message', 'msg', 'MESSAGE', 'log', '@message']);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return new TextDecoder().decode(Uint8Array.from(value as number[]));
  }
  return text(value);
}

/** An HTTP status from a field other than ECS's: taken only when it is one. */
function httpStatus(value: unknown): number | null {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

function nonNegative(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 ? n : null;
}

/** Duration in ms: ECS `event.duration` (ns); `*_ms`, pino-http `responseTime` (ms); nginx `request_time` (s). */
function durationOf(doc: Doc): { ok: true; value: number | null } | { ok: false; reason: string } {
  const ecs = numberField(field(doc, 'event.duration'), 'event.duration');
  if (!ecs.ok) return ecs;
  if (ecs.value !== null) {
    if (ecs.value < 0) return { ok: false, reason: `event.duration ${ecs.value} is negative` };
    return { ok: true, value: ecs.value / 1e6 };
  }
  const ms = nonNegative(
    firstField(doc, ['duration_ms', 'responseTime', 'response_time_ms', 'latency_ms', 'elapsed_ms']),
  );
  if (ms !== null) return { ok: true, value: ms };
  const seconds = nonNegative(field(doc, 'request_time'));
  return { ok: true, value: seconds === null ? null : seconds * 1000 };
}

interface ErrorFields {
  type: string | null;
  message: string | null;
  stack: string | null;
}

/** ECS `error.*`; Bunyan/pino `err`; a string or object `error`; `stack_trace`; ES's `stacktrace` array. */
function errorOf(doc: Doc): ErrorFields {
  const out: ErrorFields = {
    type: text(field(doc, 'error.type')),
    message: text(field(doc, 'error.message')),
    stack: text(field(doc, 'error.stack_trace')),
  };
  for (const key of ['err', 'error', 'exception', 'thrown']) {
    const value = doc[key];
    if (typeof value === 'string' && value.trim() !== '') {
      if (/\n\s+at |\n\s+File "/.test(value)) out.stack ??= value;
      else out.message ??= value;
    } else if (isObject(value)) {
      out.type ??= text(value.type ?? value.name ?? value.class ?? value.kind);
      out.message ??= text(value.message);
      out.stack ??= text(value.stack ?? value.stack_trace ?? value.stacktrace ?? value.extendedStackTrace);
    }
  }
  out.stack ??= text(firstField(doc, ['stack_trace', 'stacktrace', 'stack', 'exc_info']));
  return out;
}

/** One JSON document of any of these shapes into an event. */
export function jsonDocumentToEvent(
  doc: Doc,
  lineNumber: number,
  raw: string,
  zone: string,
): { ok: true; event: NewEvent } | { ok: false; reason: string } {
  const time = timeOf(doc, zone);
  if (time === null) return { ok: false, reason: `no time (looked for ${TIME_FIELDS.join(', ')})` };
  if (!time.result.ok) return { ok: false, reason: `${time.key}: ${time.result.reason}` };

  const ecsStatus = numberField(field(doc, 'http.response.status_code'), 'http.response.status_code');
  if (!ecsStatus.ok) return ecsStatus;
  if (ecsStatus.value !== null && httpStatus(ecsStatus.value) === null) {
    return { ok: false, reason: `http.response.status_code ${ecsStatus.value} is not an HTTP status` };
  }
  const duration = durationOf(doc);
  if (!duration.ok) return duration;

  const event = blankEvent(lineNumber, raw, time.result.ms, time.text);
  event.trackLabel = trackLabelOf(doc);
  event.service = name(firstField(doc, ['service.name', 'service', 'name', 'SYSLOG_IDENTIFIER', 'app', 'application']));
  event.version = name(firstField(doc, ['service.version', 'version', 'app_version']));
  const host = firstField(doc, ['host.name', 'host.hostname', 'hostname', '_HOSTNAME', 'HOSTNAME']);
  event.host = name(host ?? (typeof doc.host === 'string' ? doc.host : field(doc, 'node.name')));
  event.pod = name(firstField(doc, ['kubernetes.pod.name', 'kubernetes.pod_name', 'pod', 'pod_name']));
  event.level = levelOf(doc);
  event.httpMethod =
    text(firstField(doc, ['http.request.method', 'method', 'req.method', 'request.method']))?.toUpperCase() ?? null;
  event.urlPath =
    text(field(doc, 'url.path')) ??
    pathOf(text(firstField(doc, ['url.original', 'req.url', 'request.url', 'uri', 'url'])));
  event.status =
    ecsStatus.value ??
    httpStatus(firstField(doc, ['status', 'statusCode', 'status_code', 'res.statusCode', 'response.status']));
  event.durationMs = duration.value;
  event.clientIp = name(
    firstField(doc, ['client.ip', 'source.ip', 'remote_addr', 'remoteAddress', 'req.remoteAddress', 'client_ip', 'ip']),
  );
  const user = firstField(doc, ['user.name', 'user.id', 'user.email', 'username', 'user_name']);
  event.user = name(user ?? (typeof doc.user === 'string' ? doc.user : undefined));
  event.message = messageOf(doc);
  const error = errorOf(doc);
  event.errorType = error.type;
  event.errorMessage = error.message;
  event.errorStack = error.stack;
  if (ecsAuthenticationFailure(field(doc, 'event.category'), field(doc, 'event.outcome'))) {
    event.authRule = 'ecs-authentication-failure';
  }
  return { ok: true, event };
}

/**
 * Assembles JSON records from lines: a record starts on a line that begins with `{` and ends
 * on the line where that object closes. Strings and their escapes are followed, so a brace in
 * a message is text. A string cannot span lines in JSON, so a line that ends inside one ends
 * its record as broken; a `{` at the start of a line while a record is open means that record
 * was cut short (pretty-printed documents indent their inner lines).
 */
export class JsonRecordAssembler {
  private startLine = 0;
  private lines: string[] = [];
  private chars = 0;
  private depth = 0;
  /** Set once an over-long record has been rejected: its remaining lines are skipped. */
  private discarding = false;

  constructor(
    private readonly sink: Pick<RecordSink, 'reject'>,
    /** A finished record: its first line, its text, and its value when already parsed. */
    private readonly record: (line: number, raw: string, parsed?: unknown) => void,
  ) {}

  line(number: number, text: string): void {
    if (this.depth > 0 && text.startsWith('{')) {
      this.fail(`JSON record not closed before the next one at line ${number} (truncated)`);
    }
    if (this.depth === 0) {
      const trimmed = text.trim();
      if (trimmed === '') return;
      if (!trimmed.startsWith('{')) {
        this.sink.reject(number, 'not a JSON object', text);
        return;
      }
      // Nearly every record is one whole line: try that before scanning characters.
      if (trimmed.endsWith('}')) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(trimmed);
        } catch {
          parsed = undefined; // not one whole document: scan it
        }
        if (parsed !== undefined) {
          this.record(number, text, parsed);
          return;
        }
      }
      this.startLine = number;
      this.lines = [];
      this.chars = 0;
      this.discarding = false;
    }
    if (!this.discarding) {
      this.lines.push(text);
      this.chars += text.length + 1;
    }
    const closed = this.scan(text);
    if (closed === 'string') {
      this.fail(`line ${number} ends inside a JSON string (a string cannot span lines)`);
    } else if (closed === 'closed') {
      const raw = this.lines.join('\n');
      const wasDiscarding = this.discarding;
      this.reset();
      if (!wasDiscarding) this.record(this.startLine, raw);
    } else if (!this.discarding && (this.lines.length > MAX_RECORD_LINES || this.chars > MAX_RECORD_CHARS)) {
      this.sink.reject(
        this.startLine,
        `JSON record longer than ${MAX_RECORD_LINES} lines or ${MAX_RECORD_CHARS / 1024 / 1024} MiB; skipped to its end`,
        this.lines.join('\n'),
      );
      this.discarding = true;
      this.lines = [];
    }
  }

  end(): void {
    if (this.depth > 0) this.fail('the file ends inside this JSON record (truncated)');
  }

  private fail(reason: string): void {
    if (!this.discarding) this.sink.reject(this.startLine, reason, this.lines.join('\n'));
    this.reset();
  }

  private reset(): void {
    this.depth = 0;
    this.lines = [];
    this.chars = 0;
    this.discarding = false;
  }

  /** Follows `text`; 'closed' when the record's object closed on it, 'string' if it ends inside a string. */
  private scan(text: string): 'open' | 'closed' | 'string' {
    let inString = false;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (inString) {
        if (c === 0x5c) i += 1;
        else if (c === 0x22) inString = false;
      } else if (c === 0x22) {
        inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        this.depth += 1;
      } else if (c === 0x7d || c === 0x5d) {
        this.depth -= 1;
        if (this.depth === 0) return 'closed';
      }
    }
    return inString ? 'string' : 'open';
  }
}

// Keys that mark a JSON line as one of these shapes rather than ECS.
const ALIAS_KEYS =
  /"(?:time|timestamp|ts|__REALTIME_TIMESTAMP|msg|MESSAGE|hostname|_HOSTNAME|level|PRIORITY|SYSLOG_IDENTIFIER|stacktrace)"\s*:/;

export const jsonLinesFormat: LogFormat = {
  name: 'json-lines',
  label: 'JSON lines (Logstash, Bunyan, pino, journald, zap, Elasticsearch server log)',
  probe(sample) {
    let objects = 0;
    let stamped = 0;
    let aliased = 0;
    for (const line of sample) {
      if (!line.startsWith('{')) continue;
      objects += 1;
      const logstash = isLogstashLine(line);
      if (/"@timestamp"\s*:/.test(line) && !logstash) stamped += 1;
      if (logstash || ALIAS_KEYS.test(line)) aliased += 1;
    }
    if (objects === 0) return 0;
    // ECS documents (`@timestamp`, not Logstash's) belong to ecs-ndjson, which scores them 0.5 and up.
    if (stamped * 2 >= objects) return 0.3;
    // Multi-line records leave fewer lines starting with `{`; the first one still must.
    if (!sample[0]?.startsWith('{')) return 0;
    return aliased * 2 >= objects ? 0.9 : 0.4;
  },
  open(ctx, sink) {
    const assembler = new JsonRecordAssembler(sink, (line, raw, parsed) => {
      let doc = parsed;
      if (doc === undefined) {
        try {
          doc = JSON.parse(raw);
        } catch (error) {
          sink.reject(line, `not valid JSON (${(error as Error).message})`, raw);
          return;
        }
      }
      if (!isObject(doc)) {
        sink.reject(line, 'not a JSON object', raw);
        return;
      }
      const outcome = jsonDocumentToEvent(doc, line, raw, ctx.zone);
      if (outcome.ok) sink.event(outcome.event);
      else sink.reject(line, outcome.reason, raw);
    });
    return {
      line: (number, text) => assembler.line(number, text),
      end: () => assembler.end(),
    };
  },
};
