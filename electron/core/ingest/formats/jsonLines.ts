// JSON lines that are not ECS: Logstash (`@version`, no `ecs`), Bunyan, pino, winston, zap,
// logrus, slog, structlog, python-json-logger, journald (`journalctl -o json`), nginx's and
// Caddy's JSON access logs, Google Cloud's LogEntry, log4j2's JsonLayout, Docker's json-file,
// and Elasticsearch's own JSON server log, whose records can span several lines (a
// pretty-printed `"stacktrace": [...]`). Each document's fields are found through aliases
// (ECS names first) and mapped into the LogEvent; a record is the lines from one that opens
// a JSON object to the one that closes it.
import type { NewEvent } from '../../case/events.js';
import { ecsAuthenticationFailure } from '../classify.js';
import { field, firstField, isObject } from '../fieldAccess.js';
import { trackLabelOf } from '../tagging.js';
import { type TimeResult, parseTime } from '../time.js';
import { envoyCluster, parseAccessTime } from './accessLog.js';
import { isLogstashLine, name, numberField, pathOf, text } from './ecsNdjson.js';
import { environmentOf } from './environment.js';
import { type LogFormat, type RecordSink, blankEvent } from './types.js';
import { clip } from '../clip.js';

/** A record still open after this many lines or characters is rejected, not held in memory. */
export const MAX_RECORD_LINES = 10_000;
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

type Doc = Record<string, unknown>;

/**
 * Time fields, in the order they are looked for: ECS, the loggers' own names, journald's µs,
 * nginx's `$time_iso8601` / `$time_local` / `$msec`, Python's `asctime` / `created`, log4j2's
 * `instant` / `timeMillis`.
 */
const TIME_FIELDS = [
  '@timestamp',
  'timestamp',
  'time',
  'ts',
  '__REALTIME_TIMESTAMP',
  'date',
  'datetime',
  'time_iso8601',
  'time_local',
  'msec',
  'asctime',
  'created',
  'instant',
  'timeMillis',
  'start_time', // Envoy's and Istio's JSON access log
] as const;

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

/** A whole-number field of a time object (`"seconds": 1700000000` or `"1700000000"`). */
function integerIn(value: unknown): number | null {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,19}$/.test(value) ? Number(value) : NaN;
  return Number.isInteger(n) ? n : null;
}

/**
 * A time written as an object: protobuf's Timestamp (`{seconds, nanos}`, Google Cloud's
 * LogEntry), log4j2's Instant (`{epochSecond, nanoOfSecond}`), MongoDB's `{"$date": …}`.
 */
function objectTime(value: Record<string, unknown>, zone: string): TimeResult | null {
  const seconds = integerIn(value.seconds ?? value.epochSecond);
  if (seconds !== null) {
    const nanos = integerIn(value.nanos ?? value.nanoOfSecond) ?? 0;
    return parseTime(seconds * 1000 + Math.floor(nanos / 1e6), zone);
  }
  const date = value.$date;
  if (typeof date === 'string' || typeof date === 'number') return parseTime(date, zone);
  return null;
}

// A written time that ends with its offset (`Z`, `+01:00`, `+0100`, `-07`) names its instant;
// one without (`2024-05-01 10:00:00,123`) was read in the import's zone, a guess.
const ENDS_WITH_OFFSET = /\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[Zz]|[+-]\d{2}(?::?\d{2})?)$/;

interface DocumentTime {
  result: TimeResult;
  text: string;
  key: string;
  /** The value names its instant (an epoch, or a time with an offset), not only a wall-clock time. */
  exact: boolean;
}

