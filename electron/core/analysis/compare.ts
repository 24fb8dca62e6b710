// The comparison table: the same figures for stable and canary over the rollout's window.
// Requests are events that carry an HTTP status; rates are over requests, with a 95 % exact
// (Clopper–Pearson) interval and a two-sided test of the difference (Fisher's exact test when counts are
// small, the two-proportion z-test otherwise). Latency is over requests that carry a
// duration; percentiles are nearest-rank. The mean and p50 rows carry one Mann–Whitney U test
// of the two latency distributions. The p95 and p99 rows carry a test of the tail instead:
// the share of each track's requests slower than stable's percentile, compared as a rate
// (their counts are those requests). Mann–Whitney looks at the whole distribution, so a
// canary faster in the bulk can be "significantly different" while its tail is no worse, and
// a canary whose tail alone is slower (same median, same mean) can pass it unseen.
import type { ComparisonRow, MetricUnit, RowKind, TestName, VolumeUnit } from '../../../shared/api.js';
import type { TrackFigures } from './figures.js';
import {
  compareProportions,
  mannWhitneyU,
  percentileOfSorted,
  ratio,
  relativeVariance,
  exactInterval,
} from './stats.js';

interface RowValues {
  metric: string;
  label: string;
  unit: MetricUnit;
  kind: RowKind;
  stable: number | null;
  canary: number | null;
  stableCount?: number | null;
  canaryCount?: number | null;
  stableDenominator?: number | null;
  canaryDenominator?: number | null;
  stableCi?: [number, number] | null;
  canaryCi?: [number, number] | null;
  pValue?: number | null;
  test?: TestName | null;
}

export function comparisonRow(values: RowValues): ComparisonRow {
  const { variance, note } = relativeVariance(values.stable, values.canary);
  return {
    metric: values.metric,
    label: values.label,
    unit: values.unit,
    kind: values.kind,
    stable: values.stable,
    canary: values.canary,
    variance,
    varianceNote: note,
    stableCount: values.stableCount ?? null,
    canaryCount: values.canaryCount ?? null,
    stableDenominator: values.stableDenominator ?? null,
    canaryDenominator: values.canaryDenominator ?? null,
    stableCi: values.stableCi ?? null,
    canaryCi: values.canaryCi ?? null,
    pValue: values.pValue ?? null,
    test: values.test ?? null,
    action: 'none',
  };
}

const scaled = (ci: [number, number] | null, scale: number): [number, number] | null =>
  ci === null ? null : [ci[0] * scale, ci[1] * scale];

/**
 * A rate row: k of n requests on each track. `scale` 1000 gives "per 1,000 requests". A
 * count that can exceed the requests (an auth failure from a log line that is no request)
 * is not a proportion: it gets no interval and no test.
 */
export function rateRow(
  metric: string,
  label: string,
  stable: { k: number; n: number },
  canary: { k: number; n: number },
  scale: 1 | 1000 = 1,
): ComparisonRow {
  const proportion = stable.k <= stable.n && canary.k <= canary.n;
  const tested =
    proportion && stable.n > 0 && canary.n > 0
      ? compareProportions(canary.k, canary.n, stable.k, stable.n, 'two-sided')
      : null;
  const value = (t: { k: number; n: number }): number | null => {
    const r = ratio(t.k, t.n);
    return r === null ? null : r * scale;
  };
  return comparisonRow({
    metric,
    label,
    unit: scale === 1 ? 'ratio' : 'per1000',
    kind: 'rate',
    stable: value(stable),
    canary: value(canary),
    stableCount: stable.k,
    canaryCount: canary.k,
    stableDenominator: stable.n,
    canaryDenominator: canary.n,
    stableCi: proportion ? scaled(exactInterval(stable.k, stable.n), scale) : null,
    canaryCi: proportion ? scaled(exactInterval(canary.k, canary.n), scale) : null,
    pValue: tested?.pValue ?? null,
    test: tested?.test ?? null,
  });
}

