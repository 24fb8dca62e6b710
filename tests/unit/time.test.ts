// parseTime / checkZone (electron/core/ingest/time.ts) and the UK display format
// (shared/ukTime.ts). Every expected instant is written out by hand with Date.UTC.
import { describe, expect, it } from 'vitest';
import { CoalmineError } from '../../shared/errors.js';
import { formatUk, formatUkWithZone } from '../../shared/ukTime.js';
import { checkZone, parseTime, parseTypedTime, wallClockAsUtc } from '../../electron/core/ingest/time.js';

const LONDON = 'Europe/London';
const NEW_YORK = 'America/New_York';
const HOUR = 3_600_000;

describe('parseTime: times that name their offset', () => {
  it('reads Z (and lower-case z) as UTC', () => {
    expect(parseTime('2026-03-15T10:20:30Z', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 15, 10, 20, 30) });
    expect(parseTime('2026-03-15T10:20:30z', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 15, 10, 20, 30) });
  });

  it('ignores the import zone when the offset is explicit', () => {
    expect(parseTime('2026-07-15T10:20:30Z', NEW_YORK)).toEqual({ ok: true, ms: Date.UTC(2026, 6, 15, 10, 20, 30) });
  });

  it('reads +01:00, +0100 and +01 as one hour ahead of UTC', () => {
    const expected = { ok: true, ms: Date.UTC(2026, 2, 15, 9, 20, 30) };
    expect(parseTime('2026-03-15T10:20:30+01:00', LONDON)).toEqual(expected);
    expect(parseTime('2026-03-15T10:20:30+0100', LONDON)).toEqual(expected);
    expect(parseTime('2026-03-15T10:20:30+01', LONDON)).toEqual(expected);
  });

  it('reads -0530 and -05:30 as five and a half hours behind UTC', () => {
    const expected = { ok: true, ms: Date.UTC(2026, 2, 15, 15, 50, 30) };
    expect(parseTime('2026-03-15T10:20:30-0530', LONDON)).toEqual(expected);
    expect(parseTime('2026-03-15T10:20:30-05:30', LONDON)).toEqual(expected);
  });

  it('crosses the date line backwards with a positive offset', () => {
    expect(parseTime('2026-01-01T00:30:00+01:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2025, 11, 31, 23, 30) });
  });

  it('accepts a space instead of T, and surrounding whitespace', () => {
    expect(parseTime('  2026-03-15 10:20:30Z ', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 15, 10, 20, 30) });
  });

  it('accepts a time without seconds', () => {
    expect(parseTime('2026-03-15T10:20Z', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 15, 10, 20, 0) });
  });

  it('rejects an offset beyond 18 hours', () => {
    const result = parseTime('2026-03-15T10:20:30+19:00', LONDON);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain('impossible offset');
  });

  it('rejects an offset whose minutes exceed 59', () => {
    expect(parseTime('2026-03-15T10:20:30+01:75', LONDON).ok).toBe(false);
  });
});

describe('parseTime: fractional seconds', () => {
  const at = (ms: number): number => Date.UTC(2026, 2, 15, 10, 20, 30, ms);

  it.each([
    ['.5', 500],
    ['.05', 50],
    ['.12', 120],
    ['.123', 123],
    ['.1234', 123],
    ['.999999', 999],
    ['.123456789', 123],
    ['.000000001', 0],
  ])('reads %s as %i ms (truncated, not rounded)', (fraction, ms) => {
    expect(parseTime(`2026-03-15T10:20:30${fraction}Z`, LONDON)).toEqual({ ok: true, ms: at(ms) });
  });

  it('accepts a comma as the decimal separator', () => {
    expect(parseTime('2026-03-15T10:20:30,250Z', LONDON)).toEqual({ ok: true, ms: at(250) });
  });

  it('combines a fraction with an offset', () => {
    expect(parseTime('2026-03-15T10:20:30.750+01:00', LONDON)).toEqual({
      ok: true,
      ms: Date.UTC(2026, 2, 15, 9, 20, 30, 750),
    });
  });

  it('rejects ten fractional digits', () => {
    const result = parseTime('2026-03-15T10:20:30.1234567890Z', LONDON);
    expect(result).toEqual({ ok: false, reason: 'time "2026-03-15T10:20:30.1234567890Z" is not ISO 8601' });
  });
});