function timeOf(doc: Doc, zone: string): DocumentTime | null {
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
      return { result, text: shown, key, exact: true };
    }
    if (typeof value === 'number') return { result: parseTime(epochMs(value), zone), text: shown, key, exact: true };
    if (isObject(value)) {
      const result = objectTime(value, zone) ?? { ok: false, reason: `${clip(shown)} is not a time` };
      const date = value.$date;
      return { result, text: shown, key, exact: typeof date !== 'string' || ENDS_WITH_OFFSET.test(date.trim()) };
    }
    if (typeof value === 'string' && EPOCH_TEXT.test(value.trim())) {
      return { result: parseTime(epochMs(Number(value.trim())), zone), text: shown, key, exact: true };
    }
    const written = typeof value === 'string' ? goTimeString(value) : value;
    let result = parseTime(written, zone);
    // nginx's $time_local (and Logstash's grok `timestamp`): `17/Dec/2018:10:47:58 +0800`.
    if (!result.ok && typeof value === 'string' && /^\d{2}\/[A-Z][a-z]{2}\/\d{4}:/.test(value)) {
      result = parseAccessTime(value);
    }
    const exact =
      typeof written === 'string' && (ENDS_WITH_OFFSET.test(written.trim()) || /^\d{13}$/.test(written.trim()));
    return { result, text: shown, key, exact };
  }
  return null;
}

// Go's time.Time.String() (what `fmt` prints, and so many logfmt lines): `2024-05-01
// 10:00:00.123 +0000 UTC`, with a monotonic clock reading (`m=+0.000123`) when the time came
// from time.Now(). The numeric offset says the instant; the zone's abbreviation adds nothing.
const GO_TIME_STRING =
  /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d{1,9})? [+-]\d{4}) (?:[A-Za-z]{1,6}|[+-]\d{2,4})(?: m=[+-]\d+(?:\.\d+)?)?$/;

/** A Go time.Time.String() as the ISO form parseTime reads; any other text as it is. */
function goTimeString(value: string): string {
  return GO_TIME_STRING.exec(value.trim())?.[1] ?? value;
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

const MESSAGE_FIELDS = ['message', 'msg', 'MESSAGE', 'log', '@message', 'textPayload', 'jsonPayload.message'];

/**
 * The message. journald writes one that is not valid UTF-8 as an array of bytes; Docker's
 * json-file keeps the line end of what the container wrote; structlog calls it `event` (a
 * name ECS uses for an object, so only text counts).
 */
function messageOf(doc: Doc): string | null {
  const value = firstField(doc, MESSAGE_FIELDS) ?? (typeof doc.event === 'string' ? doc.event : undefined);
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return new TextDecoder().decode(Uint8Array.from(value as number[]));
  }
  const message = text(value);
  return message?.endsWith('\n') ? message.replace(/\r?\n$/, '') : message;
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

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};
const GO_DURATION = /^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;

/**
 * A duration whose unit its field name does not say: text with its unit (Go's `250ms`,
 * `1m2.5s`, Google Cloud's `"0.250s"`) or a number with a fraction, which is seconds (Caddy,
 * zap). A whole number without a unit (Go's time.Duration in ns? a Node app's ms?) is not
 * guessed.
 */
function unitDuration(value: unknown): number | null {
  if (typeof value === 'string') {
    const t = value.trim();
    if (!GO_DURATION.test(t)) return null;
    let ms = 0;
    for (const m of t.matchAll(DURATION_PART)) ms += Number(m[1]) * (DURATION_UNITS_MS[m[2] as string] ?? 0);
    return ms;
  }
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && !Number.isInteger(value)
    ? value * 1000
    : null;
}

/** Duration fields whose name says the unit (ms per unit), in the order they are looked for. */
const DURATION_FIELDS: readonly [string, number][] = [
  ['duration_ms', 1],
  ['responseTime', 1], // pino-http
  ['response_time_ms', 1],
  ['response_time', 1], // morgan-style JSON, as the CSV reader takes it
  ['latency_ms', 1],
  ['elapsed_ms', 1],
  ['took_ms', 1],
  ['request_time', 1000], // nginx $request_time
  ['duration_s', 1000],
  ['latency_s', 1000],
  ['duration_us', 1e-3],
  ['duration_ns', 1e-6],
];
/** Duration fields with no unit in their name: read by their value's shape (unitDuration). */
const UNIT_DURATION_FIELDS = ['duration', 'latency', 'elapsed', 'httpRequest.latency'];

/**
 * Rails' lograge writes `controller` and `action` beside `duration`, `view` and `db`, all three
 * in milliseconds as bare numbers (`duration=12.34`): there a fraction is not seconds.
 */