/** How many values of an ascending sample are above `value` (binary search). */
export function countAbove(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= value) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length - lo;
}

/** The tail test of a percentile row: requests of each track slower than stable's percentile. */
function tailTest(s: Float64Array, c: Float64Array, p: number) {
  const cut = percentileOfSorted(s, p);
  if (cut === null || c.length === 0) return null;
  const stableCount = countAbove(s, cut);
  const canaryCount = countAbove(c, cut);
  const tested = compareProportions(canaryCount, c.length, stableCount, s.length, 'two-sided');
  return { stableCount, canaryCount, pValue: tested.pValue, test: tested.test };
}

export function comparisonTable(s: TrackFigures, c: TrackFigures, unit: VolumeUnit = 'requests'): ComparisonRow[] {
  const latency = {
    pValue:
      s.latencies.length === 0 || c.latencies.length === 0
        ? null
        : mannWhitneyU(c.latencies, s.latencies, 'two-sided').pValue,
  };
  const of = (t: TrackFigures, key: 'n5xx' | 'n4xx' | 'n401' | 'n403') => ({ k: t[key], n: t.requests });
  // Auth failures and exceptions are counted over requests, or over events in logs without
  // HTTP (sshd, a worker's application log): see `volumeUnit`.
  const perVolume = (t: TrackFigures, key: 'authFailures' | 'exceptions') => ({
    k: t[key],
    n: unit === 'events' ? t.events : t.requests,
  });
  const latencyRow = (metric: string, label: string, value: (t: TrackFigures) => number | null): ComparisonRow =>
    comparisonRow({
      metric,
      label,
      unit: 'ms',
      kind: 'latency',
      stable: value(s),
      canary: value(c),
      stableDenominator: s.latencies.length,
      canaryDenominator: c.latencies.length,
      pValue: latency.pValue,
      test: latency.pValue === null ? null : 'mann-whitney-u',
    });
  const tailRow = (metric: string, label: string, p: number): ComparisonRow => {
    const tail = tailTest(s.latencies, c.latencies, p);
    return comparisonRow({
      metric,
      label,
      unit: 'ms',
      kind: 'latency',
      stable: percentileOfSorted(s.latencies, p),
      canary: percentileOfSorted(c.latencies, p),
      stableCount: tail?.stableCount ?? null,
      canaryCount: tail?.canaryCount ?? null,
      stableDenominator: s.latencies.length,
      canaryDenominator: c.latencies.length,
      pValue: tail?.pValue ?? null,
      test: tail?.test ?? null,
    });
  };
  const mean = (t: TrackFigures): number | null => (t.latencySamples === 0 ? null : t.latencySum / t.latencySamples);
  return [
    comparisonRow({
      metric: 'requests',
      label: 'Requests',
      unit: 'count',
      kind: 'volume',
      stable: s.requests,
      canary: c.requests,
    }),
    rateRow('rate5xx', '5xx rate', of(s, 'n5xx'), of(c, 'n5xx')),
    rateRow('rate4xx', '4xx rate', of(s, 'n4xx'), of(c, 'n4xx')),
    rateRow('rate401', '401 rate', of(s, 'n401'), of(c, 'n401')),
    rateRow('rate403', '403 rate', of(s, 'n403'), of(c, 'n403')),
    rateRow(
      'authFailuresPer1000',
      `Auth failures per 1,000 ${unit}`,
      perVolume(s, 'authFailures'),
      perVolume(c, 'authFailures'),
      1000,
    ),
    rateRow(
      'exceptionsPer1000',
      `Exceptions per 1,000 ${unit}`,
      perVolume(s, 'exceptions'),
      perVolume(c, 'exceptions'),
      1000,
    ),
    latencyRow('latencyMean', 'Mean latency', mean),
    latencyRow('latencyP50', 'p50 latency', (t) => percentileOfSorted(t.latencies, 50)),
    tailRow('latencyP95', 'p95 latency', 95),
    tailRow('latencyP99', 'p99 latency', 99),
  ];
}
