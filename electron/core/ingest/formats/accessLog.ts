// nginx and Apache access logs: the common and combined formats and their usual extensions,
//   [%v[:%p] | $host] %h %l %u [%t] "%r" %>s %b ["%{Referer}i" "%{User-Agent}i"] [tail…]
// A virtual host may come first; the tail may hold more quoted fields (nginx's `main` ends in
// "$http_x_forwarded_for", lnav's sample in an extra "-"), the netnea extended fields
// (…%I %O %{ratio}n%% %D …), upstream times, or the request time. The request time, when
// found, is read from the tail, first rule that applies:
//   - a labelled total (`rt=0.2`, `request_time=0.2`, `request_time 0.2`): seconds;
//   - the number after the `N%` compression ratio (netnea's extended format): %D, microseconds;
//   - a number that names its unit (Traefik's `3ms`, `0.25s`, `1500us`);
//   - the decimal numbers (nginx's $request_time and $upstream_response_time, in seconds, in
//     whichever order a format writes them): the largest, as the request's own time includes
//     its upstreams'; labelled upstream times (`urt="0.1"`, `msec 1700000000.1`) are not it;
//   - else the last field, if it is a whole number: Apache's %D (microseconds). Apache's %T
//     (whole seconds) and %{ms}T cannot be told from %D by their look: such files are read
//     with `options.requestTimeUnit: 's'` or `'ms'`.
// The time's own offset is honoured, with a fraction of a second when %{msec_frac}t wrote one.
// The query string is dropped from `url.path` (it may hold tokens) and kept in the raw line, as
// is the scheme and host of a proxy request's absolute URL; the user agent and referer stay in
// the raw line only.
// Envoy's default format and Istio's, as their sidecars and gateways write them:
//   [%START_TIME%] "%REQ(:METHOD)% %PATH% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
//   [Istio: %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%"]
//   %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %UPSTREAM_SERVICE_TIME% "%X-FORWARDED-FOR%"
//   "%USER-AGENT%" "%X-REQUEST-ID%" "%AUTHORITY%" "%UPSTREAM_HOST%"
//   [Istio: %UPSTREAM_CLUSTER% %UPSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% …]
// DURATION is milliseconds. The host is the authority; the client the downstream peer (Istio),
// else the first X-Forwarded-For address (Envoy). An outbound cluster
// (`outbound|8080|canary|reviews.shop.svc.cluster.local`) names the service and, in its
// subset, the traffic split's track label. A response code of 0 (no response was sent: the
// client went away) is kept as a request without a status.
// Apache's ssl_request_log (`[%t] %h protocol cipher "%r" %b`) is read too: see SSL_REQUEST_LINE.
import type { NewEvent } from '../../case/events.js';
import { inSupportedYears, parseTime } from '../time.js';
import { type LogFormat, blankEvent } from './types.js';
import { clip } from '../clip.js';

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
/** One access-log line (exported for the benchmark's baseline). */
export const ACCESS_LOG_LINE = new RegExp(
  String.raw`^(?:(\S+) )?(\S+) (\S+) (\S+) \[([^\]]*)\] ${QUOTED} (\S+) (\S+)(?: ${QUOTED} ${QUOTED})?(.*)$`,
);
const TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? ([+-])(\d{2})(\d{2})$/;
const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
type TimeUnit = 's' | 'ms' | 'us';
const UNIT_MS: Record<TimeUnit, number> = { s: 1000, ms: 1, us: 0.001 };

export type AccessOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