function isLograge(doc: Doc): boolean {
  return Object.hasOwn(doc, 'controller') && Object.hasOwn(doc, 'action') && Object.hasOwn(doc, 'duration');
}

/** Duration in ms: ECS `event.duration` (ns), then DURATION_FIELDS, then UNIT_DURATION_FIELDS. */
function durationOf(doc: Doc): { ok: true; value: number | null } | { ok: false; reason: string } {
  const ecs = numberField(field(doc, 'event.duration'), 'event.duration');
  if (!ecs.ok) return ecs;
  if (ecs.value !== null) {
    if (ecs.value < 0) return { ok: false, reason: `event.duration ${ecs.value} is negative` };
    return { ok: true, value: ecs.value / 1e6 };
  }
  if (isLograge(doc)) {
    const ms = nonNegative(doc.duration);
    if (ms !== null) return { ok: true, value: ms };
  }
  for (const [path, toMs] of DURATION_FIELDS) {
    const value = nonNegative(field(doc, path));
    if (value !== null) return { ok: true, value: value * toMs };
  }
  for (const path of UNIT_DURATION_FIELDS) {
    const value = unitDuration(field(doc, path));
    if (value !== null) return { ok: true, value };
  }
  return { ok: true, value: null };
}

interface ErrorFields {
  type: string | null;
  message: string | null;
  stack: string | null;
}

/** A stack as text; log4j2's JsonLayout writes its frames as objects (`{class, method, file, line}`). */
function stackText(value: unknown): string | null {
  if (Array.isArray(value) && value.length > 0 && value.every((f) => isObject(f) && typeof f.class === 'string')) {
    return (value as Doc[])
      .map(
        (f) =>
          `\tat ${String(f.class)}.${text(f.method) ?? '?'}(${text(f.file) ?? 'Unknown Source'}${typeof f.line === 'number' ? `:${f.line}` : ''})`,
      )
      .join('\n');
  }
  return text(value);
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
      out.stack ??= stackText(value.stack ?? value.stack_trace ?? value.stacktrace ?? value.extendedStackTrace);
    }
  }
  out.stack ??= text(firstField(doc, ['stack_trace', 'stacktrace', 'stack', 'exc_info']));
  return out;
}

// Aliases, ECS names first; each list is looked up in order and the first present value wins.
const SERVICE_FIELDS = ['service.name', 'service', 'name', 'SYSLOG_IDENTIFIER', '_COMM', 'app', 'application'];
const POD_FIELDS = ['kubernetes.pod.name', 'kubernetes.pod_name', 'pod', 'pod_name', 'resource.labels.pod_name'];
const METHOD_FIELDS = [
  'http.request.method',
  'method',
  'req.method',
  'request.method',
  'request_method', // nginx
  'httpRequest.requestMethod', // Google Cloud
  'verb', // Logstash's grok of an access log
  'RequestMethod', // Traefik
];
const URL_FIELDS = [
  'url.original',
  'url.full',
  'req.url',
  'request.url',
  'request.uri', // Caddy
  'request_uri', // nginx
  'httpRequest.requestUrl', // Google Cloud
  'uri',
  'url',
  'RequestPath', // Traefik (path and query)
];
const STATUS_FIELDS = [
  'status',
  'statusCode',
  'status_code',
  'res.statusCode',
  'response.status',
  'httpRequest.status', // Google Cloud
  'response_code', // Envoy
  'response', // Logstash's grok of an access log (a number only: httpStatus)
  'DownstreamStatus', // Traefik: what the client got (OriginStatus is the backend's)
];
const CLIENT_IP_FIELDS = [
  'client.ip',
  'source.ip',
  'remote_addr',
  'remoteAddress',
  'req.remoteAddress',
  'request.client_ip', // Caddy: the client behind trusted proxies, then the peer
  'request.remote_ip',
  'httpRequest.remoteIp', // Google Cloud
  'downstream_remote_address', // Envoy (address:port)
  'ClientHost', // Traefik
  'client_ip',
  'clientip', // Logstash's grok
  'ip',
];
const USER_FIELDS = ['user.name', 'user.id', 'user.email', 'username', 'user_name', 'remote_user', 'user_id', 'userId'];

