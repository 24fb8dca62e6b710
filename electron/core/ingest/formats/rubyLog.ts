// Ruby's Logger, as Rails writes production.log with it (its default formatter):
//   I, [2024-05-01T10:00:00.123456 #4242]  INFO -- : [req-7f3a] method=GET path=/cart … duration=12.34
//   <severity letter>, [<local time> #<pid>] <SEVERITY> -- <progname>: <message>
// Rails' tagged logging puts `[tag]`s (request id, subdomain) before the message; lograge puts
// one request as key=value pairs (its default) or JSON in it. The message is read with its own
// format's mapping (innerLine.ts: lograge's bare `duration` is milliseconds), the Logger's
// time — local, without a zone, so read in the import's — where the message has none. Lines
// that are not a Logger line (an exception's backtrace, printed after the line that logged
// it) join the record above, and Ruby's `Type (message):` names its exception.
// `Logger.new(path)` opens a new file with a header line of its own (LogDevice#add_log_header):
//   # Logfile created on 2024-05-01 10:00:00 +0100 by logger.rb/v1.6.0
// It is no record and no reject: skipped, wherever a rotation or concatenation puts it.
import { innerLineToEvent } from './innerLine.js';
import { multilineParser } from './multiline.js';
import { RUBY_LINE, type RubyHeader, rubyLoggerHeader, withTags } from './rubyLogger.js';
import type { LogFormat } from './types.js';

// `ActionController::RoutingError (No route matches [GET] "/x"):`, `NoMethodError (undefined method …):`
const RUBY_EXCEPTION = /^\s*((?:[A-Z]\w*::)*[A-Z]\w*) \((.*)\):\s*$/s;
const LOGFILE_HEADER = /^# Logfile created on .{1,80} by logger\.rb\/\S{1,40}$/;

export const rubyLogFormat: LogFormat = {
  name: 'ruby-log',
  label: "Ruby Logger / Rails production.log (`I, [time #pid]  INFO -- : msg`, lograge's lines in it)",
  probe(sample) {
    const lines = sample.filter((line) => !LOGFILE_HEADER.test(line));
    if (lines.length === 0) return 0;
    const headers = lines.filter((line) => RUBY_LINE.test(line)).length;
    // A backtrace may follow a line; the first line must still be a Logger line.
    if (headers === 0 || !RUBY_LINE.test(lines[0] ?? '')) return 0;
    const share = headers / lines.length;
    return share < 0.3 ? 0 : 0.6 + 0.35 * share;
  },
  open(ctx, sink) {
    const records = multilineParser<RubyHeader>(
      sink,
      'Ruby Logger',
      (text) => rubyLoggerHeader(text, ctx.zone),
      (record) => {
        const { header, firstLine, lines } = record;
        const raw = lines.join('\n');
        if ('bad' in header.time) {
          sink.reject(firstLine, header.time.bad, raw);
          return;
        }
        const time = header.time;
        const outcome = withTags(header, (body) => innerLineToEvent(body, firstLine, raw, ctx.zone, time));
        if (!outcome.ok) {
          sink.reject(firstLine, outcome.reason, raw);
          return;
        }
        const { event } = outcome;
        // The Logger's severity is the line's own; a level inside the message is a guess.
        event.level = header.level;
        const rest = lines.slice(1);
        if (rest.length > 0) event.errorStack = rest.join('\n');
        for (const text of [header.body, ...rest]) {
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
    return {
      line(number, text) {
        if (!LOGFILE_HEADER.test(text)) records.line(number, text);
      },
      end() {
        records.end();
      },
    };
  },
};
