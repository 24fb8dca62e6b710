// Syslog files (/var/log/messages, auth.log, secure), one record per line, in the three
// shapes found on disk:
//   RFC 3164   `[<pri>]Mon dd [yyyy] HH:mm:ss host program[pid]: message`  (no zone; the year
//              only where a relay or device adds it)
//   RFC 5424   `<pri>1 2026-11-19T09:15:00.123Z host app procid msgid [sd…] message`
//   rsyslog    `2026-11-19T09:15:00.123456+00:00 host program[pid]: message` (RSYSLOG_FileFormat),
//              also journalctl's `-o short-iso` (`2026-11-19T09:15:00+0000`, no colon)
// RFC 3164 times are read in the import's zone and year. When the year is the default (the
// file's modification year, no `--year`), a line dated in a month after the month the file
// was last modified belongs to the year before: a file modified on 3 January holding
// 31 December lines spans New Year. With `--year` every line takes that year as given.
// sshd and PAM messages also give the user and the client's IP; whether a line is an
// authentication failure is decided for every format in classify.ts.
import type { NewEvent } from '../../case/events.js';
import { repeatedMessage } from '../classify.js';
import { parseTime, wallTimeToUtc } from '../time.js';
import { routerFields } from './herokuLog.js';
import { RepeatExpander } from './syslogRepeats.js';
import { type FormatContext, type LogFormat, blankEvent } from './types.js';

const MONTHS: Record<string, number> = {
  Jan: 1,
  Feb: 2,
  Mar: 3,
  Apr: 4,
  May: 5,
  Jun: 6,
  Jul: 7,
  Aug: 8,
  Sep: 9,
  Oct: 10,
  Nov: 11,
  Dec: 12,
};

// RFC 5424 severities (PRI mod 8), named as the other formats name levels.
const SEVERITIES = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'] as const;

const RFC3164 =
  /^(?:<(\d{1,3})>)?(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([ \d]\d) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})? +(\S+)(?: +(.*))?$/s;
const ISO_TIME = '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,9})?(?:Z|[+-]\\d{2}:?\\d{2})';
const RSYSLOG_ISO = new RegExp(`^(?:<(\\d{1,3})>)?(${ISO_TIME}) +(\\S+)(?: +(.*))?$`, 's');
const RFC5424 = /^<(\d{1,3})>(\d{1,2}) (\S+) (\S+) (\S+) (\S+) (\S+)(?: (.*))?$/s;
// `sshd[4242]: …`, `sshd(pam_unix)[19939]: …`, `sudo: …`, `kernel: …`.
// The `s` flag on the line patterns: a lone CR or U+2028 inside a line is text, not an end.
const PROGRAM = /^([^\s[\]:]{1,128})(?:\[(\d+)\])?:(?: (.*))?$/s;
const TAG_AS_HOST = /^[^\s[\]:]{1,128}\[\d+\]:$/;

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^(?=.*:)[0-9a-f:.]{2,45}$/i;

function ipOrNull(text: string | undefined): string | null {
  if (!text) return null;
  const bare = text.startsWith('::ffff:') && IPV4.test(text.slice(7)) ? text.slice(7) : text;
  return IPV4.test(bare) || IPV6.test(bare) ? bare : null;
}

// sshd, PAM and su messages that name a user and where they came from. The first match wins;
// each pattern gives the user, then the address (empty when the message names none).
const USER_FROM = String.raw`(?:invalid |illegal )?user (\S*)`;
const AUTH_FIELDS: readonly RegExp[] = [
  /^(?:Failed|Accepted) (?:password|publickey|keyboard-interactive\/pam|none|hostbased|gssapi-with-mic) for (?:invalid user |illegal user )?(\S*) from (\S+)/,
  /^(?:Invalid|Illegal) user (\S*) from (\S+)/,
  // sudo: `alice : TTY=pts/0 ; …`, `alice : user NOT in sudoers ; …`, `alice : 3 incorrect password attempts ; …`
  /^\s*([^\s:]+) : (?:TTY=|user NOT in sudoers|\d+ incorrect password attempts?)()/,
  new RegExp(
    String.raw`^(?:Connection closed|Disconnected|Received disconnect|Disconnecting) (?:by|from)? ?(?:authenticating )?${USER_FROM} (\S+)`,
  ),
  /^Disconnecting (?:invalid |authenticating )?user (\S+) (\S+)/,
  // `error: maximum authentication attempts exceeded for root from …`, `PAM: Authentication failure for x from …`
  /\bfor (?:invalid user |illegal user )?(\S+) from (\S+)/,
  /^User (\S+) from (\S+) not allowed because/,
  /^input_userauth_request: (?:invalid|illegal) user (\S+)()/,
  /^Disconnecting: Too many authentication failures for (?:invalid user |illegal user )?(\S+)()/,
  /^password check failed for user \((\S+)\)()/,
  /^subsystem request for \S+ by user (\S+)()/,
  /^pam_faillock\([\w-]+:auth\): Consecutive login failures for user (\S+)()/,
  // su: `FAILED SU (to root) bob on pts/1`: bob is the one who tried.
  /^FAILED SU \(to \S+\) (\S+) on()/,
];
// An address with no user: `Connection closed by 1.2.3.4 port 22` (or without the port, as
// older sshd writes it), `Received disconnect from 1.2.3.4: 11: Bye Bye`, `Unable to negotiate
// with …`, `Did not receive identification string from …`, `… [1.2.3.4] failed - POSSIBLE BREAK-IN ATTEMPT!`.
const ADDRESS_ONLY = /\b(?:from|by|with) (\S+?):?(?:\s|$)|\[([0-9A-Fa-f:.]+)\] failed\b/;

