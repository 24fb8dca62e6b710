// HAProxy's HTTP log (`option httplog`), one request a line, as HAProxy sends it to syslog
// (/var/log/haproxy.log: `Nov 19 09:00:01 lb1 haproxy[1234]: …`) or writes it raw to stdout in
// a container (`log stdout format raw`):
//   client_ip:port [accept_date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes
//   req_cookie res_cookie termination_state actconn/feconn/beconn/srv_conn/retries
//   srv_queue/backend_queue [{captured request headers}] [{captured response headers}] "request"
// and `option httpslog` (2.5+) adds its TLS fields after the request. The last timer is the
// request's whole active time in ms, Ta (`+` before it under `option logasap`). HAProxy before
// 1.9 wrote Tq/Tw/Tc/Tr/Tt in the same place, where Tt also counts a keep-alive connection's idle
// time before the request: the line does not say which, so such logs overstate latency on both
// tracks alike. The accept date has milliseconds and no zone: it is read in the offset of the
// line's syslog header where that states one (rsyslog's ISO time, RFC 5424), else in the import's zone.
// A canary behind HAProxy is a weighted server or backend named after its track
// (`checkout_canary/app2`, `checkout/app-canary`): `backend/server` is the host, which the
// host-name tagging rule reads, and the backend without a track word at its end is the service
// (`checkout_canary` and `checkout_stable` are both `checkout`). Every other line (HAProxy's
// own messages, sshd on the same host) is read by the syslog reader, repeat folds and all.
import type { NewEvent } from '../../case/events.js';
import { wallClockAsUtc, wallTimeToUtc } from '../time.js';
import { syslogFormat } from './syslog.js';
import { type LogFormat, blankEvent } from './types.js';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// From the client to the queues; the captured headers and the request follow.
const HTTP_LOG = new RegExp(
  [
    String.raw`(?<client>\S+):\d+`,
    String.raw`\[(?<date>(?<day>\d{2})\/(?<month>[A-Z][a-z]{2})\/(?<year>\d{4}):(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})\.(?<ms>\d{3}))\]`,
    String.raw`(?<frontend>\S+) (?<backend>[^\s/]+)\/(?<server>\S+)`,
    String.raw`-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(?<total>-?\d{1,20}) (?<status>-?\d{1,4}) \+?\d+ \S+ \S+ (?<termination>\S{4})`,
    String.raw`\d+\/\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+ (?<rest>.*)$`,
  ].join(' '),
  // Sticky: tried where HAProxy's text may start (the line's start, or after a syslog header's
  // space), each try anchored, so a long line costs one pass, not one per character.
  'y',
);
/** How far into a line a syslog header may reach before HAProxy's own text starts. */
const HEADER_REACH = 300;
const NEITHER = 'neither an HAProxy HTTP log entry nor a syslog line';
/** HAProxy's timers are 32-bit milliseconds. */
const MAX_TIMER_MS = 2 ** 31 - 1;
// The request line, quoted, after the captured headers (`{…}`); HAProxy writes a quote in it as
// `#22`. No closing quote: the line was cut at HAProxy's log-length.
const REQUEST = /^(?:\{[^}]*\}\s)*"([^"]*)("?)/;
const TRACK_WORD = /^(.+?)[-_.](?:canary|stable|primary|baseline)$/i;

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

/** The fields of an HTTP log entry on `text`, at its start or after a syslog header; null when none. */
function entryOf(text: string): Record<string, string | undefined> | null {
  for (let at = 0; at !== -1 && at < HEADER_REACH; at = text.indexOf(' ', at) + 1 || -1) {
    HTTP_LOG.lastIndex = at;
    const groups = HTTP_LOG.exec(text)?.groups;
    if (groups !== undefined) return groups;
  }
  return null;
}

// The time a syslog header opens with, when it states its offset (`2026-11-19T09:00:01+01:00 …`).
const HEADER_OFFSET = /^(?:<\d{1,3}>(?:1 )?)?\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(Z|[+-]\d{2}:?\d{2}) /;

/** The offset (ms east of UTC) a line's syslog header states, or null. */
function headerOffsetMs(text: string): number | null {
  const zone = HEADER_OFFSET.exec(text)?.[1];
  if (zone === undefined) return null;
  if (zone === 'Z') return 0;
  const digits = zone.replace(':', '');
  const minutes = Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5));
  return (digits.startsWith('-') ? -minutes : minutes) * 60_000;
}

