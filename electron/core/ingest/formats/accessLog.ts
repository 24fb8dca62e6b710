// nginx and Apache access logs: the common and combined formats and their usual extensions,
//   [%v[:%p] | $host] %h %l %u [%t] "%r" %>s %b ["%{Referer}i" "%{User-Agent}i"] [tail…]
// A virtual host may come first; the tail may hold more quoted fields (lnav's sample ends in
// an extra "-"), the netnea extended fields (…%I %O %{ratio}n%% %D …), or the request time.
// The request time, when found, is read from the tail:
//   - `rt=` / `request_time=` (nginx key=value formats): seconds;
//   - the number after the `N%` compression ratio (netnea's extended format): %D, microseconds;
//   - else the last field, if it is a number: with a decimal point nginx's $request_time
//     (seconds), an integer Apache's %D (microseconds). Apache's %T (whole seconds) cannot be
//     told from %D by its look: such files are read with `options.requestTimeUnit: 's'`.
// The time's own offset is honoured. The query string is dropped from `url.path` (it may hold
// tokens) and kept in the raw line; the user agent and referer stay in the raw line only.
import type { NewEvent } from '../../case/events.js';
import { type LogFormat, blankEvent } from './types.js';

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`;
/** One access-log line (exported for the benchmark's baseline). */
export const ACCESS_LOG_LINE = new RegExp(
  String.raw`^(?:(\S+) )?(\S+) (\S+) (\S+) \[([^\]]*)\] ${QUOTED} (\S+) (\S+)(?: ${QUOTED} ${QUOTED})?(.*)$`,
);
const TIME = /^(\d{2})\/([A-Z][a-z]{2})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
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
const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

type TimeUnit = 's' | 'ms' | 'us';
const UNIT_MS: Record<TimeUnit, number> = { s: 1000, ms: 1, us: 0.001 };

export type AccessOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

/** `[dd/Mon/yyyy:HH:mm:ss ±zzzz]` to UTC ms, or why not. */
export function parseAccessTime(text: string): { ok: true; ms: number } | { ok: false; reason: string } {
  const m = TIME.exec(text);
  if (!m) return { ok: false, reason: `time "${clip(text)}" is not dd/Mon/yyyy:HH:mm:ss ±zzzz` };
  const [, d, mon, y, h, mi, s, sign, oh, om] = m as unknown as string[];
  const month = MONTHS[mon as string];
  const day = Number(d);
  const year = Number(y);
  const wall = Date.UTC(year, month ?? 0, day, Number(h), Number(mi), Number(s));
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
  if (ms < EARLIEST || ms >= LATEST) return { ok: false, reason: `time "${clip(text)}" is outside 1990–2099` };
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

const NUMBER = /^\d+(?:\.\d+)?$/;

/** The request time in ms from the fields after the user agent, or null when none is there. */
function requestTimeMs(tail: string, integerUnit: TimeUnit): number | null {
  const fields = tail.trim().split(/\s+/);
  for (const f of fields) {
    const kv = /^(?:rt|request_time)=(\d+(?:\.\d+)?)$/.exec(f);
    if (kv) return Number(kv[1]) * 1000;
  }
  for (let i = 0; i + 1 < fields.length; i += 1) {
    if (/^(?:\d+|-)%$/.test(fields[i] as string) && /^\d+$/.test(fields[i + 1] as string)) {
      return Number(fields[i + 1]) / 1000;
    }
  }
  const last = fields.at(-1) ?? '';
  if (!NUMBER.test(last)) return null;
  return last.includes('.') ? Number(last) * 1000 : Number(last) * UNIT_MS[integerUnit];
}

function dash(value: string | undefined): string | null {
  return value === undefined || value === '-' || value === '' ? null : value;
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
  const m = ACCESS_LOG_LINE.exec(line);
  if (!m) {
    return {
      ok: false,
      reason: 'not an access-log line (expected: host ident user [time] "request" status bytes …)',
    };
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
    const target = parts[1] as string;
    event.urlPath = target.split(/[?#]/, 1)[0] || '/';
  }
  event.status = status;
  event.message = request;
  event.clientIp = dash(client);
  event.user = dash(user);
  event.host = vhostName(vhost);
  event.durationMs = requestTimeMs(tail, integerUnit);
  return { ok: true, event };
}

export const accessLogFormat: LogFormat = {
  name: 'access-log',
  label: 'nginx / Apache access log (common, combined, with virtual host or request time)',
  probe(sample) {
    const fits = sample.filter((line) => {
      const m = ACCESS_LOG_LINE.exec(line);
      return m !== null && TIME.test(m[5] ?? '');
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
