// Ruby's Logger, as Rails writes production.log with it (its default formatter):
//   I, [2024-05-01T10:00:00.123456 #4242]  INFO -- : [req-7f3a] method=GET path=/cart … duration=12.34
//   <severity letter>, [<local time> #<pid>] <SEVERITY> -- <progname>: <message>
// Rails' tagged logging puts `[tag]`s (request id, subdomain) before the message; lograge puts
// one request as key=value pairs (its default) or JSON in it. The message is read with its own
// format's mapping (innerLine.ts: lograge's bare `duration` is milliseconds), the Logger's
// time — local, without a zone, so read in the import's — where the message has none. Lines
// that are not a Logger line (an exception's backtrace, printed after the line that logged
// it) join the record above, and Ruby's `Type (message):` names its exception.
import { wallTimeToUtc } from '../time.js';
import { innerLineToEvent } from './innerLine.js';
import { multilineParser } from './multiline.js';
import type { LogFormat } from './types.js';

const RUBY_LINE =
  /^([DIWEFAU]), \[(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? #\d+\] +(DEBUG|INFO|WARN|ERROR|FATAL|UNKNOWN|ANY) -- ([^:]*): ?(.*)$/s;
// Rails' tags before the message: `[f7a3…] [shop.example.com] …`.
const TAGS = /^(?:\[[^\]]*\] )+/;
// `ActionController::RoutingError (No route matches [GET] "/x"):`, `NoMethodError (undefined method …):`
const RUBY_EXCEPTION = /^\s*((?:[A-Z]\w*::)*[A-Z]\w*) \((.*)\):\s*$/s;

interface RubyHeader {
  time: { ms: number; text: string } | { bad: string };
  level: string;
  message: string;
}

function headerOf(text: string, zone: string): RubyHeader | null {
  const m = RUBY_LINE.exec(text);
  if (!m) return null;
  const [, , y, mo, d, h, mi, s, frac = '', severity = '', , message = ''] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map((part) => Number(part));
  const shown = text.slice(4, text.indexOf(' #'));
  const wall = Date.UTC(
    year ?? 0,
    (month ?? 0) - 1,
    day,
    hour,
    minute,
    second,
    frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0,
  );
  const back = new Date(wall);
  const real =
    back.getUTCDate() === day &&
    back.getUTCMonth() === (month ?? 0) - 1 &&
    (hour ?? 0) < 24 &&
    (minute ?? 0) < 60 &&
    (second ?? 0) < 60 &&
    (year ?? 0) >= 1990 &&
    (year ?? 0) <= 2099;
  return {
    time: real
      ? { ms: wallTimeToUtc(wall, zone), text: shown }
      : { bad: `time "${shown}" is not a real date and time` },
    level: severity === 'ANY' || severity === 'UNKNOWN' ? 'unknown' : severity.toLowerCase(),
    message,
  };
}

export const rubyLogFormat: LogFormat = {
  name: 'ruby-log',
  label: "Ruby Logger / Rails production.log (`I, [time #pid]  INFO -- : msg`, lograge's lines in it)",
  probe(sample) {
    if (sample.length === 0) return 0;
    const headers = sample.filter((line) => RUBY_LINE.test(line)).length;
    // A backtrace may follow a line; the first line must still be a Logger line.
    if (headers === 0 || !RUBY_LINE.test(sample[0] ?? '')) return 0;
    const share = headers / sample.length;
    return share < 0.3 ? 0 : 0.6 + 0.35 * share;
  },
  open(ctx, sink) {
    return multilineParser<RubyHeader>(
      sink,
      'Ruby Logger',
      (text) => headerOf(text, ctx.zone),
      (record) => {
        const { header, firstLine, lines } = record;
        const raw = lines.join('\n');
        if ('bad' in header.time) {
          sink.reject(firstLine, header.time.bad, raw);
          return;
        }
        const message = header.message.replace(TAGS, '');
        const outcome = innerLineToEvent(message, firstLine, raw, ctx.zone, header.time);
        if (!outcome.ok) {
          sink.reject(firstLine, outcome.reason, raw);
          return;
        }
        const { event } = outcome;
        // The Logger's severity is the line's own; a level inside the message is a guess.
        event.level = header.level;
        const rest = lines.slice(1);
        if (rest.length > 0) event.errorStack = rest.join('\n');
        for (const text of [message, ...rest]) {
          const exception = RUBY_EXCEPTION.exec(text);
          if (exception) {
            event.errorType ??= exception[1] ?? null;
            event.errorMessage ??= exception[2] ?? null;
            break;
          }
        }
        sink.event(event);
      },
    );
  },
};
