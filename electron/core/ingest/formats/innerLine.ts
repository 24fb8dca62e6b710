// A line an application wrote, found inside an envelope that adds its own time (a Kubernetes
// container log, `heroku logs`): whatever the app wrote, read line by line with the mapping
// of the format it is in — a JSON document, an access-log line, a Go `log` line, a Ruby
// Logger line (whose message is read the same way), logfmt —
// and free text otherwise. The envelope's time is taken where the line has none of its own;
// a line whose own time is bad is rejected, as a bad time says the line is not what it seems.
// The event keeps the envelope's whole record as its raw text and line number.
//
// A program that prints an exception does so line by line, so a trace arrives as many
// envelope records: ContinuationJoiner joins the lines that continue a record (plainText.ts,
// FRAME_LINE, EXCEPTION_HEADER) to the one before them from the same container, as the stack
// of that event. The lines of one trace are written together, so they join only within
// JOIN_WITHIN_MS of the record's envelope time; and an exception's header joins only a record
// that speaks of an error (`ERROR Payment failed` above `java.lang.IllegalStateException: …`):
// under an ordinary line, `TimeoutError: upstream timed out` is a record of its own.
import type { NewEvent } from '../../case/events.js';
import { pythonExceptionStatement } from '../fingerprint.js';
import { parseAccessLine } from './accessLog.js';
import { goLogHeader } from './goLog.js';
import { type OuterTime, jsonDocumentToEvent } from './jsonLines.js';
import { LOGFMT_START, logfmtToEvent } from './logfmt.js';
import { EXCEPTION_HEADER, FRAME_LINE, statedLevel } from './plainText.js';
import { railsCompleted, rubyLoggerHeader, withTags } from './rubyLogger.js';
import type { RecordSink } from './types.js';
import { blankEvent } from './types.js';

// Two or more pairs and nothing else. Each pair ends at white space or the end, so a line
// that fails is given up in one pass (a value may hold `=`; `\S*` then `\s*` would let every
// `=` start a pair, and a failing line try them all).
const LOGFMT_PAIRS = /^(?:[A-Za-z_@][\w.@-]*=(?:"(?:[^"\\]|\\.)*"|[^\s"]*)(?:\s+|$)){2,}$/;

export type InnerOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

