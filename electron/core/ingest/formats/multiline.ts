// Assembles multi-line records (a header line and the stack-trace lines after it) for the
// application-log formats. A line that starts a record ends the one before; every other
// line joins the record being assembled, so a line that only looks half like a header is
// part of the record above it, as it would be on screen.
// Lines before the first header (a trace whose header is in the previous file of a rotated
// log) join nothing: they are rejected as one block with the reason, never invented into an
// event. A record is capped (MAX_RECORD_LINES, MAX_RECORD_CHARS): the event keeps its first
// lines, where the header and the innermost frames are, and the rest is rejected with a
// reason that says how much was cut, so nothing is dropped silently.
import type { RecordParser, RecordSink } from './types.js';

/** A JVM prints at most 1024 frames per exception by default; this leaves room for causes. */
export const MAX_RECORD_LINES = 2000;
export const MAX_RECORD_CHARS = 512 * 1024;
/** How much of a rejected block's text is kept with its reject. */
const MAX_REJECT_CHARS = 64 * 1024;

export interface AssembledRecord<H> {
  firstLine: number;
  header: H;
  /** The record's lines, the header first, trailing blank lines dropped. */
  lines: string[];
}

interface Block {
  first: number;
  last: number;
  count: number;
  text: string[];
  chars: number;
}

function addTo(block: Block | null, number: number, text: string): Block {
  const b = block ?? { first: number, last: number, count: 0, text: [], chars: 0 };
  b.last = number;
  b.count += 1;
  if (b.chars < MAX_REJECT_CHARS) {
    const room = MAX_REJECT_CHARS - b.chars;
    const kept = text.length > room ? text.slice(0, room) : text;
    b.text.push(kept);
    b.chars += kept.length + 1;
  }
  return b;
}

function span(block: Block): string {
  return block.first === block.last ? `line ${block.first}` : `lines ${block.first}–${block.last}`;
}

/**
 * A line parser that assembles records: `startOf` returns a header for a line that starts a
 * record (null otherwise), `finish` receives each whole record. `what` names the format in
 * reasons ("Java log").
 */
export function multilineParser<H>(
  sink: RecordSink,
  what: string,
  startOf: (text: string) => H | null,
  finish: (record: AssembledRecord<H>) => void,
): RecordParser {
  let current: (AssembledRecord<H> & { chars: number; tooLong: boolean }) | null = null;
  let overflow: Block | null = null;
  let orphans: Block | null = null;

  const flushOrphans = (): void => {
    if (!orphans) return;
    sink.reject(
      orphans.first,
      `${span(orphans)} ${orphans.first === orphans.last ? 'comes' : 'come'} before any ${what} record: continuation lines with no record to join (their header is not in this file)`,
      orphans.text.join('\n'),
    );
    orphans = null;
  };

  const flush = (): void => {
    flushOrphans();
    if (!current) return;
    const record = current;
    current = null;
    while (record.lines.length > 1 && (record.lines[record.lines.length - 1] ?? '').trim() === '') record.lines.pop();
    if (record.tooLong) {
      const whole = addTo(null, record.firstLine, record.lines[0]?.slice(0, MAX_REJECT_CHARS) ?? '');
      const more = overflow ? overflow.count : 0;
      sink.reject(
        record.firstLine,
        `record's first line is longer than ${MAX_RECORD_CHARS / 1024} KiB; the record (${1 + more} lines) is not kept (its text here is cut)`,
        whole.text.join('\n'),
      );
      overflow = null;
      return;
    }
    finish(record);
    if (overflow) {
      sink.reject(
        overflow.first,
        `record starting at line ${record.firstLine} is longer than ${MAX_RECORD_LINES} lines or ${MAX_RECORD_CHARS / 1024} KiB: ${span(overflow)} (${overflow.count} lines) were cut from it; its event keeps the first ${record.lines.length} lines`,
        overflow.text.join('\n'),
      );
      overflow = null;
    }
  };

  return {
    line(number, text) {
      const blank = text.trim() === '';
      const header = blank ? null : startOf(text);
      if (header !== null) {
        flush();
        current = {
          firstLine: number,
          header,
          lines: [text],
          chars: text.length,
          tooLong: text.length > MAX_RECORD_CHARS,
        };
        return;
      }
      if (!current) {
        if (!blank) orphans = addTo(orphans, number, text);
        return;
      }
      if (
        current.tooLong ||
        overflow !== null ||
        current.lines.length >= MAX_RECORD_LINES ||
        current.chars + 1 + text.length > MAX_RECORD_CHARS
      ) {
        if (!blank) overflow = addTo(overflow, number, text);
        return;
      }
      current.lines.push(text);
      current.chars += 1 + text.length;
    },
    end() {
      flush();
    },
  };
}