/**
 * The first of the paths that holds a value of its own (text, a number): an alias is a
 * guess, and an object under that name (ECS's `service: {…}`, Caddy's `request: {…}`) is
 * another field, not this one.
 */
function firstScalar(doc: Doc, paths: readonly string[]): string | number | boolean | undefined {
  for (const path of paths) {
    const value = field(doc, path);
    if (typeof value === 'string' && value.trim() !== '') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return value;
  }
  return undefined;
}

/**
 * The service's name: the first alias whose value is not a duration. Heroku's router and
 * other logfmt writers use `service=23ms` for the time spent serving, not for a name.
 */
function serviceName(doc: Doc): string | null {
  for (const path of SERVICE_FIELDS) {
    const value = firstScalar(doc, [path]);
    if (value === undefined) continue;
    if (typeof value === 'string' && GO_DURATION.test(value.trim())) continue;
    return name(value);
  }
  return null;
}

/** An identifying field that access logs write as `-` when there is none. */
function dashless(value: unknown): string | null {
  const n = name(value);
  return n === '-' ? null : n;
}

/**
 * A client address without its port (`10.0.0.1:4242`, `[2001:db8::1]:4242`, as Envoy writes
 * them); an IPv4 address in IPv6 form (`::ffff:10.0.0.1`, Node's) as IPv4.
 */
function ipOf(value: unknown): string | null {
  let ip = dashless(value);
  if (ip === null) return null;
  ip = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(ip)?.[1] ?? /^\[([0-9A-Fa-f:.]+)\]:\d+$/.exec(ip)?.[1] ?? ip;
  return /^::ffff:\d{1,3}(?:\.\d{1,3}){3}$/i.test(ip) ? ip.slice(7) : ip;
}

/**
 * Envoy's JSON access log (Istio's default since 1.18) names its fields after its format
 * operators: `duration` is DURATION, milliseconds; `path` the request's path; an outbound
 * `upstream_cluster` holds the service and the traffic split's subset.
 */
function isEnvoy(doc: Doc): boolean {
  return Object.hasOwn(doc, 'response_flags') || Object.hasOwn(doc, 'upstream_cluster');
}

/**
 * Traefik's JSON access log: `Duration` in nanoseconds, and `ServiceName` the backend the
 * request went to, which a weighted canary names after its track (`shop-checkout-canary-80@kubernetes`).
 */
function isTraefik(doc: Doc): boolean {
  return Object.hasOwn(doc, 'DownstreamStatus') && Object.hasOwn(doc, 'RouterName');
}

/** `GET /path HTTP/1.1` as method and target; a bare `/path` as the target alone. */
function requestOf(request: string | null): { method: string | null; target: string | null } {
  if (request === null) return { method: null, target: null };
  const m = /^([A-Z][A-Z-]{1,15}) (\S+)(?: [A-Z]+\/[\d.]+)?$/.exec(request);
  if (m) return { method: m[1] ?? null, target: m[2] ?? null };
  return { method: null, target: request.startsWith('/') ? request : null };
}

/** A time given from outside a document: the container runtime's, when the app wrote none. */
export interface OuterTime {
  ms: number;
  text: string;
}

/**
 * One JSON document of any of these shapes into an event. `outerTime` (a container log's
 * own time) is taken when the document has no time field, or one without an offset; a time field that is bad is still
 * a reject, as it says the document is not what it seems.
 */
