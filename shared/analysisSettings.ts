// The judge's settings, saved with each case (table `settings`, keys `analysis.<name>`).
// Defaults come from the deployment checklist Coalmine follows (ARCHITECTURE.md, "Analysis").
import { z } from 'zod';
import { eventFilterSchema } from './eventFilter.js';

const fraction = z.number().min(0).max(1);
const positive = z.number().positive().finite();

export const businessMeasureSchema = z
  .object({
    name: z
      .string()
      .min(1)
      .max(60)
      .regex(/^[\w.-]+$/, 'a measure name holds letters, digits and . - _ only'),
    label: z.string().min(1).max(120),
    numerator: eventFilterSchema.min(1),
    denominator: eventFilterSchema.min(1),
    /** Conversion and success rates are better higher; timeouts are better lower. */
    higherIsBetter: z.boolean(),
  })
  .strict();

export type BusinessMeasure = z.infer<typeof businessMeasureSchema>;

export const analysisSettingsShape = {
  /** Canary 5xx rate above this → roll back (checklist: 0.1 %). */
  errorRateRollback: fraction,
  /** 5xx rate above this → investigate (checklist: 1 %). */
  errorRateInvestigate: fraction,
  /** 4xx rate above this → investigate (checklist: 1 %). */
  clientErrorRateInvestigate: fraction,
  /** Canary p95 latency above this many ms → alert (checklist: 500 ms). */
  latencyAlertMs: positive,
  /** Canary p95 worse than stable's by more than this fraction (and this many ms) → roll back. */
  p95Tolerance: fraction,
  p95ToleranceMs: z.number().min(0).finite(),
  /**
   * A rate above an absolute threshold that stable breaches too counts against the canary only
   * when the canary's is higher than stable's by more than this fraction (and significantly):
   * over millions of requests a sliver of difference is significant, and is no regression.
   */
  rateTolerance: z.number().min(0).finite(),
  /** Significance level of every rule's test. */
  alpha: z.number().gt(0).lt(0.5),
  /** Fewer requests than this on either track → inconclusive. */
  minRequests: z.number().int().min(1),
  /** A new exception is frequent (roll back, not hold) from this many on the canary … */
  newExceptionRollbackCount: z.number().int().min(1),
  /** … and this many per 1,000 canary requests. */
  newExceptionRollbackPer1000: z.number().min(0).finite(),
  /** A shared exception spikes when its canary rate is this many times stable's, significantly. */
  exceptionSpikeRatio: z.number().min(1).finite(),
  /** A 401 or 403 rate worse than stable's by this fraction, significantly, holds the rollout. */
  authRateTolerance: z.number().min(0).finite(),
  /** Width of the 401/403 surge buckets and of the auth-failure time series. */
  bucketMinutes: z.number().int().min(1).max(1440),
  /** False discovery rate across the buckets of one status (Benjamini–Hochberg). */
  surgeFdr: z.number().gt(0).lt(1),
  /** A surge bucket holds at least this many 401s (or 403s) on the canary … */
  surgeMinCount: z.number().int().min(1),
  /** … at no less than this many times stable's rate in the same bucket. */
  surgeMinRatio: z.number().min(1).finite(),
  /** Buckets of the canary's own earlier baseline. */
  surgeBaselineBuckets: z.number().int().min(1).max(1440),
  /** Surge buckets this many quiet buckets apart still make one surge. */
  surgeMergeGapBuckets: z.number().int().min(0).max(60),
  /** CPU or memory worse than stable's by more than this fraction, significantly → investigate. */
  resourceTolerance: z.number().min(0).finite(),
  /** A business measure worse than stable's by more than this fraction, significantly → investigate. */
  businessTolerance: z.number().min(0).finite(),
  /** How many users, IPs and paths to list behind auth failures and surges. */
  topSources: z.number().int().min(1).max(100),
  businessMeasures: z.array(businessMeasureSchema).max(50),
} as const;

export const analysisSettingsSchema = z.object(analysisSettingsShape).strict();
export type AnalysisSettings = z.infer<typeof analysisSettingsSchema>;
export type AnalysisSettingKey = keyof AnalysisSettings;

export const DEFAULT_ANALYSIS_SETTINGS: AnalysisSettings = {
  errorRateRollback: 0.001,
  errorRateInvestigate: 0.01,
  clientErrorRateInvestigate: 0.01,
  latencyAlertMs: 500,
  p95Tolerance: 0.1,
  p95ToleranceMs: 5,
  rateTolerance: 0.25,
  alpha: 0.01,
  minRequests: 200,
  newExceptionRollbackCount: 5,
  newExceptionRollbackPer1000: 1,
  exceptionSpikeRatio: 2,
  authRateTolerance: 0.5,
  bucketMinutes: 1,
  surgeFdr: 0.05,
  surgeMinCount: 3,
  surgeMinRatio: 2,
  surgeBaselineBuckets: 15,
  surgeMergeGapBuckets: 1,
  resourceTolerance: 0.2,
  businessTolerance: 0.05,
  topSources: 10,
  businessMeasures: [],
};

export const ANALYSIS_SETTING_KEYS = Object.keys(DEFAULT_ANALYSIS_SETTINGS) as AnalysisSettingKey[];

export function isAnalysisSettingKey(key: string): key is AnalysisSettingKey {
  return Object.hasOwn(analysisSettingsShape, key);
}

/** What each setting means, for `coalmine settings` and the UI. */
export const ANALYSIS_SETTING_HELP: Record<AnalysisSettingKey, string> = {
  errorRateRollback: 'canary 5xx rate above this fraction → roll back',
  errorRateInvestigate: '5xx rate above this fraction → investigate',
  clientErrorRateInvestigate: '4xx rate above this fraction → investigate',
  latencyAlertMs: 'canary p95 latency above this (ms) → alert',
  p95Tolerance: 'canary p95 worse than stable by more than this fraction (and significant) → roll back',
  p95ToleranceMs: '… and by more than this many ms',
  rateTolerance:
    'a rate above its threshold on both tracks counts against the canary only when higher than stable by this fraction (significant)',
  alpha: 'significance level of each rule',
  minRequests: 'fewer requests than this on either track → inconclusive',
  newExceptionRollbackCount: 'a new exception seen at least this often on the canary …',
  newExceptionRollbackPer1000: '… and at this rate per 1,000 canary requests → roll back (otherwise hold)',
  exceptionSpikeRatio: 'a shared exception at this many times stable’s rate (significant) → hold',
  authRateTolerance: '401 or 403 rate worse than stable by this fraction (significant) → hold',
  bucketMinutes: 'width of the 401/403 surge buckets, in minutes',
  surgeFdr: 'false discovery rate over the surge buckets (Benjamini–Hochberg)',
  surgeMinCount: 'fewest 401s/403s in a surge bucket',
  surgeMinRatio: 'a surge bucket’s rate is at least this many times stable’s',
  surgeBaselineBuckets: 'buckets of the canary’s own earlier baseline',
  surgeMergeGapBuckets: 'quiet buckets allowed inside one surge',
  resourceTolerance: 'CPU or memory worse than stable by this fraction (significant) → investigate',
  businessTolerance: 'a business measure worse than stable by this fraction (significant) → investigate',
  topSources: 'users, IPs and paths listed behind auth failures and surges',
  businessMeasures: 'ratios of two event filters (see `coalmine measures`)',
};