describe('parseTime: dates and epoch milliseconds', () => {
  it('reads a date alone as local midnight in the zone (GMT in winter)', () => {
    expect(parseTime('2026-01-15', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 15, 0, 0, 0) });
  });

  it('reads a summer date alone as midnight BST, i.e. 23:00 UTC the day before', () => {
    expect(parseTime('2026-07-15', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 6, 14, 23, 0, 0) });
  });

  it('reads a number as epoch milliseconds', () => {
    expect(parseTime(1_767_225_600_000, LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 1) });
  });

  it('rounds a fractional epoch number to whole milliseconds', () => {
    expect(parseTime(Date.UTC(2026, 0, 1) + 0.6, LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 1) + 1 });
  });

  it('reads a 13-digit string as epoch milliseconds', () => {
    expect(parseTime('1767225600000', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 1) });
    expect(parseTime('1782567000123', NEW_YORK)).toEqual({ ok: true, ms: Date.UTC(2026, 5, 27, 13, 30, 0, 123) });
  });

  it('rejects NaN and Infinity', () => {
    expect(parseTime(Number.NaN, LONDON)).toEqual({ ok: false, reason: 'time NaN is not a number' });
    expect(parseTime(Number.POSITIVE_INFINITY, LONDON)).toEqual({ ok: false, reason: 'time Infinity is not a number' });
  });
});

