// The comparison table: the same figures for stable and canary over the rollout's window.
// Requests are events that carry an HTTP status; rates are over requests, with a 95 % Wilson
// interval and a two-sided test of the difference (Fisher's exact test when counts are
// small, the two-proportion z-test otherwise). Latency is over requests that carry a
// duration; percentiles are nearest-rank; one Mann–Whitney U test compares the two latency
// distributions, and its p-value stands on every latency row.
import type { ComparisonRow, MetricUnit, RowKind, TestName } from '../../../shared/api.js';
import type { TrackFigures } from './figures.js';
import {
  compareProportions,
  mannWhitneyU,
  percentileOfSorted,
  ratio,
  relativeVariance,
  wilsonInterval,
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
    stableCi: proportion ? scaled(wilsonInterval(stable.k, stable.n), scale) : null,
    canaryCi: proportion ? scaled(wilsonInterval(canary.k, canary.n), scale) : null,
    pValue: tested?.pValue ?? null,
    test: tested?.test ?? null,
  });
}

export function comparisonTable(s: TrackFigures, c: TrackFigures): ComparisonRow[] {
  const latency = {
    pValue:
      s.latencies.length === 0 || c.latencies.length === 0
        ? null
        : mannWhitneyU(c.latencies, s.latencies, 'two-sided').pValue,
  };
  const of = (t: TrackFigures, key: 'n5xx' | 'n4xx' | 'n401' | 'n403' | 'authFailures' | 'exceptions') => ({
    k: t[key],
    n: t.requests,
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
      'Auth failures per 1,000 requests',
      of(s, 'authFailures'),
      of(c, 'authFailures'),
      1000,
    ),
    rateRow('exceptionsPer1000', 'Exceptions per 1,000 requests', of(s, 'exceptions'), of(c, 'exceptions'), 1000),
    latencyRow('latencyMean', 'Mean latency', mean),
    latencyRow('latencyP50', 'p50 latency', (t) => percentileOfSorted(t.latencies, 50)),
    latencyRow('latencyP95', 'p95 latency', (t) => percentileOfSorted(t.latencies, 95)),
    latencyRow('latencyP99', 'p99 latency', (t) => percentileOfSorted(t.latencies, 99)),
  ];
}
