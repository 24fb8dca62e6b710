// 401 and 403 surges on the canary. Each status separately, in buckets of `bucketMinutes`
// aligned to the London clock (buckets.ts), the canary's rate in a
// bucket is tested against stable's in the same bucket (one-sided: Fisher's exact test or
// the two-proportion z-test, by expected counts). A canary often takes a few requests a
// minute, too few for one minute to tell, so the same test also runs on wider buckets made of
// 2, 5, 10, 15 and 30 base buckets (aligned the same way): a burst of two 401s a minute for
// twelve minutes is plain at ten minutes and invisible at one.
//
// Why Benjamini–Hochberg, over every bucket of every width at once: a window holds many tests
// (a ten-hour rollout has 600 one-minute buckets), so an unadjusted 5 % level would flag about
// 30 buckets of a flat rollout. Bonferroni would hold that to one false bucket in twenty
// rollouts but, dividing the level by the number of tests, would miss a real but short surge;
// a surge is a run of true positives, which is where BH keeps its power while holding the
// share of false buckets among those flagged to `surgeFdr`. The tests of nested buckets are
// positively dependent (a wide bucket sums narrow ones), the case in which BH still holds
// (Benjamini & Yekutieli 2001, PRDS). Guards keep noise and mere differences out: a bucket
// needs `surgeMinCount` failures (one or two 401s in a quiet minute are not a surge, however
// small stable's rate) and `surgeMinRatio` times stable's rate (on a busy service a 1.5x
// difference is significant in every bucket: that is a rate difference, judged by the
// auth-rate rule, not a surge). A flagged bucket is trimmed to its densest run of base
// buckets; runs at most `surgeMergeGapBuckets` apart merge; and a merged run must be
// significantly above the canary's own baseline (the `surgeBaselineBuckets` base buckets
// before it, or after it when it starts with the canary). Last, each merged run is confirmed
// on its own counts against stable's at `alpha` divided by the number of canary buckets (the
// places a surge could start): bucket-level FDR lets a lone false bucket through beside a
// real surge (the real one's many true buckets lower the BH threshold), which would double
// the surges reported; this keeps a false surge to about `alpha` per rollout.
import type { Rollout, Surge, SurgeDriver } from '../../../shared/api.js';
import type { AnalysisSettings } from '../../../shared/analysisSettings.js';
import { formatUk } from '../../../shared/ukTime.js';
import type { CaseDb } from '../case/caseStore.js';
import { bucketGrid } from './buckets.js';
import { cohortFilter } from './cohorts.js';
import type { Bucket } from './figures.js';
import { benjaminiHochberg, compareProportions } from './stats.js';

type Status = 401 | 403;

/** Widths of the tested buckets, in base buckets. */
export const SURGE_SCALES = [1, 2, 5, 10, 15, 30] as const;

interface Cell {
  canaryCount: number;
  canaryRequests: number;
  stableCount: number;
  stableRequests: number;
}

export interface BucketTest extends Cell {
  /** First base bucket and width (in base buckets). */
  b: number;
  scale: number;
  pStable: number;
  adjusted: number;
  candidate: boolean;
}

const countOf = (bucket: Bucket | undefined, status: Status): number =>
  bucket === undefined ? 0 : status === 401 ? bucket.n401 : bucket.n403;

function cellOf(canary: Map<number, Bucket>, stable: Map<number, Bucket>, status: Status, b: number): Cell {
  const c = canary.get(b);
  const s = stable.get(b);
  return {
    canaryCount: countOf(c, status),
    canaryRequests: c?.requests ?? 0,
    stableCount: countOf(s, status),
    stableRequests: s?.requests ?? 0,
  };
}

