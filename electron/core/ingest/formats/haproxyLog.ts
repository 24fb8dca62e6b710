// HAProxy's HTTP log (`option httplog`), one request a line, as HAProxy sends it to syslog
// (/var/log/haproxy.log: `Nov 19 09:00:01 lb1 haproxy[1234]: …`) or writes it raw to stdout in
// a container (`log stdout format raw`):
//   client_ip:port [accept_date] frontend backend/server TR/Tw/Tc/Tr/Ta status bytes
//   req_cookie res_cookie termination_state actconn/feconn/beconn/srv_conn/retries
//   srv_queue/backend_queue [{captured request headers}] [{captured response headers}] "request"
// (HAProxy before 1.9 wrote Tq/Tw/Tc/Tr/Tt: the same shape.) The last timer is the request's
// whole time in ms (`+` before it under `option logasap`); the accept date has milliseconds and
// no zone, so it is read in the import's zone. A canary behind HAProxy is a weighted server or
// backend named after its track (`checkout_canary/app2`, `checkout/app-canary`): `backend/server`
// is the host, which the host-name tagging rule reads, and the backend without a track word at
// its end is the service (`checkout_canary` and `checkout_stable` are both `checkout`). HAProxy's other lines (a server going
// DOWN, a proxy started) are kept as the syslog events they are, with no request.
import type { NewEvent } from '../../case/events.js';
import { wallClockAsUtc, wallTimeToUtc } from '../time.js';
import { parseSyslogLine } from './syslog.js';
import { type FormatContext, type LogFormat, blankEvent } from './types.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

// From the client to the queues; the captured headers and the request follow.
const HTTP_LOG = new RegExp(
  [
    String.raw`^(?<client>\S+):\d+`,
    String.raw`\[(?<date>(?<day>\d{2})\/(?<month>[A-Z][a-z]{2})\/(?<year>\d{4}):(?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2})\.(?<ms>\d{3}))\]`,
    String.raw`(?<frontend>\S+) (?<backend>[^\s/]+)\/(?<server>\S+)`,
    String.raw`-?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(?<total>-?\d+) (?<status>-?\d+) \+?\d+ \S+ \S+ (?<termination>\S{4})`,
    String.raw`\d+\/\d+\/\d+\/\d+\/\+?\d+ \d+\/\d+ (?<rest>.*)$`,
  ].join(' '),
);
// A probe finds the same start anywhere after a syslog header.
const PROBE =
  /\S+:\d+ \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2}\.\d{3}\] \S+ [^\s/]+\/\S+ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?-?\d+ -?\d+ /;
// The request line, quoted, after any captured headers (`{…}`, which may hold quotes).
const REQUEST = /"([^"]*)"?$/;
const TRACK_WORD = /^(.+?)[-_.](?:canary|stable|primary|baseline)$/i;

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

/** The part of a line HAProxy wrote, after a syslog header when there is one. */
function bodyOf(text: string): string {
  const start = PROBE.exec(text);
  return start === null ? text : text.slice(start.index);
}

/** One HTTP log entry (without a syslog header) into an event; null when it is not one. */
export function parseHaproxyHttp(body: string, lineNumber: number, raw: string, zone: string): Outcome | null {
  const g = HTTP_LOG.exec(body)?.groups;
  if (g === undefined) return null;
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
  const event = blankEvent(lineNumber, raw, wallTimeToUtc(wall, zone), dateText);
  // IPv6 clients are written unbracketed (`2001:db8::7:51234`): the port is after the last colon.
  event.clientIp = g.client?.replace(/^\[(.*)\]$/, '$1') ?? null;
  const backend = g.backend ?? '';
  event.host = `${backend}/${g.server}`;
  event.service = TRACK_WORD.exec(backend)?.[1] ?? backend;
  const total = Number(g.total);
  // -1: the request never completed (the client went away, the server never answered).
  event.durationMs = total >= 0 ? total : null;
  const status = Number(g.status);
  event.status = status >= 100 && status <= 599 ? status : null;
  const request = REQUEST.exec(g.rest ?? '')?.[1] ?? null;
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
    event.urlPath = path.startsWith('/') ? path.split(/[?#]/, 1)[0] || '/' : null;
  }
  return { ok: true, event };
}

function readLine(text: string, lineNumber: number, ctx: FormatContext): Outcome {
  const body = bodyOf(text);
  const request = parseHaproxyHttp(body, lineNumber, text, ctx.zone);
  if (request !== null) return request;
  // Not a request: HAProxy's own message in its syslog line, or a line no reader can place.
  const syslog = parseSyslogLine(text, lineNumber, ctx);
  if (syslog.ok) return syslog;
  return { ok: false, reason: 'neither an HAProxy HTTP log entry nor a syslog line' };
}

export const haproxyLogFormat: LogFormat = {
  name: 'haproxy-log',
  label: 'HAProxy HTTP log (option httplog), in syslog or raw',
  probe(sample) {
    if (sample.length === 0) return 0;
    const fits = sample.filter((line) => HTTP_LOG.test(bodyOf(line))).length / sample.length;
    // Above syslog's best: the same lines carry a syslog header.
    return fits < 0.5 ? 0 : 0.96 + 0.04 * fits;
  },
  open(ctx, sink) {
    return {
      line(number, text) {
        if (text.trim() === '') return;
        const outcome = readLine(text, number, ctx);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