export function jsonDocumentToEvent(
  doc: Doc,
  lineNumber: number,
  raw: string,
  zone: string,
  outerTime: OuterTime | null = null,
): { ok: true; event: NewEvent } | { ok: false; reason: string } {
  const own = timeOf(doc, zone);
  const outer =
    outerTime === null
      ? null
      : { result: { ok: true as const, ms: outerTime.ms }, text: outerTime.text, key: 'outer time' };
  // An app's time without an offset was read in the import's zone, a guess; the envelope's
  // (a container runtime's UTC time) is exact and stamps the same moment, so it wins. An own
  // time that is bad still rejects the document.
  const time = own === null || (own.result.ok && !own.exact && outer !== null) ? outer : own;
  if (time === null) return { ok: false, reason: `no time (looked for ${TIME_FIELDS.join(', ')})` };
  if (!time.result.ok) return { ok: false, reason: `${time.key}: ${time.result.reason}` };

  const ecsStatus = numberField(field(doc, 'http.response.status_code'), 'http.response.status_code');
  if (!ecsStatus.ok) return ecsStatus;
  if (ecsStatus.value !== null && httpStatus(ecsStatus.value) === null) {
    return { ok: false, reason: `http.response.status_code ${ecsStatus.value} is not an HTTP status` };
  }
  const envoy = isEnvoy(doc);
  const traefik = isTraefik(doc);
  const traefikNanos = traefik ? nonNegative(doc.Duration) : null;
  const duration =
    envoy && nonNegative(doc.duration) !== null
      ? { ok: true as const, value: nonNegative(doc.duration) }
      : traefikNanos !== null
        ? { ok: true as const, value: traefikNanos / 1e6 }
        : durationOf(doc);
  if (!duration.ok) return duration;

  const event = blankEvent(lineNumber, raw, time.result.ms, time.text);
  event.trackLabel = trackLabelOf(doc);
  event.service = serviceName(doc);
  event.environment = environmentOf(doc);
  event.version = name(firstScalar(doc, ['service.version', 'version', 'app_version']));
  const host = firstScalar(doc, ['host.name', 'host.hostname', 'hostname', '_HOSTNAME', 'HOSTNAME']);
  event.host = name(
    host ??
      (typeof doc.host === 'string' ? doc.host : traefik ? firstScalar(doc, ['ServiceName']) : field(doc, 'node.name')),
  );
  event.pod = name(firstScalar(doc, POD_FIELDS));
  event.level = levelOf(doc);
  // nginx's `$request` and Logstash's grok `request`: a request line, or only its target.
  const request = requestOf(text(field(doc, 'request')));
  event.httpMethod = text(firstScalar(doc, METHOD_FIELDS) ?? request.method)?.toUpperCase() ?? null;
  // Envoy and lograge's JSON write the request's path as `path`, which elsewhere may be a file's.
  event.urlPath =
    text(field(doc, 'url.path')) ??
    pathOf(
      text(
        firstScalar(doc, URL_FIELDS) ??
          request.target ??
          (envoy || isLograge(doc) ? firstScalar(doc, ['path']) : undefined),
      ),
    );
  event.status = ecsStatus.value ?? httpStatus(firstScalar(doc, STATUS_FIELDS));
  event.durationMs = duration.value;
  event.clientIp = ipOf(firstScalar(doc, CLIENT_IP_FIELDS));
  const user = firstScalar(doc, USER_FIELDS);
  event.user = dashless(user ?? (typeof doc.user === 'string' ? doc.user : undefined));
  const cluster = envoy ? envoyCluster(text(doc.upstream_cluster)) : null;
  if (cluster) {
    event.trackLabel ??= cluster.subset;
    event.service ??= cluster.service;
  }
  // An access log's record says what was asked for in its request line.
  event.message = messageOf(doc) ?? (request.method === null ? null : text(field(doc, 'request')));
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
  /"(?:time|timestamp|ts|__REALTIME_TIMESTAMP|msg|MESSAGE|hostname|_HOSTNAME|level|PRIORITY|SYSLOG_IDENTIFIER|stacktrace|time_local|time_iso8601|msec|remote_addr|asctime|levelname|severity|textPayload|instant|timeMillis)"\s*:/;

export const jsonLinesFormat: LogFormat = {
  name: 'json-lines',
  label: 'JSON lines (Logstash, Bunyan, pino, journald, zap, Elasticsearch server log, Envoy, Traefik, Caddy)',
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
    if (aliased * 2 >= objects) return 0.9;
    // No line has `@timestamp`: ecs-ndjson (0.5 for any JSON) would reject every one, while
    // these aliases may still find a time.
    return stamped === 0 ? 0.6 : 0.4;
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
