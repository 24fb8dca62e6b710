// How figures read, identically in the UI, the CLI and the review.
import type { ComparisonRow, MetricUnit } from './api.js';

const countFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });
const msFormat = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const valueFormat = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 3 });
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
    case 'per1000':
      return `${msFormat.format(value)} per 1,000`;
    case 'percent':
      return `${msFormat.format(value * 100)} %`;
    case 'value':
      return valueFormat.format(value);
  }
}

/** A 95 % interval in the row's unit: `0.39 %–1.83 %`. */
export function formatInterval(unit: MetricUnit, ci: [number, number] | null): string {
  if (ci === null) return '—';
  return `${formatMetricValue(unit, ci[0])}–${formatMetricValue(unit, ci[1])}`;
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
export function formatComparisonCell(row: ComparisonRow, track: 'stable' | 'canary'): string {
  const count = row[`${track}Count`];
  const denominator = row[`${track}Denominator`];
  if (row.unit === 'ratio' && denominator !== null) return formatRateWithCounts(row[track], count, denominator);
  const text = formatMetricValue(row.unit, row[track]);
  if (row.unit === 'per1000' && count !== null) return `${text} (${countFormat.format(count)})`;
  return text;
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

/** A p-value as a reader checks it: `p = 0.032`, `p < 0.0001`. */
export function formatPValue(p: number | null): string {
  if (p === null) return '—';
  if (p < 0.0001) return 'p < 0.0001';
  return `p = ${p < 0.001 ? p.toPrecision(2) : p.toFixed(p < 0.01 ? 4 : 3)}`;
}
