// How figures read, identically in the UI, the CLI and the review.
import type { Analysis, ComparisonRow, MetricUnit } from './api.js';

const countFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const msFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const percentFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signedPercentFormat = new Intl.NumberFormat('en-GB', {
  minimumFractionDigits: 1,
  maximumFractionDigits: 1,
  signDisplay: 'exceptZero',
});

export function formatMetricValue(unit: MetricUnit, value: number | null): string {
  if (value === null) return '—';
  switch (unit) {
    case 'count':
      return countFormat.format(value);
    case 'ratio':
      return `${percentFormat.format(value * 100)} %`;
    case 'ms':
      return `${msFormat.format(value)} ms`;
  }
}

export function formatVariance(row: Pick<ComparisonRow, 'variance' | 'varianceNote'>): string {
  if (row.variance === null) return row.varianceNote ?? '—';
  return `${signedPercentFormat.format(row.variance * 100)} %`;
}

/** A rate with the counts behind it: `1.20 % (12 of 1,000)`. */
export function formatRateWithCounts(value: number | null, count: number | null, requests: number): string {
  const text = formatMetricValue('ratio', value);
  return count === null ? text : `${text} (${countFormat.format(count)} of ${countFormat.format(requests)})`;
}

/** One track's cell of the comparison table: a rate shows the counts behind it. */
export function formatComparisonCell(row: ComparisonRow, analysis: Analysis, track: 'stable' | 'canary'): string {
  if (row.unit !== 'ratio') return formatMetricValue(row.unit, row[track]);
  const requests = analysis.totals.find((t) => t.track === track)?.requests ?? 0;
  return formatRateWithCounts(row[track], row[`${track}Count`], requests);
}

export function formatCount(n: number): string {
  return countFormat.format(n);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