describe('parseTime: zone-less times take the import zone', () => {
  it('London in winter is GMT (UTC+0)', () => {
    expect(parseTime('2026-01-15T09:00:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 15, 9, 0, 0) });
  });

  it('London in summer is BST (UTC+1)', () => {
    expect(parseTime('2026-07-15T09:00:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 6, 15, 8, 0, 0) });
  });

  it('New York in winter is EST (UTC-5)', () => {
    expect(parseTime('2026-01-15T09:00:00', NEW_YORK)).toEqual({ ok: true, ms: Date.UTC(2026, 0, 15, 14, 0, 0) });
  });

  it('New York in summer is EDT (UTC-4)', () => {
    expect(parseTime('2026-07-15T09:00:00', NEW_YORK)).toEqual({ ok: true, ms: Date.UTC(2026, 6, 15, 13, 0, 0) });
  });

  it('keeps milliseconds on a zone-less time', () => {
    expect(parseTime('2026-07-15T09:00:00.042', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 6, 15, 8, 0, 0, 42) });
  });
});

describe('parseTime: clock changes', () => {
  // London 2026: BST starts 29/03 at 01:00 UTC, ends 25/10 at 01:00 UTC.
  it('London, spring: the last second of GMT and the first of BST', () => {
    expect(parseTime('2026-03-29T00:59:59', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 29, 0, 59, 59) });
    expect(parseTime('2026-03-29T02:00:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 29, 1, 0, 0) });
  });

  it('London, spring gap: 01:30 local does not exist and reads as 01:30 UTC (02:30 BST)', () => {
    const result = parseTime('2026-03-29T01:30:00', LONDON);
    expect(result).toEqual({ ok: true, ms: Date.UTC(2026, 2, 29, 1, 30, 0) });
    if (result.ok) expect(formatUkWithZone(result.ms)).toBe('29/03/2026 02:30:00 BST');
  });

  it('London, autumn repeated hour: 01:30 local takes the first occurrence (00:30 UTC, BST)', () => {
    const result = parseTime('2026-10-25T01:30:00', LONDON);
    expect(result).toEqual({ ok: true, ms: Date.UTC(2026, 9, 25, 0, 30, 0) });
    if (result.ok) expect(formatUkWithZone(result.ms)).toBe('25/10/2026 01:30:00 BST');
  });

  it('London, autumn: either side of the repeated hour', () => {
    expect(parseTime('2026-10-25T00:59:59', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 9, 24, 23, 59, 59) });
    expect(parseTime('2026-10-25T02:00:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 9, 25, 2, 0, 0) });
  });

  // New York 2026: EDT starts 08/03 at 07:00 UTC, ends 01/11 at 06:00 UTC.
  it('New York, spring gap: 02:30 local reads with the EST offset (07:30 UTC)', () => {
    expect(parseTime('2026-03-08T02:30:00', NEW_YORK)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 8, 7, 30, 0) });
  });

  it('New York, autumn repeated hour: 01:30 local takes the first (EDT) occurrence', () => {
    expect(parseTime('2026-11-01T01:30:00', NEW_YORK)).toEqual({ ok: true, ms: Date.UTC(2026, 10, 1, 5, 30, 0) });
  });

  it('an explicit offset inside the gap is exact', () => {
    expect(parseTime('2026-03-29T01:30:00+00:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 2, 29, 1, 30, 0) });
    expect(parseTime('2026-10-25T01:30:00+00:00', LONDON)).toEqual({ ok: true, ms: Date.UTC(2026, 9, 25, 1, 30, 0) });
  });

  it('gives 3 h of real time between 00:30 and 02:30 local on the autumn day (the hour repeats)', () => {
    const a = parseTime('2026-10-25T00:30:00', LONDON);
    const b = parseTime('2026-10-25T02:30:00', LONDON);
    expect(a.ok && b.ok ? b.ms - a.ms : null).toBe(3 * HOUR);
  });
});

describe('parseTime: impossible dates and times', () => {
  it.each([
    '2026-02-30',
    '2025-02-29',
    '1900-02-29',
    '2026-04-31T10:00:00Z',
    '2026-01-00',
    '2026-01-15T24:00:00Z',
    '2026-01-15T23:60:00Z',
    '2026-01-15T23:59:60Z',
    '2026-13-01',
    '2026-00-10',
  ])('rejects %s as not a real date and time', (value) => {
    expect(parseTime(value, LONDON)).toEqual({ ok: false, reason: `time "${value}" is not a real date and time` });
  });

  it.each(['2024-02-29', '2000-02-29'])('accepts the leap day %s', (value) => {
    const [year] = value.split('-');
    expect(parseTime(value, LONDON)).toEqual({ ok: true, ms: Date.UTC(Number(year), 1, 29) });
  });

  it.each(['yesterday', '15/01/2026 10:00:00', '2026-1-15', '2026-01-15T10', '', 'Thu, 15 Jan 2026 10:00:00 GMT'])(
    'rejects %j as not ISO 8601',
    (value) => {
      expect(parseTime(value, LONDON)).toEqual({ ok: false, reason: `time "${value}" is not ISO 8601` });
    },
  );

  it('clips a long unreadable value in the reason', () => {
    const result = parseTime('x'.repeat(100), LONDON);
    expect(result).toEqual({ ok: false, reason: `time "${'x'.repeat(60)}…" is not ISO 8601` });
  });
});

describe('parseTime: values that are neither text nor a number', () => {
  it.each([
    ['null', null, 'time is null, not text'],
    ['undefined', undefined, 'time is undefined, not text'],
    ['a boolean', true, 'time is boolean, not text'],
    ['an object', { iso: '2026-01-15' }, 'time is object, not text'],
    ['an array', ['2026-01-15'], 'time is object, not text'],
    ['a bigint', 10n, 'time is bigint, not text'],
  ])('rejects %s', (_label, value, reason) => {
    expect(parseTime(value, LONDON)).toEqual({ ok: false, reason });
  });
});

describe('checkZone', () => {
  it('accepts Europe/London and returns it', () => {
    expect(checkZone('Europe/London')).toBe('Europe/London');
  });

  it('throws a BAD_INPUT CoalmineError naming an unknown zone', () => {
    expect(() => checkZone('Mars/Olympus')).toThrow(CoalmineError);
    expect(() => checkZone('Mars/Olympus')).toThrow(/unknown time zone "Mars\/Olympus"/);
    try {
      checkZone('Mars/Olympus');
    } catch (error) {
      expect((error as CoalmineError).code).toBe('BAD_INPUT');
    }
  });
});

describe('formatUk / formatUkWithZone', () => {
  const UK_PATTERN = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/;

  it('shows a summer instant in BST, one hour ahead of UTC', () => {
    const summer = Date.UTC(2026, 6, 15, 12, 34, 56);
    expect(formatUk(summer)).toBe('15/07/2026 13:34:56');
    expect(formatUkWithZone(summer)).toBe('15/07/2026 13:34:56 BST');
  });

  it('shows a winter instant in GMT, equal to UTC', () => {
    const winter = Date.UTC(2026, 0, 15, 12, 34, 56);
    expect(formatUk(winter)).toBe('15/01/2026 12:34:56');
    expect(formatUkWithZone(winter)).toBe('15/01/2026 12:34:56 GMT');
  });

  it('rolls a late-evening summer UTC instant into the next day and month', () => {
    expect(formatUk(Date.UTC(2026, 5, 30, 23, 59, 59))).toBe('01/07/2026 00:59:59');
    expect(formatUkWithZone(Date.UTC(2026, 5, 30, 23, 59, 59))).toBe('01/07/2026 00:59:59 BST');
  });

  it('writes midnight as 00, never 24', () => {
    expect(formatUk(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe('01/01/2026 00:00:00');
    expect(formatUk(Date.UTC(2026, 6, 14, 23, 0, 0))).toBe('15/07/2026 00:00:00');
  });

  it('the last second of a winter year stays in that year', () => {
    expect(formatUkWithZone(Date.UTC(2025, 11, 31, 23, 59, 59))).toBe('31/12/2025 23:59:59 GMT');
  });

  it('switches zone name at the clock changes', () => {
    expect(formatUkWithZone(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe('29/03/2026 00:59:59 GMT');
    expect(formatUkWithZone(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe('29/03/2026 02:00:00 BST');
    expect(formatUkWithZone(Date.UTC(2026, 9, 25, 0, 59, 59))).toBe('25/10/2026 01:59:59 BST');
    expect(formatUkWithZone(Date.UTC(2026, 9, 25, 1, 0, 0))).toBe('25/10/2026 01:00:00 GMT');
  });

  it.each([
    Date.UTC(2026, 0, 1, 0, 0, 0),
    Date.UTC(2026, 5, 30, 23, 59, 59),
    Date.UTC(2026, 9, 25, 1, 30, 0),
    Date.UTC(1999, 11, 31, 23, 59, 59, 999),
    Date.UTC(2026, 2, 29, 1, 0, 0),
  ])('formats %i as DD/MM/YYYY HH:mm:ss', (ms) => {
    expect(formatUk(ms)).toMatch(UK_PATTERN);
    expect(formatUkWithZone(ms)).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/);
  });

  it('drops milliseconds rather than rounding up', () => {
    expect(formatUk(Date.UTC(1999, 11, 31, 23, 59, 59, 999))).toBe('31/12/1999 23:59:59');
  });
});

describe('parseTime refuses numbers read in the wrong unit', () => {
  it('rejects epoch seconds, compact dates and absurd numbers instead of misreading them', () => {
    for (const value of [1709287200, '20240301100000', '202403011000', 1e16, 1e20, -5]) {
      const result = parseTime(value, 'Europe/London');
      expect(result.ok, String(value)).toBe(false);
    }
    expect(parseTime(1709287200000, 'Europe/London')).toEqual({ ok: true, ms: 1709287200000 });
    expect(parseTime('1709287200000', 'Europe/London')).toEqual({ ok: true, ms: 1709287200000 });
  });

  it('names the bound in its reason', () => {
    const result = parseTime('1970-01-01T00:00:00Z', 'Europe/London');
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/outside 1990–2099/) as unknown });
  });
});

describe('parseTypedTime (a window end a person typed)', () => {
  it('reads DD/MM/YYYY HH:mm:ss in the zone, across the clock change', () => {
    expect(parseTypedTime('29/03/2026 00:30:00', 'Europe/London', '--from')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    // After the clocks go forward at 01:00 GMT, 02:30 in London is 01:30 UTC (BST).
    expect(parseTypedTime('29/03/2026 02:30:00', 'Europe/London', '--from')).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(parseTypedTime('19/11/2026 09:52', 'Europe/London', '--from')).toBe(Date.UTC(2026, 10, 19, 9, 52));
  });

  it('reads ISO 8601 with an offset and refuses one without, or an impossible date, naming the input', () => {
    expect(parseTypedTime('2026-03-29T01:30:00+01:00', 'Europe/London', '--to')).toBe(Date.UTC(2026, 2, 29, 0, 30));
    expect(() => parseTypedTime('2026-03-29T01:30:00', 'Europe/London', '--to')).toThrow(
      /--to "2026-03-29T01:30:00" is neither DD\/MM\/YYYY HH:mm:ss nor ISO 8601 with an offset/,
    );
    expect(() => parseTypedTime('30/02/2026 10:00:00', 'Europe/London', "the window's start")).toThrow(
      /the window's start 30\/02\/2026 10:00:00 is not a real date and time between 1990 and 2099/,
    );
    expect(() => parseTypedTime('01/01/0050 10:00', 'Europe/London', '--from')).toThrow(/between 1990 and 2099/);
    expect(() => parseTypedTime('2026-03-29', 'Europe/London', '--from')).toThrow(/neither DD\/MM\/YYYY/);
  });
});

describe('wallClockAsUtc: the parts of a zone-less time', () => {
  const at = { year: 2024, month: 2, day: 29, hour: 23, minute: 59, second: 59, ms: 999 };
  it('reads a real date and time as if it were UTC', () => {
    expect(wallClockAsUtc(at)).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
  });
  it.each([
    ['30 February', { day: 30 }],
    ['29 February of a common year', { year: 2023 }],
    ['a 13th month', { month: 13 }],
    ['24:00', { hour: 24 }],
    ['a 60th minute', { minute: 60 }],
    ['a leap second', { second: 60 }],
    ['1989', { year: 1989 }],
    ['2100', { year: 2100 }],
  ])('refuses %s', (_, change) => {
    expect(wallClockAsUtc({ ...at, ...change })).toBeNull();
  });
});
