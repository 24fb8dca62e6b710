// Zeek's (formerly Bro's) logs in their default tab-separated form: `#` directives name the
// separator (`#separator \x09`, escaped), the text of an unset (`-`) and of an empty field
// (`(empty)`), the log's kind (`#path http`) and its fields (`#fields ts uid id.orig_h …`), then
// one record a line. A security team's sensor sees the traffic to the canary and to stable
// alike; what Coalmine reads of it:
//   every log   `ts` (epoch seconds, UTC) as the time, `id.orig_h` as the client, `id.resp_h`
//               as the host, `duration` (seconds) as the duration;
//   http.log    the request (`method`, `host` — the Host header, which names a canary site
//               better than an address — `uri`, `status_code`, `username`);
//   ssh.log     `auth_success` F is an authentication failure (rule `zeek-ssh-auth-failure`),
//               with its `auth_attempts`.
// The other logs (conn, dns, ssl, …) are kept as events with their kind and endpoints.
import type { NewEvent } from '../../case/events.js';
import { type LogFormat, blankEvent } from './types.js';
import { clip } from '../clip.js';
import { inSupportedYears } from '../time.js';

const EPOCH = /^\d{9,10}(?:\.\d{1,9})?$/;
const INTERVAL = /^\d+(?:\.\d+)?$/;

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

interface Header {
  separator: string;
  unset: string;
  empty: string;
  path: string;
  fields: string[] | null;
}

/** `\x09` and the like, as Zeek writes its separator. */
function unescape(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function newHeader(): Header {
  return { separator: '\t', unset: '-', empty: '(empty)', path: 'zeek', fields: null };
}

/** Applies one `#` directive to `header`; false when the line is not one Zeek writes. */
function direct(header: Header, line: string): boolean {
  if (line.startsWith('#separator ')) {
    header.separator = unescape(line.slice('#separator '.length));
    return true;
  }
  const at = line.indexOf(header.separator);
  const name = at < 0 ? line : line.slice(0, at);
  const value = at < 0 ? '' : line.slice(at + header.separator.length);
  switch (name) {
    case '#fields':
      header.fields = value.split(header.separator);
      return true;
    case '#unset_field':
      header.unset = value;
      return true;
    case '#empty_field':
      header.empty = value;
      return true;
    case '#path':
      header.path = value;
      return true;
    case '#set_separator':
    case '#types':
    case '#open':
    case '#close':
      return true;
    default:
      return false;
  }
}

/** One record under `header`, whose `#fields` directive named `fields`, into an event. */
export function parseZeekRecord(header: Header, fields: readonly string[], text: string, lineNumber: number): Outcome {
  const values = text.split(header.separator);
  if (values.length !== fields.length) {
    return {
      ok: false,
      reason: `${values.length} fields where the #fields directive above names ${fields.length}`,
    };
  }
  const get = (name: string): string | null => {
    const at = fields.indexOf(name);
    const value = at < 0 ? undefined : values[at];
    if (value === undefined || value === header.unset) return null;
    // Zeek escapes the separator and non-printable bytes in a value as \xNN.
    return value === header.empty ? '' : unescape(value);
  };
  const ts = get('ts');
  if (ts === null || !EPOCH.test(ts)) return { ok: false, reason: `ts "${clip(ts ?? '-')}" is not epoch seconds` };
  const ms = Math.round(Number(ts) * 1000);
  if (!inSupportedYears(ms)) return { ok: false, reason: `ts ${ts} is outside 1990–2099` };
  const event = blankEvent(lineNumber, text, ms, ts);
  event.clientIp = get('id.orig_h');
  event.host = get('id.resp_h');
  const duration = get('duration');
  if (duration !== null && INTERVAL.test(duration)) event.durationMs = Number(duration) * 1000;
  const endpoints = `${event.clientIp ?? '-'} → ${event.host ?? '-'}:${get('id.resp_p') ?? '-'}`;
  event.message = `${header.path} ${endpoints}`;
  if (header.path === 'http') {
    const status = get('status_code');
    if (status !== null) {
      if (!/^\d{1,4}$/.test(status)) return { ok: false, reason: `status_code "${clip(status)}" is not a number` };
      // A code outside the HTTP classes (0: no reply seen) is a request without a status; the
      // message keeps it.
      event.status = /^[1-5]\d\d$/.test(status) ? Number(status) : null;
    }
    event.httpMethod = get('method');
    const uri = get('uri');
    event.urlPath = uri === null ? null : uri.split(/[?#]/, 1)[0] || '/';
    event.host = get('host') ?? event.host;
    event.user = get('username');
    event.message =
      `${event.httpMethod ?? '-'} ${get('host') ?? ''}${uri ?? '-'} ${status ?? '-'} ${get('status_msg') ?? ''}`.trim();
  } else if (header.path === 'ssh') {
    const success = get('auth_success');
    const attempts = get('auth_attempts');
    const outcome = success === 'T' ? 'login succeeded' : success === 'F' ? 'login failed' : 'no login seen';
    const tries =
      attempts === null || attempts === '0' ? '' : ` after ${attempts} attempt${attempts === '1' ? '' : 's'}`;
    event.message = `ssh ${outcome}${tries}: ${endpoints}`;
    if (success === 'F') event.authRule = 'zeek-ssh-auth-failure';
  }
  return { ok: true, event };
}

export const zeekLogFormat: LogFormat = {
  name: 'zeek-log',
  label: 'Zeek (Bro) logs, tab-separated with #fields (http, ssh, conn, …)',
  probe(sample) {
    const first = sample[0] ?? '';
    return first.startsWith('#separator ') && sample.some((line) => line.startsWith('#fields')) ? 0.99 : 0;
  },
  open(_ctx, sink) {
    const header = newHeader();
    return {
      line(number, text) {
        if (text === '') return;
        if (text.startsWith('#')) {
          if (!direct(header, text)) sink.reject(number, 'not a Zeek directive (#fields, #path, …)', text);
          return;
        }
        const { fields } = header;
        if (fields === null) {
          sink.reject(number, 'no #fields directive above this line names its fields', text);
          return;
        }
        const outcome = parseZeekRecord(header, fields, text, number);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