/** Every tested bucket of one status at every width, in time order; exported for tests. */
export function testBuckets(
  canary: Map<number, Bucket>,
  stable: Map<number, Bucket>,
  status: Status,
  settings: AnalysisSettings,
): BucketTest[] {
  const base = [...canary.keys()].filter((b) => (canary.get(b)?.requests ?? 0) > 0).sort((a, b) => a - b);
  if (base.length === 0) return [];
  const first = base[0] as number;
  const last = base.at(-1) as number;
  const tests: BucketTest[] = [];
  for (const scale of SURGE_SCALES) {
    if (scale > 1 && scale > last - first + 1) break;
    const groups = new Map<number, Cell>();
    for (const b of base) {
      const start = Math.floor(b / scale) * scale;
      const cell = cellOf(canary, stable, status, b);
      const sum = groups.get(start) ?? { canaryCount: 0, canaryRequests: 0, stableCount: 0, stableRequests: 0 };
      sum.canaryCount += cell.canaryCount;
      sum.canaryRequests += cell.canaryRequests;
      groups.set(start, sum);
    }
    for (const [start, sum] of groups) {
      for (let b = start; b < start + scale; b += 1) {
        sum.stableCount += countOf(stable.get(b), status);
        sum.stableRequests += stable.get(b)?.requests ?? 0;
      }
      const pStable =
        sum.stableRequests === 0 || sum.canaryCount === 0
          ? 1
          : compareProportions(sum.canaryCount, sum.canaryRequests, sum.stableCount, sum.stableRequests, 'greater')
              .pValue;
      tests.push({ ...sum, b: start, scale, pStable, adjusted: 1, candidate: false });
    }
  }
  const adjusted = benjaminiHochberg(tests.map((t) => t.pStable));
  tests.forEach((t, i) => {
    t.adjusted = adjusted[i] ?? 1;
    const canaryRate = t.canaryCount / Math.max(1, t.canaryRequests);
    const stableRate = t.stableRequests === 0 ? 0 : t.stableCount / t.stableRequests;
    t.candidate =
      t.adjusted <= settings.surgeFdr &&
      t.canaryCount >= settings.surgeMinCount &&
      canaryRate >= settings.surgeMinRatio * stableRate;
  });
  return tests.sort((a, b) => a.b - b.b || a.scale - b.scale);
}

function drivers(db: CaseDb, rollout: Rollout, status: Status, from: number, to: number, limit: number): SurgeDriver[] {
  const cohort = cohortFilter(
    { ...rollout, fromMs: Math.max(from, rollout.fromMs), toMs: Math.min(to, rollout.toMs) },
    'canary',
  );
  const out: SurgeDriver[] = [];
  for (const [kind, column] of [
    ['path', 'url_path'],
    ['user', 'user'],
    ['ip', 'client_ip'],
  ] as const) {
    const rows = db
      .prepare(
        `SELECT ${column} AS value, count(*) AS count FROM events
         WHERE ${cohort.where} AND status IN (401, 403) AND status = @status AND ${column} IS NOT NULL
         GROUP BY ${column} ORDER BY count DESC, value LIMIT @limit`,
      )
      .all({ ...cohort.params, status, limit }) as { value: string; count: number }[];
    for (const row of rows) out.push({ kind, value: row.value, count: row.count });
  }
  return out;
}

interface Span {
  from: number;
  to: number;
  tests: BucketTest[];
}

/** The run of base buckets in [from, to] with the largest excess of failures over `reference`. */
function densestRun(
  canary: Map<number, Bucket>,
  status: Status,
  from: number,
  to: number,
  reference: number,
): { from: number; to: number } | null {
  let best: { from: number; to: number; sum: number } | null = null;
  let runFrom = from;
  let runSum = 0;
  for (let b = from; b <= to; b += 1) {
    const bucket = canary.get(b);
    const count = countOf(bucket, status);
    if (runSum <= 0) {
      runFrom = b;
      runSum = 0;
    }
    runSum += count - (bucket?.requests ?? 0) * reference;
    if (count > 0 && (best === null || runSum > best.sum)) best = { from: runFrom, to: b, sum: runSum };
  }
  if (best === null) return null;
  let start = best.from;
  while (start < best.to && countOf(canary.get(start), status) === 0) start += 1;
  return { from: start, to: best.to };
}

/**
 * A flagged bucket's span, trimmed to its densest run of base buckets: the run with the
 * largest excess of failures over a rate halfway between stable's and the canary's own in the
 * run (the maximum-sum segment by Kadane's scan, repeated until the run stops changing, since
 * a wide bucket's rate dilutes the burst inside it). A stray 401 a few quiet minutes after a
 * burst does not stretch the burst.
 */
function trimmed(t: BucketTest, canary: Map<number, Bucket>, status: Status): Span | null {
  const stableRate = t.stableRequests === 0 ? 0 : t.stableCount / t.stableRequests;
  let run: { from: number; to: number } | null = { from: t.b, to: t.b + t.scale - 1 };
  for (let round = 0; round < 10 && run !== null; round += 1) {
    let count = 0;
    let requests = 0;
    for (let b = run.from; b <= run.to; b += 1) {
      count += countOf(canary.get(b), status);
      requests += canary.get(b)?.requests ?? 0;
    }
    const reference = ((requests === 0 ? 0 : count / requests) + stableRate) / 2;
    const next = densestRun(canary, status, t.b, t.b + t.scale - 1, reference);
    if (next !== null && next.from === run.from && next.to === run.to) break;
    run = next;
  }
  return run === null ? null : { ...run, tests: [t] };
}

function spanCounts(canary: Map<number, Bucket>, status: Status, span: { from: number; to: number }) {
  let count = 0;
  let requests = 0;
  for (let b = span.from; b <= span.to; b += 1) {
    count += countOf(canary.get(b), status);
    requests += canary.get(b)?.requests ?? 0;
  }
  return { count, requests };
}

