// Parsing input times with their zone. A time that names its offset is exact; one that does
// not takes the import's IANA zone, converted with Intl so the clock changes come out right.
import { CoalmineError } from '../../../shared/errors.js';
import { clip } from './clip.js';

export const DEFAULT_ZONE = 'Europe/London';

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function formatFor(zone: string): Intl.DateTimeFormat {
  let format = offsetFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(zone, format);
  }
  return format;
}

/** Throws a usage error unless `zone` is an IANA zone this runtime knows. */
export function checkZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new CoalmineError('BAD_INPUT', `unknown time zone "${zone}" (use an IANA name such as Europe/London)`);
  }
}

const offsetCache = new Map<string, number>();
const OFFSET_CACHE_STEP = 15 * 60_000;

/** The zone's offset from UTC, in ms, at the instant `utcMs`. */
export function zoneOffsetMs(zone: string, utcMs: number): number {
  // Offsets change on quarter-hour boundaries at the finest, so one lookup serves 15 minutes.
  const bucket = Math.floor(utcMs / OFFSET_CACHE_STEP);
  const key = `${zone}|${bucket}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  const parts = formatFor(zone).formatToParts(new Date(bucket * OFFSET_CACHE_STEP));
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  const offset = asUtc - bucket * OFFSET_CACHE_STEP;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/**
 * A wall-clock time given as its numbered parts (month from 1), as if it were UTC; null unless
 * the parts name a real date and time (no 30 February, no 25:00 or :60) in 1990–2099. Readers
 * of formats that write their time without a zone pass it on to `wallTimeToUtc`.
 */
export function wallClockAsUtc(parts: {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
}): number | null {
  const { year, month, day, hour, minute, second, ms } = parts;
  if (year < 1990 || year > 2099 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const back = new Date(wall);
  return back.getUTCDate() === day && back.getUTCMonth() === month - 1 ? wall : null;
}

/**
 * The UTC instant of a wall-clock time in `zone`. In the hour skipped in spring the wall time
 * does not exist and is read with the offset before the change (in London 01:30 becomes 02:30 BST); in
 * the hour repeated in autumn the first occurrence is taken.
 */
export function wallTimeToUtc(wallAsUtc: number, zone: string): number {
  const before = zoneOffsetMs(zone, wallAsUtc - 86_400_000);
  const after = zoneOffsetMs(zone, wallAsUtc + 86_400_000);
  if (before === after) return wallAsUtc - before;
  // A change of offset near this day: try both and keep one that reads back as the wall time.
  const first = wallAsUtc - Math.max(before, after);
  if (first + zoneOffsetMs(zone, first) === wallAsUtc) return first;
  const second = wallAsUtc - Math.min(before, after);
  if (second + zoneOffsetMs(zone, second) === wallAsUtc) return second;
  return wallAsUtc - before;
}

const ISO_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export type TimeResult = { ok: true; ms: number } | { ok: false; reason: string };

// Times outside these years are misread units (epoch seconds taken as milliseconds, a
// compact date taken as epoch) or garbage; one of them would stretch a rollout's window.
const EARLIEST = Date.UTC(1990, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** Whether a UTC instant lies in 1990–2099, the years every reader accepts. */
export function inSupportedYears(ms: number): boolean {
  return ms >= EARLIEST && ms < LATEST;
}

function inRange(ms: number, shown: string): TimeResult {
  if (inSupportedYears(ms)) return { ok: true, ms };
  return { ok: false, reason: `time ${shown} is outside 1990–2099 (epoch numbers are read as milliseconds)` };
}

/** Reads an ISO 8601 time (with or without offset) or epoch milliseconds (a number or 13 digits). */
export function parseTime(value: unknown, zone: string): TimeResult {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: `time ${String(value)} is not a number` };
    return inRange(Math.round(value), String(value));
  }
  if (typeof value !== 'string') {
    return { ok: false, reason: `time is ${value === null ? 'null' : typeof value}, not text` };
  }
  const text = value.trim();
  if (/^\d{13}$/.test(text)) return inRange(Number(text), `"${text}"`);
  const m = ISO_PATTERN.exec(text);
  if (!m) return { ok: false, reason: `time "${clip(text)}" is not ISO 8601` };
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', offset] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (month < 1 || month > 12 || day < 1 || day > monthDays || hour > 23 || minute > 59 || second > 59) {
    return { ok: false, reason: `time "${clip(text)}" is not a real date and time` };
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const shown = `"${clip(text)}"`;
  if (!offset) return inRange(wallTimeToUtc(wall, zone), shown);
  if (offset === 'Z' || offset === 'z') return inRange(wall, shown);
  const sign = offset.startsWith('-') ? -1 : 1;
  const digits = offset.slice(1).replace(':', '');
  const offsetHours = Number(digits.slice(0, 2));
  const offsetMins = Number(digits.slice(2, 4) || '0');
  if (offsetMins > 59 || offsetHours * 60 + offsetMins > 18 * 60) {
    return { ok: false, reason: `time "${clip(text)}" has an impossible offset` };
  }
  const offsetMinutes = offsetHours * 60 + offsetMins;
  return inRange(wall - sign * offsetMinutes * 60_000, shown);
}

const TYPED_UK_TIME = /^(\d{2})\/(\d{2})\/(\d{4})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * A time a person typed (a window's start or end): `DD/MM/YYYY HH:mm[:ss]` read in `zone`, or
 * ISO 8601 with an offset (`2026-03-29T00:30:00Z`, `2026-03-29T01:30:00+01:00`). An ISO time
 * without an offset is refused: what it means must not depend on the machine it runs on.
 * `what` names the input in the message (`--from`, "the window's start").
 */
export function parseTypedTime(text: string, zone: string, what: string): number {
  const trimmed = text.trim();
  const uk = TYPED_UK_TIME.exec(trimmed);
  if (uk) {
    const [, d, mo, y, h, mi, s = '00'] = uk;
    const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    const back = new Date(wall);
    const real =
      back.getUTCDate() === Number(d) &&
      back.getUTCMonth() === Number(mo) - 1 &&
      Number(h) < 24 &&
      Number(mi) < 60 &&
      Number(s) < 60;
    // Date.UTC reads years 0–99 as 1900–1999: the range check below catches them.
    if (!real || Number(y) < 1990 || Number(y) > 2099) {
      throw new CoalmineError('BAD_INPUT', `${what} ${trimmed} is not a real date and time between 1990 and 2099`);
    }
    return wallTimeToUtc(wall, zone);
  }
  // A time of day and an offset are both required: "2026-03-29" alone must not pass for "-29".
  if (!/(Z|z|[+-]\d{2}(:?\d{2})?)$/.test(trimmed) || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(trimmed)) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${what} "${trimmed.slice(0, 60)}" is neither DD/MM/YYYY HH:mm:ss nor ISO 8601 with an offset (2026-03-29T01:30:00Z)`,
    );
  }
  const parsed = parseTime(trimmed, zone);
  if (!parsed.ok) throw new CoalmineError('BAD_INPUT', `${what}: ${parsed.reason}`);
  return parsed.ms;
}