/** `[dd/Mon/yyyy:HH:mm:ss ±zzzz]` to UTC ms, or why not. */
export function parseAccessTime(text: string): { ok: true; ms: number } | { ok: false; reason: string } {
  const m = TIME.exec(text);
  if (!m) return { ok: false, reason: `time "${clip(text)}" is not dd/Mon/yyyy:HH:mm:ss ±zzzz` };
  const [, d, mon, y, h, mi, s, frac, sign, oh, om] = m as unknown as (string | undefined)[];
  const month = MONTHS[mon as string];
  const day = Number(d);
  const year = Number(y);
  const millis = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(year, month ?? 0, day, Number(h), Number(mi), Number(s), millis);
  const back = new Date(wall);
  if (
    month === undefined ||
    back.getUTCDate() !== day ||
    back.getUTCMonth() !== month ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return { ok: false, reason: `time "${clip(text)}" is not a real date and time` };
  }
  const offsetMinutes = Number(oh) * 60 + Number(om);
  if (Number(om) > 59 || offsetMinutes > 18 * 60) {
    return { ok: false, reason: `time "${clip(text)}" has an impossible offset` };
  }
  const ms = wall - (sign === '-' ? -1 : 1) * offsetMinutes * 60_000;
  if (!inSupportedYears(ms)) return { ok: false, reason: `time "${clip(text)}" is outside 1990–2099` };
  return { ok: true, ms };
}

// Access times have whole seconds and come in order: most lines repeat the time of the line
// before, whose reading is kept (parseAccessTime is pure).
let lastTimeText: string | null = null;
let lastTime: ReturnType<typeof parseAccessTime> = { ok: false, reason: '' };
function timeOf(text: string): ReturnType<typeof parseAccessTime> {
  if (text !== lastTimeText) {
    lastTime = parseAccessTime(text);
    lastTimeText = text;
  }
  return lastTime;
}

const WHOLE = /^\d+$/;
const DECIMAL = /^"?(\d+\.\d+)"?,?$/;
const WITH_UNIT = /^(\d+(?:\.\d+)?)(ms|s|us|µs)$/;
const LABELLED = /^([A-Za-z_]+)[=:]"?(\d+(?:\.\d+)?|-)"?,?$/;
const RATIO = /^(?:\d+|-)%$/;
const UNIT_SUFFIX_MS: Record<string, number> = { ms: 1, s: 1000, us: 0.001, µs: 0.001 };
/** Labels that name the request's own time (nginx and common custom formats). */
const TOTAL_LABELS = new Set(['rt', 'request_time', 'request_duration', 'duration', 'time_taken']);
/** A label written before its value (`upstream_response_time 0.1`, `msec 1700000000.123`). */
const TIME_LABEL = /^(?:[a-z_]*_time|rt|urt|uct|uht|msec|duration|request_duration|time_taken)$/i;

/** The request time in ms from the fields after the user agent, or null when none is there. */
function requestTimeMs(tail: string, integerUnit: TimeUnit): number | null {
  if (tail.length === 0) return null;
  const fields = tail.trim().split(/\s+/);
  let ratioUs: number | null = null;
  let withUnit: number | null = null;
  let largest = -1;
  let largestQuoted = -1;
  for (let i = 0; i < fields.length; i += 1) {
    const f = fields[i] as string;
    const next = fields[i + 1];
    const first = f.charCodeAt(0);
    // Most tails are numbers: a label starts with a letter, so only those are tested for one.
    const letter = (first | 0x20) >= 0x61 && (first | 0x20) <= 0x7a;
    if (letter || first === 0x5f /* _ */) {
      const labelled = LABELLED.exec(f);
      if (labelled) {
        // `request_time=0.2`; any other label (`urt=`, `uct=`, `upstream_response_time:`) is not it.
        if (TOTAL_LABELS.has((labelled[1] as string).toLowerCase())) {
          return labelled[2] === '-' ? null : Number(labelled[2]) * 1000;
        }
        continue;
      }
      if (next !== undefined && TIME_LABEL.test(f)) {
        // `request_time 0.2` / `upstream_response_time 0.1`: the label decides, the value is used up.
        if (TOTAL_LABELS.has(f.toLowerCase()) && DECIMAL.test(next)) return Number(DECIMAL.exec(next)?.[1]) * 1000;
        if (DECIMAL.test(next) || WHOLE.test(next)) i += 1;
      }
      continue;
    }
    if (RATIO.test(f) && next !== undefined && WHOLE.test(next)) {
      ratioUs ??= Number(next);
      continue;
    }
    const decimal = DECIMAL.exec(f);
    if (decimal) {
      const seconds = Number(decimal[1]);
      if (first === 0x22 /* " */) largestQuoted = Math.max(largestQuoted, seconds);
      else largest = Math.max(largest, seconds);
      continue;
    }
    const unit = WITH_UNIT.exec(f);
    if (unit) withUnit ??= Number(unit[1]) * (UNIT_SUFFIX_MS[unit[2] as string] ?? 1);
  }
  if (ratioUs !== null) return ratioUs / 1000;
  if (withUnit !== null) return withUnit;
  // An unquoted decimal first: a quoted one may be another figure ("$gzip_ratio").
  if (largest >= 0) return largest * 1000;
  if (largestQuoted >= 0) return largestQuoted * 1000;
  const last = fields.at(-1) ?? '';
  return WHOLE.test(last) ? Number(last) * UNIT_MS[integerUnit] : null;
}

