// The unit of each of the judge's numeric settings, for the page's settings panel: what a
// person types (a fraction, milliseconds, a count) and how the value reads back.
import type { AnalysisSettingKey } from './analysisSettings.js';
import { formatMetricValue } from './metricFormat.js';

export type NumericSettingKey = Exclude<AnalysisSettingKey, 'businessMeasures'>;

export type SettingUnit =
  /** 0–1, read as a percentage (0.001 = 0.1 %). */
  | 'fraction'
  /** A probability (a significance level, a false discovery rate), 0–1. */
  | 'probability'
  | 'ms'
  | 'minutes'
  | 'times'
  | 'per1000'
  | 'requests'
  | 'events'
  | 'buckets'
  | 'entries';

export const ANALYSIS_SETTING_UNITS: Record<NumericSettingKey, SettingUnit> = {
  errorRateRollback: 'fraction',
  errorRateInvestigate: 'fraction',
  clientErrorRateInvestigate: 'fraction',
  latencyAlertMs: 'ms',
  p95Tolerance: 'fraction',
  p95ToleranceMs: 'ms',
  rateTolerance: 'fraction',
  alpha: 'probability',
  minRequests: 'requests',
  newExceptionRollbackCount: 'events',
  newExceptionRollbackPer1000: 'per1000',
  exceptionSpikeRatio: 'times',
  authRateTolerance: 'fraction',
  bucketMinutes: 'minutes',
  surgeFdr: 'probability',
  surgeMinCount: 'events',
  surgeMinRatio: 'times',
  surgeBaselineBuckets: 'buckets',
  surgeMergeGapBuckets: 'buckets',
  resourceTolerance: 'fraction',
  businessTolerance: 'fraction',
  topSources: 'entries',
};

export const NUMERIC_SETTING_KEYS = Object.keys(ANALYSIS_SETTING_UNITS) as NumericSettingKey[];

/** What the unit is called beside an input. */
export const SETTING_UNIT_LABELS: Record<SettingUnit, string> = {
  fraction: 'fraction (0.01 = 1 %)',
  probability: 'probability',
  ms: 'ms',
  minutes: 'minutes',
  times: '× stable',
  per1000: 'per 1,000 requests',
  requests: 'requests',
  events: 'events',
  buckets: 'buckets',
  entries: 'entries',
};

const ONE = { minutes: 'minute', requests: 'request', events: 'event', buckets: 'bucket', entries: 'entry' } as const;

/** A value as a person reads it: `0.001 (0.10 %)`, `500 ms`, `15 buckets`. */
export function formatSettingValue(unit: SettingUnit, value: number): string {
  switch (unit) {
    case 'fraction':
      return `${value} (${formatMetricValue('ratio', value)})`;
    case 'probability':
      return String(value);
    case 'ms':
      return formatMetricValue('ms', value);
    case 'per1000':
      return formatMetricValue('per1000', value);
    case 'times':
      return `${value} ×`;
    default:
      return `${formatMetricValue('count', value)} ${value === 1 ? ONE[unit] : unit}`;
  }
}