/** The HTTP log entry on a line (raw, or after a syslog header) as an event; null when there is none. */
export function parseHaproxyHttp(text: string, lineNumber: number, zone: string): Outcome | null {
  const g = entryOf(text);
  if (g === null) return null;
  const month = MONTHS.indexOf(g.month ?? '') + 1;
  const wall =
    month === 0
      ? null
      : wallClockAsUtc({
          year: Number(g.year),
          month,
          day: Number(g.day),
          hour: Number(g.hour),
          minute: Number(g.minute),
          second: Number(g.second),
          ms: Number(g.ms),
        });
  const dateText = g.date ?? '';
  if (wall === null) return { ok: false, reason: `accept date "${dateText}" is not a real date and time` };
  const total = Number(g.total);
  if (total > MAX_TIMER_MS) {
    return { ok: false, reason: `total time ${g.total} ms is beyond what HAProxy's timers hold` };
  }
  // A syslog header with an offset (rsyslog's ISO time, RFC 5424) says the host's offset then;
  // the accept date, a moment earlier, is in the same one (a clock change in between aside).
  const offset = headerOffsetMs(text);
  const ms = offset === null ? wallTimeToUtc(wall, zone) : wall - offset;
  const event = blankEvent(lineNumber, text, ms, dateText);
  // IPv6 clients are written unbracketed (`2001:db8::7:51234`): the port is after the last colon.
  event.clientIp = g.client?.replace(/^\[(.*)\]$/, '$1') ?? null;
  const backend = g.backend ?? '';
  event.host = `${backend}/${g.server}`;
  event.service = TRACK_WORD.exec(backend)?.[1] ?? backend;
  // -1: the request never completed (the client went away, the server never answered).
  event.durationMs = total >= 0 ? total : null;
  const status = Number(g.status);
  event.status = status >= 100 && status <= 599 ? status : null;
  const quoted = REQUEST.exec(g.rest ?? '');
  const request = quoted?.[1] ?? null;
  const whole = quoted?.[2] === '"';
  // The termination state (`----` for a normal end, `SH--` for a server that aborted) stays in
  // the message: who ended the session early is evidence, but a client that went away is no
  // failure of the canary's.
  event.message = `${request ?? '-'} via ${g.frontend} (${g.termination})`;
  const parts = request === null ? null : /^([A-Z][A-Z-]*) (\S+)/.exec(request);
  if (parts) {
    event.httpMethod = parts[1] ?? null;
    const target = parts[2] ?? '';
    // An absolute URL (a proxy request, HTTP/2's :authority) or a path.
    const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*(\/[^?#]*)?/i.exec(target)?.[1] ?? target;
    // A request cut short may have lost part of its path: no endpoint rather than a wrong one.
    const complete = whole || /\s/.test(request?.slice(parts[0].length) ?? '');
    event.urlPath = complete && path.startsWith('/') ? path.split(/[?#]/, 1)[0] || '/' : null;
  }
  return { ok: true, event };
}

export const haproxyLogFormat: LogFormat = {
  name: 'haproxy-log',
  label: 'HAProxy HTTP log (option httplog), in syslog or raw',
  probe(sample) {
    if (sample.length === 0) return 0;
    const fits = sample.filter((line) => entryOf(line) !== null).length / sample.length;
    // Above syslog's best: the same lines carry a syslog header.
    return fits < 0.5 ? 0 : 0.96 + 0.04 * fits;
  },
  open(ctx, sink) {
    const syslog = syslogFormat.open(ctx, {
      ...sink,
      // Said of this file, which is not only syslog.
      reject: (line, reason, raw, bytes) =>
        sink.reject(line, reason.startsWith('not a syslog line') ? NEITHER : reason, raw, bytes),
    });
    return {
      line(number, text) {
        const request = parseHaproxyHttp(text, number, ctx.zone);
        if (request === null) syslog.line(number, text);
        else if (request.ok) sink.event(request.event);
        else sink.reject(number, request.reason, text);
      },
      end: () => syslog.end(),
    };
  },
};