interface SyslogFields {
  user: string | null;
  clientIp: string | null;
}

/** The user and client IP an sshd, PAM or su message names, if it names them. */
export function authFieldsOf(text: string): SyslogFields {
  // rsyslog's `message repeated 3 times: [ Failed password …]` names them inside.
  const message = repeatedMessage(text);
  for (const pattern of AUTH_FIELDS) {
    const m = pattern.exec(message);
    if (m) return { user: m[1] || null, clientIp: ipOrNull(m[2]) };
  }
  // PAM: `… authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=1.2.3.4  user=root`
  if (/\brhost=|\buser=/.test(message)) {
    const rhost = /\brhost=(\S*)/.exec(message)?.[1];
    const user = /(?:^|[\s;])user=(\S+)/.exec(message)?.[1];
    return { user: user ?? null, clientIp: ipOrNull(rhost) };
  }
  const address = ADDRESS_ONLY.exec(message);
  return { user: null, clientIp: ipOrNull(address?.[1] ?? address?.[2]) };
}

function severityOf(pri: string | undefined): { ok: true; level: string | null } | { ok: false; reason: string } {
  if (pri === undefined) return { ok: true, level: null };
  const n = Number(pri);
  if (n > 191) return { ok: false, reason: `priority <${pri}> is above 191 (facility 23, severity 7)` };
  return { ok: true, level: SEVERITIES[n % 8] ?? null };
}

/** `sshd(pam_unix)` (old PAM style) is sshd; the module is in the message. */
function serviceOf(program: string): string {
  return program.replace(/\(pam_\w+\)$/, '');
}

/** Fills program, pid-less service, message, user and IP from `program[pid]: message`. */
function fillBody(event: NewEvent, body: string): void {
  const m = PROGRAM.exec(body);
  if (m?.[1]) {
    event.service = serviceOf(m[1]);
    event.message = m[3] ?? '';
  } else {
    // A tag syslog does not parse (`syslogd 1.4.1: restart.`, `-- MARK --`): all of it is message.
    event.message = body;
  }
  const fields = authFieldsOf(event.message);
  event.user = fields.user;
  event.clientIp = fields.clientIp;
}

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysIn(month: number, year: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function parse3164(m: RegExpExecArray, line: number, text: string, ctx: FormatContext): Outcome {
  const [, pri, mon = '', dd = '', written, hh = '', mi = '', ss = '', hostField = '', bodyField] = m;
  // A line written without a host name (`Feb 22 10:21:43  sshd[1332]: …`, two spaces): what
  // follows the time is the program's tag.
  const hostless = TAG_AS_HOST.test(hostField);
  const host = hostless ? null : hostField;
  const body = hostless ? (bodyField === undefined ? hostField : `${hostField} ${bodyField}`) : bodyField;
  const severity = severityOf(pri);
  if (!severity.ok) return severity;
  const month = MONTHS[mon] ?? 0;
  const year =
    written !== undefined
      ? Number(written)
      : ctx.modifiedMonth !== undefined && month > ctx.modifiedMonth
        ? ctx.year - 1
        : ctx.year;
  const day = Number(dd);
  const [hour, minute, second] = [Number(hh), Number(mi), Number(ss)];
  if (day < 1 || day > daysIn(month, year)) {
    return { ok: false, reason: `${mon} ${day} does not exist in ${year}` };
  }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: `${hh}:${mi}:${ss} is not a time of day` };
  if (body === undefined) return { ok: false, reason: 'nothing after the host name (no program, no message)' };
  const ts = wallTimeToUtc(Date.UTC(year, month - 1, day, hour, minute, second), ctx.zone);
  const tsText = text.slice(pri === undefined ? 0 : pri.length + 2).slice(0, written === undefined ? 15 : 20);
  const event = blankEvent(line, text, ts, tsText);
  event.level = severity.level;
  event.host = host;
  fillBody(event, body);
  return { ok: true, event };
}

function parseIso(m: RegExpExecArray, line: number, text: string, ctx: FormatContext): Outcome {
  const [, pri, time = '', host = '', body] = m;
  const severity = severityOf(pri);
  if (!severity.ok) return severity;
  const parsed = parseTime(time, ctx.zone);
  if (!parsed.ok) return parsed;
  if (body === undefined) return { ok: false, reason: 'nothing after the host name (no program, no message)' };
  const event = blankEvent(line, text, parsed.ms, time);
  event.level = severity.level;
  event.host = host;
  fillBody(event, body);
  return { ok: true, event };
}