function dash(value: string | undefined): string | null {
  return value === undefined || value === '-' || value === '' ? null : value;
}

// nginx formats that log a list of addresses where the client goes (`$proxy_add_x_forwarded_for`,
// or "$http_x_forwarded_for" before $remote_addr), as Elastic's nginx pipeline reads them:
//   example.com 10.0.0.2, 10.0.0.1, 127.0.0.1 - - [time] …
//   example.com:80 "10.5.102.222, 199.96.1.1" 10.2.1.185 - - [time] …
// The first address of the list is the client that started the request. Tried only when a line
// is not of the usual shape, so it costs the usual lines nothing.
const ADDRESS_LIST_LINE = new RegExp(
  String.raw`^([^\[]{1,1024}?) (\S+) (\S+) \[([^\]]*)\] ${QUOTED} (\S+) (\S+)(?: ${QUOTED} ${QUOTED})?(.*)$`,
);

/** A line with an address list, as the fields ACCESS_LOG_LINE gives (vhost, client, …). */
function addressListLine(line: string): RegExpExecArray | null {
  const m = ADDRESS_LIST_LINE.exec(line);
  if (!m) return null;
  // Groups of addresses: a token ending in "," continues its list.
  const groups: string[][] = [];
  let open = false;
  for (const token of (m[1] ?? '').replace(/"/g, '').split(/\s+/)) {
    if (token === '') continue;
    const address = token.replace(/,$/, '');
    if (open) groups.at(-1)?.push(address);
    else groups.push([address]);
    open = token.endsWith(',');
  }
  const single = groups.length === 1 ? groups[0] : undefined;
  if (groups.length < 2 && (single === undefined || single.length < 2)) return null;
  const vhost = groups.length >= 2 && groups[0]?.length === 1 ? groups.shift()?.[0] : undefined;
  const fields = [m[0], vhost, groups[0]?.[0], ...m.slice(2)] as unknown as RegExpExecArray;
  return fields;
}

const IPV4_PORT = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/;
/** An IPv6 address with a port is bracketed (`[2001:db8::1]:443`); a bare one keeps its colons. */
const IPV6_PORT = /^\[([0-9A-Fa-f:.]+)\](?::\d+)?$/;

/** The client, without the port some formats add to its address (`127.0.0.1:80`, `[2001:db8::1]:443`). */
function clientAddress(value: string | undefined): string | null {
  const client = dash(value);
  if (client === null || client.indexOf(':') < 0) return client;
  return IPV4_PORT.exec(client)?.[1] ?? IPV6_PORT.exec(client)?.[1] ?? client;
}

/** `%v:%p` → the host; `$host` as it is. */
function vhostName(value: string | undefined): string | null {
  const v = dash(value);
  if (v === null) return null;
  const port = /^(.*):\d+$/.exec(v);
  return port ? (port[1] ?? v) : v;
}

/** One access-log line into one event (track and classification come later: normalise.ts). */
export function parseAccessLine(line: string, lineNumber: number, integerUnit: TimeUnit = 'us'): AccessOutcome {
  let m = ACCESS_LOG_LINE.exec(line);
  // `10.0.0.2, 10.0.0.1 - - […]`: the usual shape takes the list's head for a virtual host.
  if (m === null || m[1]?.endsWith(',') === true) m = addressListLine(line) ?? m;
  if (!m) {
    const envoy =
      line.charCodeAt(0) === 0x5b /* [ */
        ? (parseSslRequestLine(line, lineNumber) ?? parseEnvoyLine(line, lineNumber))
        : null;
    return (
      envoy ?? {
        ok: false,
        reason: 'not an access-log line (expected: host ident user [time] "request" status bytes …)',
      }
    );
  }
  const [, vhost, client, , user, timeText = '', request = '', statusText = '', bytesText = '', , , tail = ''] = m;
  const time = timeOf(timeText);
  if (!time.ok) return time;
  if (!/^[1-5]\d\d$/.test(statusText)) {
    return { ok: false, reason: `status "${clip(statusText)}" is not an HTTP status` };
  }
  if (bytesText !== '-' && !/^\d+$/.test(bytesText)) {
    return { ok: false, reason: `bytes "${clip(bytesText)}" is not a number` };
  }
  const event = blankEvent(lineNumber, line, time.ms, timeText);
  const status = Number(statusText);
  // "GET /path?q HTTP/1.1"; a request that never came ("-", a 408) has no method or path.
  const parts = request.split(' ');
  if (parts.length >= 2 && /^[A-Z][A-Z-]*$/.test(parts[0] as string)) {
    event.httpMethod = parts[0] as string;
    let target = parts[1] as string;
    // A proxy request names the whole URL (`GET http://host/path`): its path is what was asked for.
    if (target.charCodeAt(0) !== 0x2f /* / */) {
      const scheme = target.indexOf('://');
      if (scheme > 0) {
        const slash = target.indexOf('/', scheme + 3);
        target = slash < 0 ? '/' : target.slice(slash);
      }
    }
    event.urlPath = target.split(/[?#]/, 1)[0] || '/';
  }
  event.status = status;
  event.message = request;
  event.clientIp = clientAddress(client);
  event.user = dash(user);
  event.host = vhostName(vhost);
  event.durationMs = requestTimeMs(tail, integerUnit);
  return { ok: true, event };
}

// Apache's ssl_request_log, as the stock ssl.conf (Debian's default-ssl, RHEL's mod_ssl) writes it:
//   CustomLog logs/ssl_request_log "%t %h %{SSL_PROTOCOL}x %{SSL_CIPHER}x \"%r\" %b"
// It has no status: the request is kept without one (ssl_access_log has it, for the same request).
const SSL_REQUEST_LINE = new RegExp(String.raw`^\[([^\]]*)\] (\S+) (\S+) (\S+) ${QUOTED} (\d+|-)$`);

/** An ssl_request_log line into an event, or null when the line is not of that shape. */
function parseSslRequestLine(line: string, lineNumber: number): AccessOutcome | null {
  const m = SSL_REQUEST_LINE.exec(line);
  if (!m) return null;
  const [, timeText = '', client, , , request = ''] = m;
  const time = timeOf(timeText);
  if (!time.ok) return time;
  const event = blankEvent(lineNumber, line, time.ms, timeText);
  const parts = request.split(' ');
  if (parts.length >= 2 && /^[A-Z][A-Z-]*$/.test(parts[0] as string)) {
    event.httpMethod = parts[0] as string;
    event.urlPath = (parts[1] as string).split(/[?#]/, 1)[0] || '/';
  }
  event.message = request;
  event.clientIp = clientAddress(client);
  return { ok: true, event };
}

const ENVOY_LINE = new RegExp(String.raw`^\[(\d{4}-\d{2}-\d{2}T[^\]]{8,40})\] ${QUOTED} (\d{1,3}) (\S+) (.*)$`);
/** The tokens of Envoy's tail: `"quoted"` (kept with its quotes) or bare. */
const ENVOY_TOKEN = /"(?:[^"\\]|\\.)*"|\S+/g;
const ADDRESS_PORT = /^\[?([0-9A-Fa-f:.]+?)\]?:\d+$/;

function unquote(token: string | undefined): string | null {
  if (token === undefined) return null;
  const bare = token.startsWith('"') ? token.slice(1, -1) : token;
  return bare === '-' || bare === '' ? null : bare;
}

/** An Istio outbound cluster's subset (the traffic split's track label) and service, or null. */
export function envoyCluster(cluster: string | null): { subset: string | null; service: string | null } | null {
  const m = cluster === null ? null : /^outbound\|\d*\|([^|]*)\|([^.|]+)/.exec(cluster);
  return m ? { subset: m[1] || null, service: m[2] ?? null } : null;
}

/** An Envoy or Istio access-log line into one event. */
function parseEnvoyLine(line: string, lineNumber: number): AccessOutcome | null {
  const m = ENVOY_LINE.exec(line);
  if (!m) return null;
  const [, timeText = '', request = '', codeText = '', , rest = ''] = m;
  const time = parseTime(timeText, 'UTC');
  if (!time.ok) return time;
  const code = Number(codeText);
  if (code !== 0 && (code < 100 || code > 599)) {
    return { ok: false, reason: `response code "${codeText}" is not an HTTP status` };
  }
  const tokens = rest.match(ENVOY_TOKEN) ?? [];
  // BYTES_RECEIVED BYTES_SENT DURATION UPSTREAM_SERVICE_TIME, then the quoted X-Forwarded-For.
  const counts = tokens.findIndex(
    (t, i) =>
      WHOLE.test(t) &&
      WHOLE.test(tokens[i + 1] ?? '') &&
      WHOLE.test(tokens[i + 2] ?? '') &&
      /^(?:\d+|-)$/.test(tokens[i + 3] ?? '') &&
      (tokens[i + 4] ?? '').startsWith('"'),
  );
  if (counts < 0) {
    return {
      ok: false,
      reason: 'Envoy line without its byte counts and duration (BYTES_RECEIVED BYTES_SENT DURATION …)',
    };
  }
  const event = blankEvent(lineNumber, line, time.ms, timeText);
  event.status = code === 0 ? null : code;
  event.message = request;
  const parts = request.split(' ');
  if (parts.length >= 2 && /^[A-Z][A-Z-]*$/.test(parts[0] as string)) {
    event.httpMethod = parts[0] as string;
    event.urlPath = (parts[1] as string).split(/[?#]/, 1)[0] || '/';
  }
  event.durationMs = Number(tokens[counts + 2]);
  const forwarded =
    unquote(tokens[counts + 4])
      ?.split(',')[0]
      ?.trim() || null;
  const authority = unquote(tokens[counts + 7]);
  event.host = authority === null ? null : (/^(.*):\d+$/.exec(authority)?.[1] ?? authority);
  // Istio: cluster, upstream local, downstream local, downstream remote.
  const cluster = unquote(tokens[counts + 9]);
  const downstream = unquote(tokens[counts + 12]);
  event.clientIp = (downstream === null ? null : (ADDRESS_PORT.exec(downstream)?.[1] ?? null)) ?? forwarded;
  const outbound = envoyCluster(cluster);
  if (outbound) {
    event.trackLabel = outbound.subset;
    event.service = outbound.service;
  }
  return { ok: true, event };
}

export const accessLogFormat: LogFormat = {
  name: 'access-log',
  label: 'nginx / Apache access log (common, combined, with virtual host or request time; Envoy and Istio defaults)',
  probe(sample) {
    const fits = sample.filter((line) => {
      const m = ACCESS_LOG_LINE.exec(line) ?? addressListLine(line);
      if (m !== null) return TIME.test(m[5] ?? '');
      const ssl = SSL_REQUEST_LINE.exec(line);
      return ssl !== null ? TIME.test(ssl[1] ?? '') : ENVOY_LINE.test(line);
    }).length;
    // Most lines must fit; the bracketed time and quoted request make a false match unlikely.
    return sample.length > 0 && fits / sample.length >= 0.5 ? 0.6 + 0.4 * (fits / sample.length) : 0;
  },
  open(ctx, sink) {
    const unit = ctx.options.requestTimeUnit;
    const integerUnit: TimeUnit = unit === 's' || unit === 'ms' ? unit : 'us';
    return {
      line(number, text) {
        if (text.trim() === '') return;
        const outcome = parseAccessLine(text, number, integerUnit);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
