// Surge detection on bucket counts given by hand, so each guard is seen doing its job.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findSurges } from '../../electron/core/analysis/surges.js';
import type { Bucket } from '../../electron/core/analysis/figures.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import type { Rollout } from '../../shared/api.js';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import { tempDir } from '../helpers/tempCase.js';

const MINUTE = 60_000;
const B0 = Date.UTC(2026, 2, 2, 10, 0) / MINUTE; // bucket index of 10:00 UTC

function buckets(minutes: number, requests: number, n401: (m: number) => number): Map<number, Bucket> {
  const map = new Map<number, Bucket>();
  for (let m = 0; m < minutes; m += 1) {
    map.set(B0 + m, {
      start: (B0 + m) * MINUTE,
      events: requests,
      requests,
      n5xx: 0,
      n4xx: n401(m),
      n401: n401(m),
      n403: 0,
      authFailures: n401(m),
      latencySamples: 0,
      latencySum: 0,
    });
  }
  return map;
}

const rollout: Rollout = {
  id: 's@1',
  service: 's',
  environment: null,
  stableVersion: null,
  canaryVersion: '1',
  from: '',
  to: '',
  fromUk: '',
  toUk: '',
  fromMs: B0 * MINUTE,
  toMs: (B0 + 240) * MINUTE,
  origin: 'found',
  canaryEvents: 0,
  stableEvents: 0,
};

function surgesOf(canary: Map<number, Bucket>, stable: Map<number, Bucket>) {
  const db = openCase(path.join(tempDir(), 'empty.coalmine'), { create: true });
  const found = findSurges(db, rollout, canary, stable, DEFAULT_ANALYSIS_SETTINGS);
  db.close();
  return found.map((s) => [s.status, s.startUk, s.endUk, s.canaryCount]);
}

// Stable: 1,000 requests a minute, 6 401s each (0.6 %).
const stable = buckets(240, 1000, () => 6);

describe('surges', () => {
  it('report a real burst, and not a lone unlucky minute beside it', () => {
    // Canary: 100 a minute at 0.6 %-ish (0 or 1), a 30 % burst 11:00–11:12, and one minute
    // at 13:00 with 6 of 100 (p ≈ 1e-4 alone: rare, but one of 240 minutes × 6 widths).
    const canary = buckets(240, 100, (m) => (m >= 60 && m < 72 ? 30 : m === 180 ? 6 : m % 2));
    expect(surgesOf(canary, stable)).toEqual([[401, '02/03/2026 11:00:00', '02/03/2026 11:12:00', 360]]);
  });

  it('do not call a canary that always fails a little more a surge; three times more throughout is one', () => {
    // 0.9 % throughout (1.5x stable): significant over the window, but a rate difference.
    const slightly = buckets(240, 1000, () => 9);
    expect(surgesOf(slightly, stable)).toEqual([]);
    // 2 % throughout (3x): no baseline to compare with, so it stands on its test against stable.
    const much = buckets(240, 100, () => 2);
    expect(surgesOf(much, stable)).toEqual([[401, '02/03/2026 10:00:00', '02/03/2026 14:00:00', 480]]);
  });

  it('need at least surgeMinCount failures in a bucket', () => {
    const canary = buckets(240, 20, (m) => (m === 100 ? 2 : 0)); // 10 % of a quiet minute
    expect(surgesOf(canary, stable)).toEqual([]);
  });
});
