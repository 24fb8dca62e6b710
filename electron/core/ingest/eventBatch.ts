// A batch of events in the compact form that crosses from the parse worker to the writer:
// every text value of every event in one string, their lengths in an Int32Array, the numbers
// in a Float64Array and the flags in a Uint8Array. Structured clone of plain event objects
// made the writing thread rebuild 25 properties and up to 20 strings a row (measured: 4.4-5.4
// µs a row for nginx lines, 4.8-13 µs for ECS events); one string and three typed arrays are
// copied (or moved) whole, and the writer cuts the values back out of the string (about a
// quarter of that). Packing costs the parse worker about what cloning did; the writer, which
// also runs every SQLite insert, is the thread whose time is worth sparing.
import type { Track } from '../../../shared/logEvent.js';
import type { NewEvent } from '../case/events.js';

/** The event's text fields, in the order their values follow each other in `text`. */
const TEXT_FIELDS = [
  'tsText',
  'track',
  'trackRule',
  'trackLabel',
  'service',
  'environment',
  'version',
  'host',
  'pod',
  'level',
  'httpMethod',
  'urlPath',
  'clientIp',
  'user',
  'message',
  'errorType',
  'errorMessage',
  'errorStack',
  'fingerprint',
  'authRule',
  'raw',
  'docKey',
] as const satisfies readonly (keyof NewEvent)[];

const NUMBER_FIELDS = ['ts', 'sourceLine', 'status', 'durationMs'] as const satisfies readonly (keyof NewEvent)[];

// Flags of a row: whether it is an authentication failure, and which nullable numbers are null
// (a null is never folded into NaN: a NaN duration must still reach the writer, which refuses it).
const AUTH_FAILURE = 1;
const STATUS_NULL = 2;
const DURATION_NULL = 4;

/** A text length that stands for null. */
const NULL_TEXT = -1;

export interface PackedEvents {
  count: number;
  text: string;
  /** TEXT_FIELDS.length lengths a row (UTF-16 code units), NULL_TEXT for a null. */
  lengths: Int32Array;
  /** NUMBER_FIELDS.length numbers a row (0 where the flag says null). */
  numbers: Float64Array;
  flags: Uint8Array;
}

export function packEvents(events: readonly NewEvent[]): PackedEvents {
  const count = events.length;
  const parts: string[] = [];
  const lengths = new Int32Array(count * TEXT_FIELDS.length);
  const numbers = new Float64Array(count * NUMBER_FIELDS.length);
  const flags = new Uint8Array(count);
  let l = 0;
  let n = 0;
  const add = (value: string | null | undefined): void => {
    if (value === null || value === undefined) {
      lengths[l++] = NULL_TEXT;
    } else {
      parts.push(value);
      lengths[l++] = value.length;
    }
  };
  for (let row = 0; row < count; row += 1) {
    const e = events[row] as NewEvent;
    // One `add` per entry of TEXT_FIELDS, in its order, read by name as `forEachPackedEvent`
    // reads them back (a loop over the names makes every read a keyed one).
    add(e.tsText);
    add(e.track);
    add(e.trackRule);
    add(e.trackLabel);
    add(e.service);
    add(e.environment);
    add(e.version);
    add(e.host);
    add(e.pod);
    add(e.level);
    add(e.httpMethod);
    add(e.urlPath);
    add(e.clientIp);
    add(e.user);
    add(e.message);
    add(e.errorType);
    add(e.errorMessage);
    add(e.errorStack);
    add(e.fingerprint);
    add(e.authRule);
    add(e.raw);
    add(e.docKey);
    numbers[n++] = e.ts;
    numbers[n++] = e.sourceLine;
    numbers[n++] = e.status ?? 0;
    numbers[n++] = e.durationMs ?? 0;
    flags[row] =
      (e.authFailure ? AUTH_FAILURE : 0) |
      (e.status === null ? STATUS_NULL : 0) |
      (e.durationMs === null ? DURATION_NULL : 0);
  }
  return { count, text: parts.join(''), lengths, numbers, flags };
}

/** The buffers a postMessage of `packed` can move instead of copying. */
export function packedTransfer(packed: PackedEvents): ArrayBuffer[] {
  return [packed.lengths.buffer, packed.numbers.buffer, packed.flags.buffer] as ArrayBuffer[];
}

/** Calls `each` with every event of `packed`, in order, as the object it was before packing. */
export function forEachPackedEvent(packed: PackedEvents, each: (event: NewEvent) => void): void {
  const { text, lengths, numbers, flags } = packed;
  let at = 0;
  let l = 0;
  const next = (): string | null => {
    const length = lengths[l++] as number;
    if (length === NULL_TEXT) return null;
    const value = text.slice(at, at + length);
    at += length;
    return value;
  };
  for (let row = 0; row < packed.count; row += 1) {
    const n = row * NUMBER_FIELDS.length;
    const flag = flags[row] as number;
    // One `next()` per entry of TEXT_FIELDS, in its order.
    const tsText = next() as string;
    const track = next() as Track;
    const trackRule = next();
    const trackLabel = next();
    const service = next();
    const environment = next();
    const version = next();
    const host = next();
    const pod = next();
    const level = next();
    const httpMethod = next();
    const urlPath = next();
    const clientIp = next();
    const user = next();
    const message = next();
    const errorType = next();
    const errorMessage = next();
    const errorStack = next();
    const fingerprint = next();
    const authRule = next();
    const raw = next() as string;
    const docKey = next();
    const event: NewEvent = {
      ts: numbers[n] as number,
      tsText,
      track,
      trackRule,
      trackLabel,
      service,
      environment,
      version,
      host,
      pod,
      level,
      httpMethod,
      urlPath,
      status: flag & STATUS_NULL ? null : (numbers[n + 2] as number),
      durationMs: flag & DURATION_NULL ? null : (numbers[n + 3] as number),
      clientIp,
      user,
      message,
      errorType,
      errorMessage,
      errorStack,
      fingerprint,
      authFailure: (flag & AUTH_FAILURE) !== 0,
      authRule,
      sourceLine: numbers[n + 1] as number,
      raw,
    };
    // Only records with a document identity carry the field (LogEvent.docKey).
    if (docKey !== null) event.docKey = docKey;
    each(event);
  }
}