const nil = (value: string | undefined): string | null => (value === undefined || value === '-' ? null : value);

/** Splits RFC 5424 structured data (`-` or `[id k="v"]…`, `\]` escaped) from the message. */
function splitStructuredData(rest: string): { ok: true; message: string } | { ok: false; reason: string } {
  if (rest.startsWith('-')) return { ok: true, message: rest.slice(1).replace(/^ /, '') };
  if (!rest.startsWith('[')) return { ok: false, reason: 'structured data is neither "-" nor "[…]"' };
  let i = 0;
  while (rest[i] === '[') {
    i += 1;
    let inQuotes = false;
    for (; i < rest.length; i += 1) {
      const c = rest[i];
      if (c === '\\') i += 1;
      else if (c === '"') inQuotes = !inQuotes;
      else if (c === ']' && !inQuotes) break;
    }
    if (i >= rest.length) return { ok: false, reason: 'structured data is not closed with "]"' };
    i += 1;
  }
  return { ok: true, message: rest.slice(i).replace(/^ /, '') };
}

function parse5424(m: RegExpExecArray, line: number, text: string, ctx: FormatContext): Outcome {
  const [, pri, version, time = '', host, app, procid, , rest] = m;
  if (version !== '1') return { ok: false, reason: `RFC 5424 version ${version} is not 1` };
  const severity = severityOf(pri);
  if (!severity.ok) return severity;
  if (time === '-') return { ok: false, reason: 'no timestamp (RFC 5424 "-")' };
  const parsed = parseTime(time, ctx.zone);
  if (!parsed.ok) return parsed;
  // Heroku's Logplex drains frame lines without the structured-data field (`… heroku router - at=info …`).
  const logplex = app === 'heroku' || app === 'app';
  const split = splitStructuredData(rest ?? '-');
  const sd = !split.ok && logplex ? { ok: true as const, message: rest ?? '' } : split;
  if (!sd.ok) return sd;
  const event = blankEvent(line, text, parsed.ms, time);
  event.level = severity.level;
  event.host = nil(host);
  const program = nil(app);
  event.service = program === null ? null : serviceOf(program);
  // A UTF-8 message starts with a byte-order mark (RFC 5424 §6.4).
  event.message = sd.message.replace(/^\uFEFF/, '');
  if (app === 'heroku' && procid === 'router' && routerFields(event, event.message)) return { ok: true, event };
  const fields = authFieldsOf(event.message);
  event.user = fields.user;
  event.clientIp = fields.clientIp;
  return { ok: true, event };
}

export function parseSyslogLine(text: string, line: number, ctx: FormatContext): Outcome {
  let m = RFC5424.exec(text);
  if (m) return parse5424(m, line, text, ctx);
  m = RFC3164.exec(text);
  if (m) return parse3164(m, line, text, ctx);
  m = RSYSLOG_ISO.exec(text);
  if (m) return parseIso(m, line, text, ctx);
  return { ok: false, reason: 'not a syslog line (RFC 3164, RFC 5424 or ISO-timestamp syslog)' };
}

// What a probe accepts: the shapes above with a `program:` tag where the shape has one.
const PROBE_3164 =
  /^(?:<\d{1,3}>)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d (?:\d{4} )?\d{2}:\d{2}:\d{2} \S+ /;
const PROBE_ISO = new RegExp(`^(?:<\\d{1,3}>)?${ISO_TIME} \\S+ [^\\s[\\]:]+(?:\\[\\d+\\])?: `);
const PROBE_5424 = /^<\d{1,3}>1 \S+ \S+ \S+ \S+ \S+ /;
// Application logs put a level where syslog puts the host: `2026-… ERROR app: …` is not syslog.
const LEVEL_AS_HOST = new RegExp(`^${ISO_TIME} (?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|CRITICAL) `);

export const syslogFormat: LogFormat = {
  name: 'syslog',
  label: 'syslog and auth.log (RFC 3164, RFC 5424, rsyslog ISO timestamps)',
  probe(sample) {
    if (sample.length === 0) return 0;
    let fits = 0;
    for (const line of sample) {
      if (LEVEL_AS_HOST.test(line)) continue;
      if (PROBE_5424.test(line) || PROBE_3164.test(line) || PROBE_ISO.test(line)) fits += 1;
    }
    const share = fits / sample.length;
    return share < 0.5 ? 0 : 0.5 + 0.45 * share;
  },
  open(ctx, sink) {
    const repeats = new RepeatExpander();
    return {
      line(number, text) {
        if (text.trim() === '') return;
        const outcome = parseSyslogLine(text, number, ctx);
        if (!outcome.ok) {
          sink.reject(number, outcome.reason, text);
          return;
        }
        const expanded = repeats.expand(outcome.event);
        if ('reject' in expanded) sink.reject(number, expanded.reject, text);
        else for (let i = 0; i < expanded.copies; i += 1) sink.event({ ...expanded.event });
      },
      end() {},
    };
  },
};