/**
 * The canary's own baseline before a span: up to `size` base buckets no span covers. When the
 * span starts with the canary, the buckets after it stand in; a span covering the canary's
 * whole window has none (null), and stays a surge on the strength of its test against stable.
 */
function baselineOf(
  canary: Map<number, Bucket>,
  status: Status,
  span: Span,
  covered: Set<number>,
  size: number,
): { rate: number; above: (c: { count: number; requests: number }, alpha: number) => boolean } | null {
  const collect = (from: number, to: number) => {
    let count = 0;
    let requests = 0;
    for (let b = from; b <= to; b += 1) {
      if (covered.has(b)) continue;
      count += countOf(canary.get(b), status);
      requests += canary.get(b)?.requests ?? 0;
    }
    return { count, requests };
  };
  let base = collect(span.from - size, span.from - 1);
  if (base.requests === 0) base = collect(span.to + 1, span.to + size);
  if (base.requests === 0) return null;
  const { count, requests } = base;
  return {
    rate: count / requests,
    above: (c, alpha) => compareProportions(c.count, c.requests, count, requests, 'greater').pValue < alpha,
  };
}

export function findSurges(
  db: CaseDb,
  rollout: Rollout,
  canary: Map<number, Bucket>,
  stable: Map<number, Bucket>,
  settings: AnalysisSettings,
): Surge[] {
  const grid = bucketGrid(settings.bucketMinutes);
  const surges: Surge[] = [];
  const places = Math.max(1, [...canary.values()].filter((b) => b.requests > 0).length);
  for (const status of [401, 403] as const) {
    const spans = testBuckets(canary, stable, status, settings)
      .filter((t) => t.candidate)
      .map((t) => trimmed(t, canary, status))
      .filter((x): x is Span => x !== null)
      .sort((a, b) => a.from - b.from);
    const merged: Span[] = [];
    for (const span of spans) {
      const previous = merged.at(-1);
      if (previous && span.from - previous.to - 1 <= settings.surgeMergeGapBuckets) {
        previous.to = Math.max(previous.to, span.to);
        previous.tests.push(...span.tests);
      } else merged.push({ ...span, tests: [...span.tests] });
    }
    const covered = new Set<number>();
    for (const span of merged) for (let b = span.from; b <= span.to; b += 1) covered.add(b);
    for (const span of merged) {
      const baseline = baselineOf(canary, status, span, covered, settings.surgeBaselineBuckets);
      if (baseline !== null && !baseline.above(spanCounts(canary, status, span), settings.alpha)) continue;
      const sum: Cell = { canaryCount: 0, canaryRequests: 0, stableCount: 0, stableRequests: 0 };
      let peak = span.from;
      let peakRate = -1;
      for (let b = span.from; b <= span.to; b += 1) {
        const cell = cellOf(canary, stable, status, b);
        sum.canaryCount += cell.canaryCount;
        sum.canaryRequests += cell.canaryRequests;
        sum.stableCount += cell.stableCount;
        sum.stableRequests += cell.stableRequests;
        const rate = cell.canaryRequests === 0 ? 0 : cell.canaryCount / cell.canaryRequests;
        if (rate > peakRate) {
          peakRate = rate;
          peak = b;
        }
      }
      // Confirmed as a whole: see the header (Bonferroni over the places a surge could start).
      const pSpan = compareProportions(
        sum.canaryCount,
        sum.canaryRequests,
        sum.stableCount,
        sum.stableRequests,
        'greater',
      ).pValue;
      if (sum.stableRequests > 0 && pSpan >= settings.alpha / places) continue;
      const start = grid.startOf(span.from);
      const end = grid.startOf(span.to + 1);
      const peakStart = grid.startOf(peak);
      surges.push({
        status,
        track: 'canary',
        start: new Date(start).toISOString(),
        end: new Date(end).toISOString(),
        startUk: formatUk(start),
        endUk: formatUk(end),
        peak: new Date(peakStart).toISOString(),
        peakUk: formatUk(peakStart),
        buckets: span.to - span.from + 1,
        ...sum,
        canaryRate: sum.canaryRequests === 0 ? 0 : sum.canaryCount / sum.canaryRequests,
        stableRate: sum.stableRequests === 0 ? 0 : sum.stableCount / sum.stableRequests,
        baselineRate: baseline?.rate ?? null,
        pValue: Math.min(...span.tests.map((t) => t.adjusted)),
        drivers: drivers(db, rollout, status, start, end - 1, settings.topSources),
      });
    }
  }
  return surges.sort((a, b) => a.start.localeCompare(b.start) || a.status - b.status);
}
