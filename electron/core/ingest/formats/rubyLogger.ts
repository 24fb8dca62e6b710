// The line Ruby's Logger writes with its default formatter (Rails' production.log):
//   I, [2024-05-01T10:00:00.123456 #4242]  INFO -- progname: [tag] [tag] message
// Read by ruby-log, and inside a container's or Heroku's envelope (innerLine.ts). The message
// is read with its own format's mapping without the tags; a message of free text keeps them.
import { wallClockAsUtc, wallTimeToUtc } from '../time.js';

export const RUBY_LINE =
  /^([DIWEFAU]), \[(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? #\d+\] +(DEBUG|INFO|WARN|ERROR|FATAL|UNKNOWN|ANY) -- ([^:]*): ?(.*)$/s;
// Rails' tags before the message: `[f7a3…] [shop.example.com] …`.
const TAGS = /^(?:\[[^\]]*\] )+/;

export interface RubyHeader {
  time: { ms: number; text: string } | { bad: string };
  level: string;
  /** The message as written, and without Rails' tags: what lograge's pairs or JSON are read from. */
  message: string;
  body: string;
}

/**
 * A Logger line's time (local, without a zone: read in `zone`), severity and message; null
 * when the line is not one.
 */
export function rubyLoggerHeader(text: string, zone: string): RubyHeader | null {
  const m = RUBY_LINE.exec(text);
  if (!m) return null;
  const [, , y, mo, d, h, mi, s, frac = '', severity = '', , message = ''] = m;
  const shown = text.slice(4, text.indexOf(' #'));
  const wall = wallClockAsUtc({
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    ms: frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
  });
  return {
    time:
      wall !== null
        ? { ms: wallTimeToUtc(wall, zone), text: shown }
        : { bad: `time "${shown}" is not a real date and time` },
    level: severity === 'ANY' || severity === 'UNKNOWN' ? 'unknown' : severity.toLowerCase(),
    message,
    body: message.replace(TAGS, ''),
  };
}

/** Reads a Logger line's body with `read`; free text (read back as the body itself) keeps its tags. */
export function withTags<T extends { ok: true; event: { message: string | null } } | { ok: false; reason: string }>(
  header: RubyHeader,
  read: (body: string) => T,
): T {
  const outcome = read(header.body);
  if (outcome.ok && outcome.event.message === header.body) outcome.event.message = header.message;
  return outcome;
}

// Rails (ActionController's log subscriber) ends each request without lograge with
//   Completed 500 Internal Server Error in 45ms (Views: 1.2ms | ActiveRecord: 2.1ms | Allocations: 812)
// after its tags: the request's status and its whole time in milliseconds.
const RAILS_COMPLETED = /^(?:\[[^\]]*\] )*Completed ([1-5]\d\d)\b.*? in (\d+(?:\.\d+)?)ms(?:\s|$)/;

/** The status and duration of Rails' `Completed 200 OK in 12ms` line, or null for any other text. */
export function railsCompleted(text: string): { status: number; durationMs: number } | null {
  const m = RAILS_COMPLETED.exec(text);
  return m ? { status: Number(m[1]), durationMs: Number(m[2]) } : null;
}
