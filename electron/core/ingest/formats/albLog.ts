// AWS Elastic Load Balancing access logs, as the load balancer writes them to S3, one request
// a line, space-separated, the request and user agent quoted:
//   Application Load Balancer
//     type time elb client:port target:port request_processing_time target_processing_time
//     response_processing_time elb_status_code target_status_code received_bytes sent_bytes
//     "request" "user_agent" ssl_cipher ssl_protocol target_group_arn "trace_id" "domain_name"
//     "chosen_cert_arn" matched_rule_priority request_creation_time "actions_executed"
//     "redirect_url" "error_reason" "target:port_list" "target_status_code_list"
//     "classification" "classification_reason" [conn_trace_id …]
//   Classic Load Balancer: the same from `time` to ssl_protocol, without `type`.
// AWS adds fields at the end over time: the ones after those above are not read.
// `time` (UTC) is when an ALB generated its response, but when a Classic load balancer received
// the request; the status is the one the client got (elb_status_code). The duration is the
// three processing times added (seconds), each a step AWS documents. A -1 among them means the
// request was not processed to the end (the target closed the connection, or never answered
// before the idle timeout): those are the 502s and 504s, the slowest requests of all, so an
// ALB line takes its duration then from `time` − request_creation_time (when the request was
// received), the whole time the client waited. A Classic line has no such field: no duration.
// The target group's name (from its ARN) is the host:
// canary rollouts with weighted target groups name them after their track
// (`checkout-canary`), which the host-name tagging rule reads.
import type { NewEvent } from '../../case/events.js';
import { parseTime } from '../time.js';
import { type LogFormat, blankEvent } from './types.js';
import { clip } from '../clip.js';

const TOKEN = /"(?:[^"\\]|\\.)*"|\S+/g;
const ALB_TYPES = new Set(['http', 'https', 'h2', 'grpcs', 'ws', 'wss']);
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z$/;
const PROBE_ALB = /^(?:http|https|h2|grpcs|ws|wss) \d{4}-\d{2}-\d{2}T\S+Z \S+ \S+ \S+ -?\d/;
const PROBE_CLASSIC =
  /^\d{4}-\d{2}-\d{2}T\S+Z \S+ \S+:\d+ \S+ -?\d+(?:\.\d+)? -?\d+(?:\.\d+)? -?\d+(?:\.\d+)? (?:\d{3}|-) /;

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

function unquote(token: string | undefined): string | null {
  if (token === undefined) return null;
  const bare = token.startsWith('"') && token.endsWith('"') && token.length >= 2 ? token.slice(1, -1) : token;
  return bare === '-' || bare === '' ? null : bare;
}

/**
 * The address of a `client:port` field. The load balancer always writes the port, after the
 * last colon, an IPv6 address's too (`2001:db8::7:443`, or bracketed); `-` is none.
 */
function addressOf(token: string | undefined): string | null {
  const value = unquote(token);
  if (value === null) return null;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:\d+$/.exec(value);
  if (bracketed) return bracketed[1] ?? null;
  return /^(.+):\d+$/.exec(value)?.[1] ?? value;
}

