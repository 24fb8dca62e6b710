// Go's standard library logger (`log`), as its flags shape a line:
//   [prefix ]2009/11/10 23:00:00[.123456] [file.go:23: ]message
// (LstdFlags = Ldate|Ltime; Lmicroseconds adds the fraction; Lshortfile/Llongfile the caller;
// a prefix set with log.New or SetPrefix comes first, or before the message with Lmsgprefix).
// The time has no zone: local time, or UTC under LUTC; it is read in the import's zone. The
// logger has no levels, but programs give it one through the prefix (`log.New(os.Stderr,
// "ERROR: ", …)`) or the message (`[ERROR] …`, `error: …`): the prefix's is taken first. The
// prefix stays in the message, as the program wrote it.
// log.Panic and an unrecovered panic print the panic and its goroutine dump on the lines after:
// they join the record above, and `panic: …` names it.
import type { NewEvent } from '../../case/events.js';
import { type OuterTime } from './jsonLines.js';
import { multilineParser } from './multiline.js';
import { CONTINUATION, statedLevel } from './plainText.js';
import { wallClockAsUtc, wallTimeToUtc } from '../time.js';
import { type LogFormat, blankEvent } from './types.js';

const GO_LOG_LINE =
  /^(?:(\S{1,64}) )?((\d{4})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{6}))?) (?:((?:[^\s:]*\/)?[^\s:/]+\.go):(\d+): )?(.*)$/s;
// nginx's error log opens the same way: `2024/01/01 10:00:00 [error] 12#12: …` is web-error-log's.
const NGINX_ERROR =
  /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[(?:debug|info|notice|warn|error|crit|alert|emerg)\] \d+#\d+:/;

// The lines a panic prints besides its goroutine dump (plainText's CONTINUATION).
const PANIC_LINE = /^(?:panic: |\[recovered\]|exit status \d+$)/;

export interface GoLogHeader {
  time: OuterTime;
  /** The message with a prefix written before the time put back in front of it. */
  message: string;
  /** The level the prefix states, else the one the message states. */
  level: string | null;
}

/** A Go `log` line's time (in `zone`) and message, null when the line is not one, or why its time is bad. */
export function goLogHeader(text: string, zone: string): GoLogHeader | { bad: string } | null {
  const m = GO_LOG_LINE.exec(text);
  if (!m || NGINX_ERROR.test(text)) return null;
  const [, prefix, shown = '', y, mo, d, h, mi, s, micros, , , message = ''] = m;
  const wall = wallClockAsUtc({
    year: Number(y),
    month: Number(mo),
    day: Number(d),
    hour: Number(h),
    minute: Number(mi),
    second: Number(s),
    ms: micros ? Math.floor(Number(micros) / 1000) : 0,
  });
  if (wall === null) return { bad: `time "${shown}" is not a real date and time` };
  return {
    time: { ms: wallTimeToUtc(wall, zone), text: shown },
    message: prefix === undefined ? message : `${prefix} ${message}`,
    level: (prefix === undefined ? null : statedLevel(prefix)) ?? statedLevel(message),
  };
}

/** The panic a record's continuation lines report (`panic: boom [recovered]`), or null. */
function panicOf(lines: readonly string[]): string | null {
  for (const line of lines) {
    const m = /^panic: (.*?)(?: \[recovered\])?$/.exec(line);
    if (m) return m[1] ?? '';
  }
  return null;
}

/** A Go `log` record (its header line and any lines after it) into an event. */
export function goLogEvent(header: GoLogHeader, lines: readonly string[], firstLine: number): NewEvent {
  const event = blankEvent(firstLine, lines.join('\n'), header.time.ms, header.time.text);
  event.message = header.message;
  event.level = header.level;
  const rest = lines.slice(1);
  const panic = panicOf([header.message, ...rest]);
  if (rest.length > 0) event.errorStack = rest.join('\n');
  if (panic !== null) {
    event.errorType = 'panic';
    event.errorMessage = panic;
    event.level ??= 'fatal';
  }
  return event;
}

export const goLogFormat: LogFormat = {
  name: 'go-log',
  label: "Go standard log (`2009/11/10 23:00:00 msg`, log's flags and prefix)",
  probe(sample) {
    if (sample.length === 0) return 0;
    let headers = 0;
    let trace = 0;
    for (const line of sample) {
      const header = goLogHeader(line, 'UTC');
      if (header !== null) headers += 1;
      else if (PANIC_LINE.test(line) || CONTINUATION.test(line)) trace += 1;
    }
    // A panic's dump may fill most of a short sample; the first line must still be a header.
    if (headers === 0 || goLogHeader(sample[0] ?? '', 'UTC') === null) return 0;
    const share = (headers + trace) / sample.length;
    return share < 0.5 ? 0 : 0.45 + 0.4 * share;
  },
  open(ctx, sink) {
    return multilineParser<GoLogHeader | { bad: string }>(
      sink,
      'Go log',
      (text) => goLogHeader(text, ctx.zone),
      (record) => {
        const { header } = record;
        if ('bad' in header) {
          sink.reject(record.firstLine, header.bad, record.lines.join('\n'));
          return;
        }
        sink.event(goLogEvent(header, record.lines, record.firstLine));
      },
    );
  },
};
