// Seeded rollouts simulated as the per-track figures the case store would give (status counts
// and sorted latencies), judged through the same path as analyse.ts: comparisonTable, then
// judge. No case file: hundreds of rollouts a split run in seconds, so the judge's false-alarm
// rate and its power can be measured, not guessed.
import { comparisonTable } from '../../electron/core/analysis/compare.js';
import type { TrackFigures } from '../../electron/core/analysis/figures.js';
import { judge } from '../../electron/core/analysis/verdict.js';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import type { ExceptionGroup, Verdict } from '../../shared/api.js';

export interface TrafficShape {
  /** Chance per request of a 5xx, and of a 4xx (401 and 403 included). */
  rate5xx: number;
  rate4xx: number;
  /** Of every request: 401s and 403s, both counted in the 4xx rate too. */
  rate401: number;
  rate403: number;
  /** Log-normal latency: the median (ms) and σ of its log; rounded to whole ms, as access logs write it. */
  medianMs: number;
  spread: number;
}

/** Realistic healthy traffic: 0.2 % 5xx (above the 0.1 % rollback threshold), 1 % 4xx. */
export const REALISTIC: TrafficShape = {
  rate5xx: 0.002,
  rate4xx: 0.01,
  rate401: 0.004,
  rate403: 0.001,
  medianMs: 60,
  spread: 0.5,
};

/** `n` requests of one track drawn from `shape`. */
export function simulatedTrack(
  random: () => number,
  track: 'stable' | 'canary',
  n: number,
  shape: TrafficShape,
): TrackFigures {
  let n5xx = 0;
  let n4xx = 0;
  let n401 = 0;
  let n403 = 0;
  let latencySum = 0;
  const latencies = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const r = random();
    if (r < shape.rate5xx) n5xx += 1;
    else if (r < shape.rate5xx + shape.rate401) {
      n4xx += 1;
      n401 += 1;
    } else if (r < shape.rate5xx + shape.rate401 + shape.rate403) {
      n4xx += 1;
      n403 += 1;
    } else if (r < shape.rate5xx + shape.rate4xx) n4xx += 1;
    // Box–Muller: one standard normal from two uniforms.
    const gaussian = Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
    const ms = Math.round(shape.medianMs * Math.exp(shape.spread * gaussian));
    latencies[i] = ms;
    latencySum += ms;
  }
  latencies.sort();
  return {
    track,
    events: n,
    requests: n,
    n5xx,
    n4xx,
    n401,
    n403,
    authFailures: n401 + n403,
    latencySamples: n,
    latencySum,
    exceptions: 0,
    buckets: new Map(),
    latencies,
    version: null,
  };
}

export interface SimulatedRollout {
  stable: { n: number; shape: TrafficShape };
  canary: { n: number; shape: TrafficShape };
  /** A new exception on the canary alone, thrown by this share of its requests. */
  newExceptionRate?: number;
}

/** The verdict on one rollout drawn from `spec` with `random`. */
export function judgeSimulated(random: () => number, spec: SimulatedRollout): Verdict {
  const stable = simulatedTrack(random, 'stable', spec.stable.n, spec.stable.shape);
  const canary = simulatedTrack(random, 'canary', spec.canary.n, spec.canary.shape);
  const exceptions: ExceptionGroup[] = [];
  if (spec.newExceptionRate !== undefined) {
    let count = 0;
    for (let i = 0; i < spec.canary.n; i += 1) if (random() < spec.newExceptionRate) count += 1;
    if (count > 0) exceptions.push(newException(count, spec.canary.n));
  }
  return judge({
    rows: comparisonTable(stable, canary),
    requests: { stable: stable.requests, canary: canary.requests },
    surges: [],
    exceptions,
    settings: DEFAULT_ANALYSIS_SETTINGS,
  }).verdict;
}

function newException(count: number, requests: number): ExceptionGroup {
  return {
    fingerprint: 'simulated',
    type: 'com.shop.orders.OrderNotFoundException',
    message: 'Order <n> not found',
    example: 'Order 100007 not found',
    topFrames: ['com.shop.orders.OrderRepository.load'],
    canaryCount: count,
    stableCount: 0,
    canaryPer1000: (count / requests) * 1000,
    stablePer1000: 0,
    firstSeen: '2026-03-02T10:00:00.000Z',
    firstSeenUk: '02/03/2026 10:00:00',
    lastSeen: '2026-03-02T11:00:00.000Z',
    lastSeenUk: '02/03/2026 11:00:00',
    status: 'new',
    seenBefore: false,
    pValue: null,
  };
}

/** Outcome of `runs` rollouts: how many were not promoted and rolled back, and which rules blocked. */
export function tally(
  random: () => number,
  spec: SimulatedRollout,
  runs: number,
): { notPromoted: number; rolledBack: number; byRule: Record<string, number> } {
  let notPromoted = 0;
  let rolledBack = 0;
  const byRule: Record<string, number> = {};
  for (let run = 0; run < runs; run += 1) {
    const verdict = judgeSimulated(random, spec);
    if (verdict.decision === 'rollback') rolledBack += 1;
    if (verdict.decision === 'promote') continue;
    notPromoted += 1;
    for (const r of verdict.reasons.filter((x) => x.blocks)) {
      const key = `${r.rule} (${r.outcome})`;
      byRule[key] = (byRule[key] ?? 0) + 1;
    }
  }
  return { notPromoted, rolledBack, byRule };
}
