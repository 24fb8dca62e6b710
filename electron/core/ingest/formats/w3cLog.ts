// The W3C Extended Log File Format: Microsoft IIS's default log (and Azure App Service's, and
// CloudFront's). Lines starting with `#` are directives; `#Fields:` names the space-separated
// fields of the lines after it, and may name others further down (IIS writes a new header
// when the server restarts or its logging changes). A value with spaces has them written as
// `+` (the user agent), and `-` is none. `date` and `time` are UTC: the format says so, and
// IIS writes them so whatever the server's zone. `time-taken` is milliseconds as IIS writes it
// (a whole number); with a decimal point it is seconds, as the W3C draft and CloudFront write it.
// The server (`s-computername`, else its address, else the site or the Host header) is the host:
// a canary is a server or a slot of its own, which the host-name tagging rule reads.
import type { NewEvent } from '../../case/events.js';
import { wallClockAsUtc } from '../time.js';
import { type LogFormat, blankEvent } from './types.js';
import { clip } from '../clip.js';

const DIRECTIVE = /^#(Version|Fields|Software|Date|Start-Date|End-Date|Remark):/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

type Outcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

/** A field's value: `-` is none; IIS writes the spaces of a value as `+`. */
function valueOf(value: string | undefined, plusIsSpace = false): string | null {
  if (value === undefined || value === '-' || value === '') return null;
  return plusIsSpace ? value.replace(/\+/g, ' ') : value;
}

/** The field names of a `#Fields:` directive, lower case (`cs(User-Agent)` → `cs(user-agent)`). */
function fieldsOf(directive: string): string[] {
  return directive
    .slice('#Fields:'.length)
    .trim()
    .split(/\s+/)
    .map((f) => f.toLowerCase());
}

function timeOf(
  dateText: string | null,
  timeText: string | null,
): { ok: true; ms: number } | { ok: false; reason: string } {
  const d = dateText === null ? null : DATE.exec(dateText);
  const t = timeText === null ? null : TIME.exec(timeText);
  if (d === null || t === null) {
    return {
      ok: false,
      reason: `date and time "${clip(`${dateText ?? '-'} ${timeText ?? '-'}`)}" are not YYYY-MM-DD HH:mm:ss`,
    };
  }
  const ms = wallClockAsUtc({
    year: Number(d[1]),
    month: Number(d[2]),
    day: Number(d[3]),
    hour: Number(t[1]),
    minute: Number(t[2]),
    second: Number(t[3]),
    ms: Number((t[4] ?? '0').padEnd(3, '0')),
  });
  return ms === null
    ? { ok: false, reason: `date and time "${dateText} ${timeText}" are not a real date and time in 1990–2099` }
    : { ok: true, ms };
}

/** One line of values under `fields` into an event. */
export function parseW3cLine(fields: readonly string[], text: string, lineNumber: number): Outcome {
  // IIS separates with spaces, CloudFront with tabs.
  const values = text.split(text.includes('\t') ? '\t' : ' ');
  if (values.length !== fields.length) {
    return { ok: false, reason: `${values.length} fields where the #Fields directive above names ${fields.length}` };
  }
  const get = (name: string, plusIsSpace = false): string | null => {
    const at = fields.indexOf(name);
    return at < 0 ? null : valueOf(values[at], plusIsSpace);
  };
  const dateText = get('date');
  const timeText = get('time');
  const time = timeOf(dateText, timeText);
  if (!time.ok) return time;
  const event = blankEvent(lineNumber, text, time.ms, `${dateText} ${timeText}`);
  const status = get('sc-status');
  if (status !== null) {
    if (!/^\d{3}$/.test(status)) return { ok: false, reason: `sc-status "${clip(status)}" is not an HTTP status` };
    // CloudFront's 000: the viewer closed the connection before a response. A request, no status.
    event.status = /^[1-5]/.test(status) ? Number(status) : null;
  }
  const taken = get('time-taken');
  if (taken !== null) {
    if (!/^\d+(?:\.\d+)?$/.test(taken)) return { ok: false, reason: `time-taken "${clip(taken)}" is not a number` };
    event.durationMs = taken.includes('.') ? Number(taken) * 1000 : Number(taken);
  }
  event.httpMethod = get('cs-method');
  event.urlPath = get('cs-uri-stem');
  event.clientIp = get('c-ip');
  event.user = get('cs-username', true);
  // Azure App Service writes no address but the site (a slot: `app__canary`); CloudFront only
  // the distribution's host name.
  event.host = get('s-computername') ?? get('s-ip') ?? get('s-sitename') ?? get('cs-host') ?? get('x-host-header');
  const query = get('cs-uri-query');
  const substatus = get('sc-substatus');
  const shownStatus =
    status === null ? '' : ` ${status}${substatus !== null && substatus !== '0' ? `.${substatus}` : ''}`;
  event.message = `${event.httpMethod ?? '-'} ${event.urlPath ?? '-'}${query === null ? '' : `?${query}`}${shownStatus}`;
  return { ok: true, event };
}

export const w3cLogFormat: LogFormat = {
  name: 'w3c-log',
  label: 'W3C extended log (IIS, Azure App Service, CloudFront)',
  probe(sample) {
    const fields = sample.find((line) => line.startsWith('#Fields:'));
    if (fields === undefined) return 0;
    const names = fieldsOf(fields);
    // The directives leave no doubt once they name a date and a time.
    return names.includes('date') && names.includes('time') ? 0.99 : 0;
  },
  open(_ctx, sink) {
    let fields: string[] | null = null;
    return {
      line(number, text) {
        if (text.trim() === '') return;
        if (text.startsWith('#')) {
          if (text.startsWith('#Fields:')) fields = fieldsOf(text);
          else if (!DIRECTIVE.test(text)) sink.reject(number, 'not a W3C directive (#Fields:, #Version:, …)', text);
          return;
        }
        if (fields === null) {
          sink.reject(number, 'no #Fields directive above this line names its fields', text);
          return;
        }
        const outcome = parseW3cLine(fields, text, number);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