function jsonObject(text: string): Record<string, unknown> | null {
  if (!text.startsWith('{') || !text.endsWith('}')) return null;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

/**
 * One line an app wrote into an event. `raw` and `lineNumber` are the envelope's record;
 * `outer` its time (null when the envelope has none, as `kubectl logs` without --timestamps).
 */
export function innerLineToEvent(
  inner: string,
  lineNumber: number,
  raw: string,
  zone: string,
  outer: OuterTime | null,
): InnerOutcome {
  const text = inner.trim();
  const doc = jsonObject(text);
  if (doc !== null) return jsonDocumentToEvent(doc, lineNumber, raw, zone, outer);
  if (text.includes('] "')) {
    const access = parseAccessLine(text, lineNumber);
    if (access.ok) {
      access.event.raw = raw;
      return access;
    }
  }
  const go = goLogHeader(text, zone);
  if (go !== null) {
    if ('bad' in go) return { ok: false, reason: go.bad };
    // Go's time has no zone (the container's, most often UTC, not the import's): the
    // envelope's exact time is the better reading of the same moment.
    const time = outer ?? go.time;
    const event = blankEvent(lineNumber, raw, time.ms, time.text);
    event.message = go.message;
    event.level = go.level;
    return { ok: true, event };
  }
  const ruby = rubyLoggerHeader(text, zone);
  if (ruby !== null) {
    if ('bad' in ruby.time) return { ok: false, reason: ruby.time.bad };
    // As Go's, the Logger's time has no zone: the envelope's exact time reads the same moment.
    const time = outer ?? ruby.time;
    const outcome = withTags(ruby, (body) => innerLineToEvent(body, lineNumber, raw, zone, time));
    if (outcome.ok) outcome.event.level = ruby.level;
    return outcome;
  }
  // logfmt only when the line is pairs through and through (`at=info method=GET …`), not prose
  // that happens to start with `key=value`.
  if (LOGFMT_START.test(text) && LOGFMT_PAIRS.test(text)) {
    return logfmtToEvent(text, lineNumber, raw, zone, outer);
  }
  if (outer === null) return { ok: false, reason: 'no time: the line names none and its envelope gives none' };
  const event = blankEvent(lineNumber, raw, outer.ms, outer.text);
  event.message = inner;
  event.level = statedLevel(text);
  const completed = railsCompleted(text);
  if (completed !== null) {
    event.status = completed.status;
    event.durationMs = completed.durationMs;
  }
  return { ok: true, event };
}

/**
 * Where a held record is in a Python traceback, which has lines no other trace has: after its
 * `Traceback …:` or a `File "…"` line ('frames'), indented lines are the frame's source and
 * 3.11's `~~~^^^` markers, and the first unindented line states the exception
 * (`KeyError: 'sku'`, `django.core.exceptions.PermissionDenied`); after that statement
 * ('stated'), a chained traceback may follow its sentence ('chained').
 */
type PythonTrace = 'none' | 'frames' | 'stated' | 'chained';

/** A record held open while the next line from its container may continue it. */
interface Held {
  event: NewEvent;
  lines: number;
  chars: number;
  /** The envelope time of the last line joined (null when the envelope has no time). */
  at: number | null;
  python: PythonTrace;
}

/** Lines and characters a joined record may reach; more continuation lines become their own events. */
const MAX_JOINED_LINES = 2000;
const MAX_JOINED_CHARS = 512 * 1024;
/** Containers held open at once; beyond, the one least recently written to is finished. */
const MAX_HELD = 1000;
/**
 * Characters of raw text held open in all (a record may be a joined line of 8 MiB): beyond,
 * the records least recently written to are finished until the rest fit.
 */
export const MAX_HELD_CHARS = 64 * 1024 * 1024;
/**
 * How far apart (envelope time) a line may be from the line before it in the same record: a
 * program writes a trace in one go, so its lines are microseconds apart, and a line written a
 * while later is a new record whatever it looks like.
 */
export const JOIN_WITHIN_MS = 1000;
/** Levels of a record that a trace may follow (a logger's `error(msg, exception)`; Java's `warn(msg, e)` too). */
const ERROR_LEVELS = new Set([
  'warn',
  'warning',
  'error',
  'fatal',
  'critical',
  'severe',
  'panic',
  'alert',
  'emergency',
]);

// Python's traceback printed on its own (traceback.print_exc()) opens with this line.
const TRACEBACK_START = /^Traceback \(most recent call last\):/;
const PYTHON_FRAME = /^\s+File "/;
const INDENTED = /^\s+\S/;
// Between two tracebacks of one chain (`raise … from …`, an exception while handling another).
const PYTHON_CHAIN =
  /^(?:The above exception was the direct cause of the following exception:|During handling of the above exception, another exception occurred:)\s*$/;

/** Where a Python traceback is after `line`, given where it was before it. */
function pythonTraceAfter(before: PythonTrace, line: string): PythonTrace {
  const text = line.trim();
  if (TRACEBACK_START.test(text) || PYTHON_FRAME.test(line)) return 'frames';
  if (before === 'frames') return INDENTED.test(line) ? 'frames' : 'stated';
  if (before === 'stated' && PYTHON_CHAIN.test(text)) return 'chained';
  return before === 'chained' ? 'chained' : 'none';
}

/** Whether `line` continues a Python traceback that is at `trace`. */
function continuesPythonTrace(trace: PythonTrace, line: string): boolean {
  if (trace === 'frames') return INDENTED.test(line) || pythonExceptionStatement(line) !== null;
  return trace === 'stated' && PYTHON_CHAIN.test(line.trim());
}

function speaksOfError(event: NewEvent): boolean {
  return (
    event.errorStack !== null ||
    event.errorType !== null ||
    (event.level !== null && ERROR_LEVELS.has(event.level)) ||
    TRACEBACK_START.test(event.message ?? '')
  );
}

/** Joins continuation lines to the record before them from the same container (`key`). */
export class ContinuationJoiner {
  private readonly held = new Map<string, Held>();
  /** The sum of the held records' `chars`. */
  private heldChars = 0;

  constructor(
    private readonly sink: RecordSink,
    private readonly maxHeldChars = MAX_HELD_CHARS,
  ) {}

  /**
   * One line from container `key`, written at envelope time `at` (null when the envelope has
   * none): joined to the record held for it when it continues it, else read through `read`.
   * A blank line stores nothing.
   */
  add(key: string, inner: string, lineNumber: number, raw: string, at: number | null, read: () => InnerOutcome): void {
    if (inner.trim() === '') return;
    const open = this.held.get(key);
    if (open !== undefined && this.continues(open, inner, at)) {
      const { event } = open;
      event.errorStack = event.errorStack === null ? inner : `${event.errorStack}\n${inner}`;
      event.raw = `${event.raw}\n${raw}`;
      open.lines += 1;
      open.python = pythonTraceAfter(open.python, inner);
      open.chars += raw.length + 1;
      this.heldChars += raw.length + 1;
      open.at = at ?? open.at;
      // Most recently written last, so the oldest is first to go when too many are held.
      this.held.delete(key);
      this.held.set(key, open);
      this.finishOldestBeyondLimits();
      return;
    }
    this.finish(key);
    const outcome = read();
    if (!outcome.ok) {
      this.sink.reject(lineNumber, outcome.reason, raw);
      return;
    }
    const { event } = outcome;
    // An exception's header that joined nothing is an error of its own, its trace to follow.
    const header = event.errorType === null && event.message === inner ? EXCEPTION_HEADER.exec(inner.trim()) : null;
    if (header !== null) {
      event.errorType = header[1] ?? null;
      event.errorMessage = header[2] ?? null;
      event.errorStack = inner;
    } else if (event.errorStack === null && event.message === inner && TRACEBACK_START.test(inner.trim())) {
      // The interpreter's own report of an uncaught exception: the trace is the record, and
      // its opening line tells the frames below it are Python's (read from the end).
      event.errorStack = inner.trim();
    }
    this.held.set(key, { event, lines: 1, chars: raw.length, at, python: pythonTraceAfter('none', inner) });
    this.heldChars += raw.length;
    this.finishOldestBeyondLimits();
  }

  /** Finishes the records least recently written to while too many, or too much text, are held. */
  private finishOldestBeyondLimits(): void {
    while (this.held.size > MAX_HELD || (this.heldChars > this.maxHeldChars && this.held.size > 1)) {
      const oldest = this.held.keys().next().value;
      if (oldest === undefined) return;
      this.finish(oldest);
    }
  }

  /** Every held record, at the end of the input. */
  end(): void {
    for (const key of [...this.held.keys()]) this.finish(key);
  }

  private continues(open: Held, inner: string, at: number | null): boolean {
    if (open.lines >= MAX_JOINED_LINES || open.chars + inner.length >= MAX_JOINED_CHARS) return false;
    if (at !== null && open.at !== null && Math.abs(at - open.at) > JOIN_WITHIN_MS) return false;
    if (FRAME_LINE.test(inner) || continuesPythonTrace(open.python, inner)) return true;
    return EXCEPTION_HEADER.test(inner) && speaksOfError(open.event);
  }

  private finish(key: string): void {
    const open = this.held.get(key);
    if (open === undefined) return;
    this.held.delete(key);
    this.heldChars -= open.chars;
    this.sink.event(open.event);
  }
}
