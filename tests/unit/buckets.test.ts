// The buckets of an analysis as a reader of London times expects them: a width that divides
// an hour is plain UTC (the same in London), a wider one starts on the London clock, and the
// buckets across the clock changes are an hour longer (autumn) or shorter (spring).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bucketGrid, londonOffsetMs } from '../../electron/core/analysis/buckets.js';
import { readTrackFigures } from '../../electron/core/analysis/figures.js';
import { findRollout } from '../../electron/core/analysis/rollouts.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';
import { formatUkWithZone } from '../../shared/ukTime.js';

const HOUR = 3_600_000;
const starts = (minutes: number, from: number, to: number): string[] => {
  const grid = bucketGrid(minutes);
  const out: string[] = [];
  for (let b = grid.indexOf(from); grid.startOf(b) <= to; b += 1) out.push(formatUkWithZone(grid.startOf(b)));
  return out;
};

describe('bucket grids', () => {
  it('reads London’s offset: GMT in winter, BST in summer, changing on the hour', () => {
    expect(londonOffsetMs(Date.UTC(2026, 0, 15, 12))).toBe(0);
    expect(londonOffsetMs(Date.UTC(2026, 6, 15, 12))).toBe(HOUR);
    expect(londonOffsetMs(Date.UTC(2026, 9, 25, 0, 59, 59))).toBe(HOUR);
    expect(londonOffsetMs(Date.UTC(2026, 9, 25, 1))).toBe(0);
    expect(londonOffsetMs(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe(0);
    expect(londonOffsetMs(Date.UTC(2026, 2, 29, 1))).toBe(HOUR);
  });

  it('keeps widths that divide an hour as UTC multiples', () => {
    for (const minutes of [1, 5, 15, 30, 60]) {
      const grid = bucketGrid(minutes);
      expect(grid.uniform).toBe(true);
      expect(grid.startOf(grid.indexOf(Date.UTC(2026, 6, 1, 10, 7, 30)))).toBe(
        Math.floor(Date.UTC(2026, 6, 1, 10, 7, 30) / (minutes * 60_000)) * minutes * 60_000,
      );
    }
  });

  it('starts two-hour and day buckets on the London clock in summer', () => {
    expect(starts(120, Date.UTC(2026, 6, 1, 0), Date.UTC(2026, 6, 1, 5))).toEqual([
      '01/07/2026 00:00:00 BST',
      '01/07/2026 02:00:00 BST',
      '01/07/2026 04:00:00 BST',
      '01/07/2026 06:00:00 BST',
    ]);
    expect(starts(1440, Date.UTC(2026, 6, 1, 12), Date.UTC(2026, 6, 2, 12))).toEqual([
      '01/07/2026 00:00:00 BST',
      '02/07/2026 00:00:00 BST',
    ]);
    expect(starts(120, Date.UTC(2026, 0, 1, 0), Date.UTC(2026, 0, 1, 3))).toEqual([
      '01/01/2026 00:00:00 GMT',
      '01/01/2026 02:00:00 GMT',
    ]);
  });

  it('makes the bucket across the autumn change an hour longer and the spring one an hour shorter', () => {
    expect(starts(120, Date.UTC(2026, 9, 24, 22), Date.UTC(2026, 9, 25, 4))).toEqual([
      '24/10/2026 22:00:00 BST',
      '25/10/2026 00:00:00 BST',
      '25/10/2026 02:00:00 GMT',
      '25/10/2026 04:00:00 GMT',
    ]);
    const autumn = bucketGrid(120);
    const b = autumn.indexOf(Date.UTC(2026, 9, 25, 1, 30)); // 01:30 GMT, the second 01:30
    expect(autumn.startOf(b + 1) - autumn.startOf(b)).toBe(3 * HOUR);
    expect(starts(90, Date.UTC(2026, 2, 29, 0), Date.UTC(2026, 2, 29, 3))).toEqual([
      '29/03/2026 00:00:00 GMT',
      '29/03/2026 02:00:00 BST',
      '29/03/2026 03:00:00 BST',
    ]);
    // Every instant lies in the bucket whose start is the latest at or before it.
    for (const grid of [bucketGrid(90), bucketGrid(120), bucketGrid(45)]) {
      for (let t = Date.UTC(2026, 9, 24, 20); t < Date.UTC(2026, 9, 25, 6); t += 7 * 60_000) {
        const i = grid.indexOf(t);
        expect(grid.startOf(i)).toBeLessThanOrEqual(t);
        expect(grid.startOf(i + 1)).toBeGreaterThan(t);
      }
    }
  });
});

describe('per-bucket figures over a long window', () => {
  it('puts every event in its London bucket when the window holds more buckets than queries', async () => {
    // One request per track every 40 min for 100 days, across the autumn change: 45-min
    // buckets number 3,200, so the figures group by the grid's unit (15 min) and sum.
    const start = Date.UTC(2026, 8, 1, 0, 7);
    const lines: string[] = [];
    const times: number[] = [];
    for (let ts = start; ts < start + 100 * 24 * HOUR; ts += 40 * 60_000) {
      times.push(ts);
      for (const track of ['stable', 'canary']) {
        lines.push(
          JSON.stringify({
            '@timestamp': new Date(ts).toISOString(),
            'service.name': 'shop-api',
            'service.version': track === 'canary' ? '1.1.0' : '1.0.0',
            'labels.track': track,
            'http.response.status_code': 200,
            'event.duration': 5_000_000,
          }),
        );
      }
    }
    const db = openCase(path.join(tempDir(), 'long.coalmine'), { create: true });
    await importFile(db, writeLines('long.ndjson', lines));
    const grid = bucketGrid(45);
    const figures = readTrackFigures(db, findRollout(db), 'canary', grid);
    db.close();
    const expected = new Map<number, number>();
    for (const ts of times) expected.set(grid.indexOf(ts), (expected.get(grid.indexOf(ts)) ?? 0) + 1);
    expect(grid.indexOf(times.at(-1) ?? 0) - grid.indexOf(start)).toBeGreaterThan(3000);
    expect(figures.requests).toBe(times.length);
    expect(new Map([...figures.buckets].map(([b, bucket]) => [b, bucket.requests]))).toEqual(expected);
    for (const [b, bucket] of figures.buckets) {
      expect([bucket.start, bucket.end]).toEqual([grid.startOf(b), grid.startOf(b + 1)]);
    }
  });
});
