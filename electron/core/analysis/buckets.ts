// The time buckets of an analysis (surges, the auth-failure series, the per-bucket figures),
// aligned as a person reading Europe/London times expects: a two-hour bucket starts at 00:00,
// 02:00, 04:00 London time, in summer as in winter, and a day bucket at London midnight.
//
// London's offset from UTC is a whole number of hours (GMT +0, BST +1) and changes on the
// hour, so a width that divides an hour (1, 5, 15, 30, 60 min) gives the same buckets aligned
// to UTC or to London: those stay plain UTC multiples, the fast path. A width that divides a
// day but not an hour (8, 45, 90, 120, 1440 min) aligned to UTC would start every bucket an
// hour off in summer (01:00, 03:00 BST); those follow the London clock instead. Bucket b
// covers London clock times [b·w, (b+1)·w) (in ms since the epoch, read on the London
// clock); it starts at the first instant the clock shows b·w or later. So on the day the clocks
// go back the bucket holding 01:00–02:00 holds both of those hours (the clock shows them
// twice), and on the day they go forward the bucket holding 01:00–02:00 is an hour shorter.
// Other widths (7, 50 min) align to no clock time and stay UTC multiples.

const HOUR = 3_600_000;
const DAY_MINUTES = 1440;

export interface BucketGrid {
  /** Nominal width, ms (a bucket across a clock change is an hour longer or shorter). */
  widthMs: number;
  /**
   * The unit every bucket boundary falls on, in UTC: the width itself on a UTC grid, else
   * the largest width dividing both it and an hour.
   */
  unitMs: number;
  /** Whether bucket b starts at b · widthMs (UTC multiples). */
  uniform: boolean;
  /** The bucket holding instant `ts` (UTC epoch ms). */
  indexOf(ts: number): number;
  /** When bucket b starts (UTC epoch ms); it ends where b + 1 starts. */
  startOf(b: number): number;
}

const offsetFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  timeZoneName: 'shortOffset',
});

// The offset is the same for a whole UTC hour (London changes on the hour): one Intl call per hour.
const offsetCache = new Map<number, number>();

/** London's offset from UTC at `ts`, ms (0 in GMT, 3,600,000 in BST). */
export function londonOffsetMs(ts: number): number {
  const hour = Math.floor(ts / HOUR);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const name = offsetFormat.formatToParts(new Date(hour * HOUR)).find((p) => p.type === 'timeZoneName')?.value ?? '';
  // "GMT", "GMT+1" (and in history "GMT+2", British Double Summer Time).
  const match = /^GMT(?:([+-])(\d{1,2})(?::(\d{2}))?)?$/.exec(name);
  const offset =
    match?.[1] === undefined
      ? 0
      : (match[1] === '-' ? -1 : 1) * (Number(match[2]) * HOUR + Number(match[3] ?? 0) * 60_000);
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(hour, offset);
  return offset;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

export function bucketGrid(minutes: number): BucketGrid {
  const widthMs = minutes * 60_000;
  if (60 % minutes === 0 || DAY_MINUTES % minutes !== 0) {
    return {
      widthMs,
      unitMs: widthMs,
      uniform: true,
      indexOf: (ts) => Math.floor(ts / widthMs),
      startOf: (b) => b * widthMs,
    };
  }
  const unitMs = gcd(minutes, 60) * 60_000;
  // The first instant the London clock shows `clock` or later (the offset is 0 or more hours).
  const instantOf = (clock: number): number => {
    let earliest: number | null = null;
    for (const offset of [londonOffsetMs(clock - 2 * HOUR), londonOffsetMs(clock - HOUR), londonOffsetMs(clock)]) {
      const t = clock - offset;
      if (londonOffsetMs(t) === offset && (earliest === null || t < earliest)) earliest = t;
    }
    // A clock time the change skips (spring forward): the bucket starts at the change, on the hour.
    return earliest ?? Math.floor(clock / HOUR) * HOUR - londonOffsetMs(Math.floor(clock / HOUR) * HOUR - HOUR);
  };
  const startOf = (b: number): number => instantOf(b * widthMs);
  const indexOf = (ts: number): number => {
    let b = Math.floor((ts + londonOffsetMs(ts)) / widthMs);
    while (startOf(b) > ts) b -= 1;
    while (startOf(b + 1) <= ts) b += 1;
    return b;
  };
  return { widthMs, unitMs, uniform: false, indexOf, startOf };
}

/**
 * Where `bucket` ends (exclusive): the end its figures recorded, else the start of the next
 * bucket of `grid` (an hour more or less than the width across a clock change).
 */
export function bucketEnd(grid: BucketGrid, bucket: { start: number; end?: number | undefined }): number {
  return bucket.end ?? grid.startOf(grid.indexOf(bucket.start) + 1);
}