/** The name in `arn:aws:elasticloadbalancing:…:targetgroup/<name>/<id>`, or null. */
export function targetGroupName(arn: string | null): string | null {
  return arn === null ? null : (/:targetgroup\/([^/\s]+)\//.exec(arn)?.[1] ?? null);
}

/**
 * Milliseconds from an ALB's request_creation_time to its `time` (the response), or null when
 * the field is missing or not a time that comes before it.
 */
function waitedMs(responseMs: number, created: string | null): number | null {
  if (created === null || !TIME.test(created)) return null;
  const start = parseTime(created, 'UTC');
  if (!start.ok || start.ms > responseMs) return null;
  return responseMs - start.ms;
}

/** One ELB access-log line into an event (ALB when `type` leads it, else Classic). */
export function parseElbLine(line: string, lineNumber: number): Outcome {
  const tokens = line.match(TOKEN) ?? [];
  const alb = ALB_TYPES.has(tokens[0] ?? '');
  const f = alb ? tokens.slice(1) : tokens;
  // time elb client target t1 t2 t3 elb_status target_status received sent "request"
  if (f.length < 12) {
    return { ok: false, reason: `${f.length} fields where an ELB access log has at least 12 (truncated line?)` };
  }
  const [
    timeText = '',
    ,
    client,
    ,
    t1 = '',
    t2 = '',
    t3 = '',
    elbStatus = '',
    ,
    received = '',
    sent = '',
    request = '',
  ] = f;
  if (!TIME.test(timeText)) return { ok: false, reason: `time "${clip(timeText)}" is not ISO 8601 UTC` };
  const time = parseTime(timeText, 'UTC');
  if (!time.ok) return time;
  const times = [t1, t2, t3];
  if (!times.every((t) => /^(?:-1|\d+(?:\.\d+)?)$/.test(t))) {
    return { ok: false, reason: `processing times "${clip(times.join(' '))}" are not seconds (or -1)` };
  }
  if (elbStatus !== '-' && !/^[1-5]\d\d$/.test(elbStatus)) {
    return { ok: false, reason: `elb_status_code "${clip(elbStatus)}" is not an HTTP status` };
  }
  if (!/^(?:\d+|-)$/.test(received) || !/^(?:\d+|-)$/.test(sent)) {
    return { ok: false, reason: `byte counts "${clip(`${received} ${sent}`)}" are not numbers` };
  }
  if (!request.startsWith('"') || !request.endsWith('"') || request.length < 2) {
    return { ok: false, reason: 'the request is not quoted (truncated line?)' };
  }
  const event = blankEvent(lineNumber, line, time.ms, timeText);
  event.status = elbStatus === '-' ? null : Number(elbStatus);
  event.durationMs = times.includes('-1')
    ? alb
      ? waitedMs(time.ms, unquote(f[20]))
      : null
    : times.reduce((sum, t) => sum + Number(t), 0) * 1000;
  event.clientIp = addressOf(client);
  const requestLine = unquote(request);
  event.message = requestLine;
  // "GET https://shop.example.com:443/cart?x=1 HTTP/1.1"; "- - - " when no request was read.
  const m = requestLine === null ? null : /^([A-Z][A-Z-]*) (\S+)(?: \S+)?$/.exec(requestLine);
  let urlHost: string | null = null;
  if (m) {
    event.httpMethod = m[1] ?? null;
    // The host is a name, an IPv4 address or a bracketed IPv6 literal (`[2001:db8::1]:443`).
    const url = /^[a-z][a-z0-9+.-]*:\/\/(?:\[([0-9A-Fa-f:.]+)\]|([^/:?#[\]]+))(?::\d+)?(\/[^?#]*)?/i.exec(m[2] ?? '');
    if (url) {
      urlHost = url[1] ?? url[2] ?? null;
      event.urlPath = url[3] || '/';
    } else if ((m[2] ?? '').startsWith('/')) {
      event.urlPath = (m[2] ?? '/').split(/[?#]/, 1)[0] || '/';
    }
  }
  const targetGroup = alb ? targetGroupName(unquote(f[15])) : null;
  event.host = targetGroup ?? unquote(f[17]) ?? urlHost;
  const errorReason = alb ? unquote(f[23]) : null;
  if (errorReason !== null) event.message = `${requestLine ?? '-'} (${errorReason})`;
  return { ok: true, event };
}

export const elbLogFormat: LogFormat = {
  name: 'elb-log',
  label: 'AWS load balancer access log (Application Load Balancer, Classic)',
  probe(sample) {
    if (sample.length === 0) return 0;
    const fits = sample.filter((line) => PROBE_ALB.test(line) || PROBE_CLASSIC.test(line)).length / sample.length;
    return fits < 0.5 ? 0 : 0.6 + 0.4 * fits;
  },
  open(_ctx, sink) {
    return {
      line(number, text) {
        if (text.trim() === '') return;
        const outcome = parseElbLine(text, number);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
