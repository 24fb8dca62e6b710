// The verdict: each rule of the deployment checklist (ARCHITECTURE.md, "Analysis") applied to
// the measured figures, as a reason with the metric, both values, the threshold and a sentence
// a person can check. Decision: any rule that says roll back → rollback; otherwise too few
// requests on either track → inconclusive (a significant reason to roll back stands even then:
// it is evidence, not noise); otherwise any rule that holds, asks to investigate or alerts →
// hold; otherwise promote.
//
// An absolute threshold the canary breaches is a condition that predates the canary when
// stable breaches it too, or may (too few requests to show its rate: its 95 % interval reaches
// above the threshold), and the canary is not significantly worse: reported as 'pre-existing',
// it does not block promotion. A rollback threshold breached by a value whose 95 % interval
// still reaches below it holds instead of rolling back: more traffic will tell.
import type {
  ComparisonRow,
  Decision,
  ExceptionGroup,
  MetricUnit,
  RowAction,
  RuleOutcome,
  Surge,
  Verdict,
  VerdictReason,
  VolumeUnit,
} from '../../../shared/api.js';
import type { AnalysisSettings } from '../../../shared/analysisSettings.js';
import {
  formatCount,
  formatInterval,
  formatMetricValue,
  formatPValue,
  formatRateWithCounts,
} from '../../../shared/metricFormat.js';
import { formatUkWithZone } from '../../../shared/ukTime.js';
import { type CohortsElsewhere, elsewhereText } from './emptyCohort.js';
import { holm } from './stats.js';

export interface VerdictInput {
  rows: ComparisonRow[];
  /** The traffic of each track, in `unit`: requests, or events in logs without HTTP. */
  requests: { stable: number; canary: number };
  unit?: VolumeUnit;
  /** The rollout's window and the span each track's events cover in it (bucket precision), UTC ms. */
  coverage?: { from: number; to: number; stable: [number, number] | null; canary: [number, number] | null };
  surges: Surge[];
  exceptions: ExceptionGroup[];
  settings: AnalysisSettings;
  /** The events an empty track has in the window under other environments, to say why it is empty. */
  elsewhere?: CohortsElsewhere | undefined;
}

const BLOCKING: ReadonlySet<RuleOutcome> = new Set(['rollback', 'hold', 'investigate', 'alert', 'insufficient-data']);

const SEVERITY: Record<RowAction, number> = {
  none: 0,
  'pre-existing': 1,
  'insufficient-data': 2,
  alert: 3,
  investigate: 4,
  hold: 5,
  rollback: 6,
};

const ACTION_WORDS: Record<RuleOutcome, string> = {
  pass: 'no action',
  'pre-existing': 'no action on the canary',
  investigate: 'investigate',
  alert: 'alert',
  hold: 'hold',
  rollback: 'roll back',
  'insufficient-data': 'wait for more traffic',
};

/** How many new exceptions get a reason of their own; the rest share one. */
const LISTED_EXCEPTIONS = 10;

function reason(
  rule: string,
  metric: string,
  unit: MetricUnit,
  values: { stable: number | null; canary: number | null; threshold: number | null; pValue?: number | null },
  outcome: RuleOutcome,
  text: string,
  blocks = BLOCKING.has(outcome),
): VerdictReason {
  return {
    rule,
    metric,
    unit,
    stable: values.stable,
    canary: values.canary,
    threshold: values.threshold,
    pValue: values.pValue ?? null,
    outcome,
    blocks,
    text,
  };
}

function cell(row: ComparisonRow, track: 'stable' | 'canary'): string {
  const denominator = row[`${track}Denominator`];
  if (row.unit === 'ratio' && denominator !== null)
    return formatRateWithCounts(row[track], row[`${track}Count`], denominator);
  return formatMetricValue(row.unit, row[track]);
}

/**
 * How many comparisons a row's p-value was adjusted over (Holm), by row: the rules each test
 * the canary against stable at `alpha`, and a healthy canary checked by eight rules at 1 %
 * would otherwise be held one time in twenty-five on noise alone.
 */
const adjustedOver = new WeakMap<ComparisonRow, number>();

/** The p-value a row had before Holm's adjustment, by adjusted row. */
const unadjustedP = new WeakMap<ComparisonRow, number | null>();

/**
 * Two-sided p-value, before adjustment, under which a canary above stable's rate beyond the
 * tolerance on a threshold both tracks breach is held instead of called pre-existing: some
 * evidence (one-sided 2.5 %), short of significance at `alpha` after Holm. Measured over 600
 * healthy rollouts a split (judgeAudit.test.ts), it holds 2.7–4.5 % of them, whether stable
 * serves ten times the canary's traffic or the same; under 2 % where the canary serves four or
 * ten times stable's (judgeCanaryHeavy.test.ts), Fisher's test being conservative on the few
 * errors stable shows.
 */
const HOLD_EVIDENCE_P = 0.05;

function pText(row: ComparisonRow): string {
  const n = adjustedOver.get(row);
  return n !== undefined && n > 1
    ? `${formatPValue(row.pValue)}, adjusted for ${formatCount(n)} comparisons`
    : formatPValue(row.pValue);
}

/** The metrics whose test against stable a rule decides on: one family for Holm's adjustment. */
const JUDGED_METRICS = /^(rate5xx|rate4xx|rate401|rate403|latencyP95|authFailuresPer1000|resource:.+|business:.+)$/;

/** Rows with the p-values of the judged metrics adjusted over the family (the table keeps the raw ones). */
function adjustedRows(rows: ComparisonRow[], unit: VolumeUnit): ComparisonRow[] {
  const judged = rows.filter(
    (r) =>
      r.pValue !== null &&
      JUDGED_METRICS.test(r.metric) &&
      (unit === 'requests' ? r.metric !== 'authFailuresPer1000' : !/^(rate|latency)/.test(r.metric)),
  );
  const adjusted = holm(judged.map((r) => r.pValue ?? 1));
  return rows.map((r) => {
    const i = judged.indexOf(r);
    if (i === -1) return r;
    const copy = { ...r, pValue: adjusted[i] ?? r.pValue };
    adjustedOver.set(copy, judged.length);
    unadjustedP.set(copy, r.pValue);
    return copy;
  });
}

const significantlyWorse = (row: ComparisonRow, alpha: number): boolean =>
  row.pValue !== null && row.pValue < alpha && row.canary !== null && row.stable !== null && row.canary > row.stable;

/**
 * How far above stable's the canary's value must be to count against it: the p95 tolerance
 * for latency, `rateTolerance` for rates. A significant difference smaller than this is real
 * but no regression: at high volume the tests find slivers.
 */
function materialLimit(
  row: ComparisonRow,
  stable: number,
  settings: AnalysisSettings,
): { limit: number; words: string } {
  if (row.unit === 'ms') {
    return {
      limit: Math.max(stable * (1 + settings.p95Tolerance), stable + settings.p95ToleranceMs),
      words: `${formatCount(settings.p95Tolerance * 100)} % and ${formatCount(settings.p95ToleranceMs)} ms`,
    };
  }
  return { limit: stable * (1 + settings.rateTolerance), words: `${formatCount(settings.rateTolerance * 100)} %` };
}

/**
 * Where stable stands against an absolute threshold on its own evidence: 'breaches' when its
 * value is above it; 'may-breach' when its value is not but its 95 % interval reaches above it
 * (no error in 300 requests rules out no 5xx rate under 1.2 %); 'below' when its interval, or
 * its value for a figure without one (a percentile), lies within it.
 */
type StableStanding = 'breaches' | 'may-breach' | 'below';

function stableStanding(row: ComparisonRow, threshold: number): StableStanding | null {
  if (row.stable === null) return null;
  if (row.stable > threshold) return 'breaches';
  return row.stableCi !== null && row.stableCi[1] > threshold ? 'may-breach' : 'below';
}

/**
 * An absolute threshold on the canary's value: above it → `action`, when the breach is the
 * canary's: stable is within the threshold by its own interval, or the canary is significantly
 * worse than stable by more than the tolerance. When stable breaches the threshold too, or may
 * (its few requests cannot rule it out), only the two-sample test tells the canary from
 * stable: the canary's value alone, however sure, is no evidence against it. Judged on
 * stable's value as if exact, healthy canaries at stable's own 0.2 % 5xx rate were held or
 * rolled back one time in three on a 4:1 canary-heavy split: stable's 500 requests often show
 * no error, while the canary's 2,000 show the rate both have.
 */
function thresholdRule(
  rule: string,
  row: ComparisonRow | undefined,
  threshold: number,
  action: 'rollback' | 'investigate' | 'alert',
  settings: AnalysisSettings,
): VerdictReason | null {
  if (!row) return null;
  const label = row.label;
  const t = formatMetricValue(row.unit, threshold);
  const values = { stable: row.stable, canary: row.canary, threshold, pValue: row.pValue };
  const actionWord = ACTION_WORDS[action];
  // The threshold's name is a noun: "the rollback threshold", not "the roll back threshold".
  const thresholdName = action === 'rollback' ? 'rollback' : actionWord;
  const say = (outcome: RuleOutcome, text: string, blocks?: boolean): VerdictReason =>
    reason(rule, row.metric, row.unit, values, outcome, text, blocks);
  if (row.canary === null) {
    return say('insufficient-data', `No canary data for the ${label}.`, false);
  }
  const canaryText = cell(row, 'canary');
  const stableText = cell(row, 'stable');
  if (row.canary <= threshold) {
    return say(
      'pass',
      `Canary ${label} ${canaryText} is within the ${thresholdName} threshold of ${t} (stable ${stableText}).`,
    );
  }
  const significant = significantlyWorse(row, settings.alpha);
  const material = row.stable === null ? null : materialLimit(row, row.stable, settings);
  const worse = significant && material !== null && row.canary > material.limit;
  const ci = row.canaryCi;
  const standing = stableStanding(row, threshold);
  if ((standing === 'breaches' || standing === 'may-breach') && !worse && row.stable !== null && material !== null) {
    const measured = { stable: row.stable, canary: row.canary };
    return sharedBreach({ rule, row, measured, threshold, action, standing, material, significant });
  }
  // The breach is the canary's: stable is within the threshold, or the canary is significantly
  // and materially worse than stable.
  const against =
    row.stable === null
      ? ''
      : worse
        ? `, significantly above stable's ${stableText}, by more than ${material?.words ?? ''} (${pText(row)})`
        : ` (stable ${stableText})`;
  // Above the threshold by a margin the canary's own interval does not confirm, and no worse
  // than stable's (which is within it): a few requests of noise, no evidence of a crossing. A
  // healthy 300-request canary would otherwise be held one time in four, on 4xx or 5xx noise.
  // Never for the rollback threshold: a canary seen above it, where stable is shown within it,
  // is not promoted on a lack of evidence; it is held until more traffic tells (below).
  if (action !== 'rollback' && ci !== null && ci[0] <= threshold && row.stable !== null && !significant) {
    return say(
      'pass',
      `Canary ${label} ${canaryText} is above the ${thresholdName} threshold of ${t}, but its 95 % interval ` +
        `(${formatInterval(row.unit, ci)}) reaches below it and it is not significantly above stable's ${stableText} ` +
        `(${pText(row)}): no evidence yet that the canary crosses it.`,
    );
  }
  if (action === 'rollback' && ci !== null && ci[0] <= threshold) {
    return say(
      'hold',
      `Canary ${label} ${canaryText} is above the rollback threshold of ${t}${against}, but its 95 % interval ` +
        `(${formatInterval(row.unit, ci)}) reaches below the threshold: hold until more traffic tells.`,
    );
  }
  const ciText = ci === null ? '' : ` (95 % interval ${formatInterval(row.unit, ci)})`;
  return say(
    action,
    `Canary ${label} ${canaryText}${ciText} is above the ${thresholdName} threshold of ${t}${against}: ${actionWord}.`,
  );
}

/**
 * The canary above an absolute threshold that stable breaches too, or may, and not
 * significantly worse than stable by more than the tolerance: no evidence the breach is the
 * canary's, so it does not block promotion. Except for a rollback threshold where the canary
 * is beyond the tolerance with some evidence against it (HOLD_EVIDENCE_P before adjustment):
 * several times stable's rate is not a condition that predates the canary. It is held until
 * more traffic tells. Two-sample evidence, not the canary's interval against stable's rate as
 * if exact: stable's own noise would hold one healthy canary in twelve on an even split.
 */
function sharedBreach(args: {
  rule: string;
  row: ComparisonRow;
  /** The row's values, known on both tracks. */
  measured: { stable: number; canary: number };
  threshold: number;
  action: 'rollback' | 'investigate' | 'alert';
  standing: 'breaches' | 'may-breach';
  material: { limit: number; words: string };
  significant: boolean;
}): VerdictReason {
  const { rule, row, threshold, action, standing, material, significant } = args;
  const { stable, canary } = args.measured;
  const label = row.label;
  const t = formatMetricValue(row.unit, threshold);
  const values = { stable, canary, threshold, pValue: row.pValue };
  const say = (outcome: RuleOutcome, text: string): VerdictReason =>
    reason(rule, row.metric, row.unit, values, outcome, text);
  const canaryText = cell(row, 'canary');
  const stableText = cell(row, 'stable');
  const thresholdName = action === 'rollback' ? 'rollback' : ACTION_WORDS[action];
  // Stable within the threshold by its value but not by its interval: said, with the interval.
  const stableMay = `stable's ${stableText} is not, but its 95 % interval (${formatInterval(row.unit, row.stableCi)}) reaches above it`;
  // Rows outside Holm's family keep their own p-value.
  const rawP = unadjustedP.get(row) ?? row.pValue;
  if (action === 'rollback' && canary > material.limit && rawP !== null && rawP < HOLD_EVIDENCE_P) {
    const before = rawP === row.pValue ? '' : `; ${formatPValue(rawP)} before that adjustment`;
    const notYet = `beyond the tolerance of ${material.words}; the difference is not yet significant (${pText(row)}${before}): hold until more traffic tells.`;
    return say(
      'hold',
      standing === 'breaches'
        ? `${upperFirst(label)} is above the rollback threshold of ${t} on both tracks, but the canary's ` +
            `${canaryText} is ${(canary / stable).toFixed(1)} times stable's ${stableText}, ${notYet}`
        : `Canary ${label} ${canaryText} is above the rollback threshold of ${t}; ${stableMay}. The canary's is ` +
            `${stable > 0 ? `${(canary / stable).toFixed(1)} times stable's` : "above stable's"}, ${notYet}`,
    );
  }
  const by = canary > stable && stable > 0 ? `${formatCount(Math.round(((canary - stable) / stable) * 100))} %` : null;
  const why =
    canary < stable
      ? `the canary's is lower than stable's, ${pText(row)}`
      : significant && by !== null
        ? `the canary's is higher than stable's by ${by}, within the tolerance of ${material.words} (${pText(row)})`
        : `the canary is not significantly worse, ${pText(row)}`;
  if (standing === 'breaches') {
    return say(
      'pre-existing',
      `${upperFirst(label)} is above ${t} on both tracks (canary ${canaryText}, stable ${stableText}; ` +
        `${why}): a condition that predates the canary, so it does not block promotion.`,
    );
  }
  const ci = row.canaryCi;
  if (ci !== null && ci[0] <= threshold) {
    return say(
      'pass',
      `Canary ${label} ${canaryText} is above the ${thresholdName} threshold of ${t}, but its 95 % interval ` +
        `(${formatInterval(row.unit, ci)}) reaches below it; ${stableMay} (${why}): no evidence that the canary crosses it ` +
        `where stable does not.`,
    );
  }
  const ciText = ci === null ? '' : ` (95 % interval ${formatInterval(row.unit, ci)})`;
  return say(
    'pre-existing',
    `Canary ${label} ${canaryText}${ciText} is above the ${thresholdName} threshold of ${t}; ${stableMay} (${why}): ` +
      `stable's ${formatCount(row.stableDenominator ?? 0)} requests cannot tell the canary from a condition that ` +
      `predates it, so it does not block promotion.`,
  );
}

/** A row's label inside a sentence: "Auth failures per …" → "auth failures per …"; "CPU …" stays. */
const inSentence = (label: string): string =>
  /^\p{Lu}\p{Ll}/u.test(label) ? `${label[0]?.toLowerCase() ?? ''}${label.slice(1)}` : label;

/** The canary worse than stable by more than a relative tolerance, significantly → `action`. */
function relativeRule(
  rule: string,
  row: ComparisonRow,
  tolerance: number,
  action: 'hold' | 'investigate',
  settings: AnalysisSettings,
  higherIsBetter = false,
): VerdictReason {
  const values = {
    stable: row.stable,
    canary: row.canary,
    threshold: row.stable === null ? null : row.stable * (higherIsBetter ? 1 - tolerance : 1 + tolerance),
    pValue: row.pValue,
  };
  const tol = `${formatCount(tolerance * 100)} %`;
  if (row.stable === null || row.canary === null) {
    return reason(
      rule,
      row.metric,
      row.unit,
      values,
      'insufficient-data',
      `No data on one track for the ${inSentence(row.label)}.`,
      false,
    );
  }
  const worseBy = higherIsBetter ? row.stable - row.canary : row.canary - row.stable;
  const beyond = worseBy > Math.abs(row.stable) * tolerance && worseBy > 0;
  const significant = row.pValue !== null && row.pValue < settings.alpha;
  const both = `canary ${cell(row, 'canary')}, stable ${cell(row, 'stable')}`;
  if (beyond && significant) {
    return reason(
      rule,
      row.metric,
      row.unit,
      values,
      action,
      `The canary's ${inSentence(row.label)} is worse than stable's by more than ${tol} (${both}; ${pText(row)}): ${ACTION_WORDS[action]}.`,
    );
  }
  const why = beyond ? `the difference is not significant (${pText(row)})` : `within ${tol} of stable's or better`;
  return reason(
    rule,
    row.metric,
    row.unit,
    values,
    'pass',
    `The canary's ${inSentence(row.label)} is ${why} (${both}).`,
  );
}

const share = (count: number | null, of: number | null): string =>
  count === null || of === null || of === 0
    ? 'n/a'
    : `${formatMetricValue('ratio', count / of)} (${formatCount(count)} of ${formatCount(of)})`;

/**
 * The canary's p95 beyond stable's by the tolerance, and its tail significantly heavier: more
 * of its requests slower than stable's p95 (the row's tail test, compare.ts). A canary faster
 * overall is no evidence against it, however significant the difference.
 */
function p95Rule(row: ComparisonRow | undefined, settings: AnalysisSettings): VerdictReason | null {
  if (!row) return null;
  const { stable, canary } = row;
  const limit =
    stable === null ? null : Math.max(stable * (1 + settings.p95Tolerance), stable + settings.p95ToleranceMs);
  const values = { stable, canary, threshold: limit, pValue: row.pValue };
  if (stable === null || canary === null || limit === null) {
    return reason(
      'p95-regression',
      row.metric,
      row.unit,
      values,
      'insufficient-data',
      'No latency on one track to compare p95.',
      false,
    );
  }
  const tol = `${formatCount(settings.p95Tolerance * 100)} % and ${formatCount(settings.p95ToleranceMs)} ms`;
  const both = `canary ${formatMetricValue('ms', canary)}, stable ${formatMetricValue('ms', stable)}`;
  if (canary <= limit) {
    return reason(
      'p95-regression',
      row.metric,
      row.unit,
      values,
      'pass',
      `Canary p95 latency is within ${tol} of stable's (${both}).`,
    );
  }
  const canaryShare = share(row.canaryCount, row.canaryDenominator);
  const stableShare = share(row.stableCount, row.stableDenominator);
  const heavier =
    row.canaryCount !== null &&
    row.stableCount !== null &&
    row.canaryDenominator !== null &&
    row.stableDenominator !== null &&
    row.canaryCount * row.stableDenominator > row.stableCount * row.canaryDenominator;
  const tail = `${canaryShare} of the canary's requests are slower than stable's p95, against ${stableShare} of stable's`;
  if (heavier && row.pValue !== null && row.pValue < settings.alpha) {
    return reason(
      'p95-regression',
      row.metric,
      row.unit,
      values,
      'rollback',
      `Canary p95 latency is worse than stable's beyond the tolerance of ${tol} (${both}), and significantly so: ` +
        `${tail} (${pText(row)}): roll back.`,
    );
  }
  return reason(
    'p95-regression',
    row.metric,
    row.unit,
    values,
    'pass',
    `Canary p95 latency is above stable's beyond ${tol} (${both}), but its tail is not significantly heavier: ` +
      `${tail} (${pText(row)}): not a regression on this evidence.`,
  );
}

function surgeReasons(surges: Surge[], settings: AnalysisSettings): VerdictReason[] {
  if (surges.length === 0) {
    return [
      reason(
        'auth-surge',
        'rate401',
        'ratio',
        { stable: null, canary: null, threshold: settings.surgeFdr },
        'pass',
        `No 401 or 403 surge on the canary (buckets of ${settings.bucketMinutes} min against stable's, false discovery rate ${formatCount(settings.surgeFdr * 100)} %).`,
      ),
    ];
  }
  return surges.map((s) => {
    const top = s.drivers.find((d) => d.kind === 'path');
    return reason(
      'auth-surge',
      s.status === 401 ? 'rate401' : 'rate403',
      'ratio',
      { stable: s.stableRate, canary: s.canaryRate, threshold: settings.surgeFdr, pValue: s.pValue },
      'rollback',
      `A ${s.status} surge on the canary from ${formatUkWithZone(Date.parse(s.start))} to ${formatUkWithZone(Date.parse(s.end))}: ` +
        `${formatRateWithCounts(s.canaryRate, s.canaryCount, s.canaryRequests)} of its requests against stable's ` +
        `${formatRateWithCounts(s.stableRate, s.stableCount, s.stableRequests)} in the same minutes ` +
        `(adjusted ${formatPValue(s.pValue)})${top ? `, mostly on ${top.value}` : ''}: roll back.`,
    );
  });
}

function exceptionReasons(exceptions: ExceptionGroup[], settings: AnalysisSettings, unit: VolumeUnit): VerdictReason[] {
  const reasons: VerdictReason[] = [];
  const fresh = exceptions.filter((e) => e.status === 'new');
  const frequent = (e: ExceptionGroup): boolean =>
    e.canaryCount >= settings.newExceptionRollbackCount &&
    (e.canaryPer1000 ?? 0) >= settings.newExceptionRollbackPer1000;
  const name = (e: ExceptionGroup): string => `${e.type ?? 'exception'}: ${e.message}`;
  for (const e of fresh.slice(0, LISTED_EXCEPTIONS)) {
    const often = frequent(e);
    reasons.push(
      reason(
        'new-exception',
        'exceptionsPer1000',
        'per1000',
        { stable: 0, canary: e.canaryPer1000, threshold: settings.newExceptionRollbackPer1000 },
        often ? 'rollback' : 'hold',
        `New exception on the canary, never on stable nor before this rollout: ${name(e)} — ${formatCount(e.canaryCount)} ${e.canaryCount === 1 ? 'time' : 'times'} ` +
          `(${formatMetricValue('per1000', e.canaryPer1000)} ${unit}), first at ${formatUkWithZone(Date.parse(e.firstSeen))}. ` +
          (often
            ? `Frequent (at least ${formatCount(settings.newExceptionRollbackCount)} times and ${formatMetricValue('per1000', settings.newExceptionRollbackPer1000)}): roll back.`
            : `Not yet frequent (under ${formatCount(settings.newExceptionRollbackCount)} times or ${formatMetricValue('per1000', settings.newExceptionRollbackPer1000)}): hold.`),
      ),
    );
  }
  const rest = fresh.slice(LISTED_EXCEPTIONS);
  if (rest.length > 0) {
    const anyFrequent = rest.some(frequent);
    reasons.push(
      reason(
        'new-exception',
        'exceptionsPer1000',
        'per1000',
        { stable: 0, canary: null, threshold: settings.newExceptionRollbackPer1000 },
        anyFrequent ? 'rollback' : 'hold',
        `${formatCount(rest.length)} more new exceptions on the canary (${formatCount(rest.reduce((s, e) => s + e.canaryCount, 0))} events): ${anyFrequent ? 'roll back' : 'hold'}.`,
      ),
    );
  }
  if (fresh.length === 0) {
    reasons.push(
      reason(
        'new-exception',
        'exceptionsPer1000',
        'per1000',
        { stable: null, canary: null, threshold: settings.newExceptionRollbackPer1000 },
        'pass',
        'No new exception on the canary.',
      ),
    );
  }
  for (const e of exceptions.filter((x) => x.status === 'spike')) {
    reasons.push(
      reason(
        'exception-spike',
        'exceptionsPer1000',
        'per1000',
        { stable: e.stablePer1000, canary: e.canaryPer1000, threshold: settings.exceptionSpikeRatio, pValue: e.pValue },
        'hold',
        `An exception both tracks throw spikes on the canary: ${name(e)} — ${formatMetricValue('per1000', e.canaryPer1000)} ${unit} ` +
          `against stable's ${formatMetricValue('per1000', e.stablePer1000)} (at least ${formatCount(settings.exceptionSpikeRatio)} times, adjusted ${formatPValue(e.pValue)}): hold.`,
      ),
    );
  }
  return reasons;
}

function decide(reasons: VerdictReason[]): Decision {
  if (reasons.some((r) => r.outcome === 'rollback')) return 'rollback';
  if (reasons.some((r) => r.rule === 'min-requests' && r.outcome === 'insufficient-data')) return 'inconclusive';
  if (reasons.some((r) => r.blocks)) return 'hold';
  return 'promote';
}

export const DECISION_WORDS: Record<Decision, string> = {
  promote: 'Promote',
  hold: 'Hold',
  rollback: 'Roll back',
  inconclusive: 'Inconclusive',
};

function summarise(decision: Decision, reasons: VerdictReason[]): string {
  const named = (outcome: RuleOutcome[]): string[] => [
    ...new Set(reasons.filter((r) => outcome.includes(r.outcome) && r.blocks).map((r) => r.rule)),
  ];
  switch (decision) {
    case 'rollback':
      return `Roll back: ${named(['rollback']).join(', ')}.`;
    case 'inconclusive': {
      const min = reasons.find((r) => r.rule === 'min-requests');
      return `Inconclusive: ${min === undefined ? 'too few requests to tell the canary from stable.' : lowerFirst(min.text)}`;
    }
    case 'hold':
      return `Hold: ${named(['hold', 'investigate', 'alert', 'insufficient-data']).join(', ')}.`;
    case 'promote': {
      const pre = [...new Set(reasons.filter((r) => r.outcome === 'pre-existing').map((r) => r.rule))];
      return `Promote: every rule passes.${pre.length > 0 ? ` Conditions that predate the canary: ${pre.join(', ')}.` : ''}`;
    }
  }
}

const lowerFirst = (text: string): string => `${text[0]?.toLowerCase() ?? ''}${text.slice(1)}`;
const upperFirst = (text: string): string => `${text[0]?.toUpperCase() ?? ''}${text.slice(1)}`;

/** Enough traffic on both tracks to judge; the sentence says which track lacks it, and why. */
function minTrafficRule(
  requests: { stable: number; canary: number },
  unit: VolumeUnit,
  min: number,
  elsewhere?: CohortsElsewhere,
): VerdictReason {
  const verb = unit === 'events' ? 'logged' : 'served';
  const values = { stable: requests.stable, canary: requests.canary, threshold: min };
  const noHttp = unit === 'events' ? ' No event carries an HTTP status, so the judge counts events logged.' : '';
  if (requests.canary >= min && requests.stable >= min) {
    return reason(
      'min-requests',
      unit,
      'count',
      values,
      'pass',
      `Both tracks ${verb} enough ${unit} to judge: canary ${formatCount(requests.canary)}, stable ${formatCount(requests.stable)} (at least ${formatCount(min)} each).${noHttp}`,
    );
  }
  const empty = (['stable', 'canary'] as const).filter((t) => requests[t] === 0);
  let text: string;
  if (empty.length === 2) {
    text = `Neither track ${verb} any ${unit} in the window: there is nothing to judge.${elsewhereText(elsewhere, 'stable')}${elsewhereText(elsewhere, 'canary')}`;
  } else if (empty.length === 1) {
    const other = empty[0] === 'stable' ? 'canary' : 'stable';
    text =
      `${upperFirst(empty[0] ?? '')} ${verb} no ${unit} in the window, so there is nothing to compare the ` +
      `${other}'s ${formatCount(requests[other])} with; each track needs at least ${formatCount(min)}.` +
      elsewhereText(elsewhere, empty[0] ?? 'stable');
  } else {
    text = `Too few ${unit} to tell: the canary ${verb} ${formatCount(requests.canary)} and stable ${formatCount(requests.stable)}; each needs at least ${formatCount(min)}.`;
  }
  return reason('min-requests', unit, 'count', values, 'insufficient-data', `${text}${noHttp}`);
}

/**
 * A sentence when a track's events cover clearly less of the window than the window (a window
 * defined past the logs, stable's logs ending early): its figures are over those times only,
 * and the tracks are then compared over different hours.
 */
function coverageText(coverage: VerdictInput['coverage'], bucketMs: number): string {
  if (coverage === undefined) return '';
  const { from, to } = coverage;
  const slack = Math.max(bucketMs, (to - from) * 0.05);
  const partial = (['canary', 'stable'] as const).filter((track) => {
    const span = coverage[track];
    return span !== null && (span[0] - from > slack || to - span[1] > slack);
  });
  const text = (span: [number, number] | null): string =>
    span === null ? '' : `${formatUkWithZone(span[0])} to ${formatUkWithZone(span[1])}`;
  const same = partial.length === 2 && text(coverage.canary) === text(coverage.stable) ? text(coverage.canary) : null;
  const parts =
    same !== null
      ? [`Both tracks' events cover only ${same}`]
      : partial.map((track, i) => {
          const who = track === 'canary' ? "the canary's" : "stable's";
          return `${i === 0 ? upperFirst(who) : who} events cover only ${text(coverage[track])}`;
        });
  if (parts.length === 0) return '';
  return ` ${parts.join('; ')} of the window (${formatUkWithZone(from)} to ${formatUkWithZone(to)}): the figures are over those times only.`;
}

export function judge(input: VerdictInput): { verdict: Verdict; rows: ComparisonRow[] } {
  const unit = input.unit ?? 'requests';
  const { requests, settings } = input;
  const rows = adjustedRows(input.rows, unit);
  const row = (metric: string): ComparisonRow | undefined => rows.find((r) => r.metric === metric);
  const minTraffic = minTrafficRule(requests, unit, settings.minRequests, input.elsewhere);
  minTraffic.text += coverageText(input.coverage, settings.bucketMinutes * 60_000);
  const reasons: VerdictReason[] = [minTraffic];
  const push = (r: VerdictReason | null): void => {
    if (r) reasons.push(r);
  };
  // The HTTP rules (status rates, latency, 401/403) have nothing to read in logs without HTTP:
  // left out, rather than each saying "no data" and asking for traffic that will never come.
  if (unit === 'requests') {
    push(thresholdRule('error-rate', row('rate5xx'), settings.errorRateRollback, 'rollback', settings));
    push(
      thresholdRule('error-rate-investigate', row('rate5xx'), settings.errorRateInvestigate, 'investigate', settings),
    );
    push(
      thresholdRule('client-error-rate', row('rate4xx'), settings.clientErrorRateInvestigate, 'investigate', settings),
    );
    push(thresholdRule('latency-alert', row('latencyP95'), settings.latencyAlertMs, 'alert', settings));
    push(p95Rule(row('latencyP95'), settings));
    reasons.push(...surgeReasons(input.surges, settings));
    for (const metric of ['rate401', 'rate403']) {
      const r = row(metric);
      if (r) {
        reasons.push(relativeRule(`auth-rate-${metric.slice(4)}`, r, settings.authRateTolerance, 'hold', settings));
      }
    }
  }
  // Logs without HTTP (sshd, PAM): failed logins are the only access signal, judged as the
  // 401 and 403 rates are. With HTTP, those rates already judge the failures requests show.
  const auth = row('authFailuresPer1000');
  if (unit === 'events' && auth) {
    reasons.push(relativeRule('auth-failures', auth, settings.authRateTolerance, 'hold', settings));
  }
  reasons.push(...exceptionReasons(input.exceptions, settings, unit));
  for (const r of rows.filter((x) => x.kind === 'resource')) {
    reasons.push(relativeRule('resource-use', r, settings.resourceTolerance, 'investigate', settings));
  }
  for (const r of rows.filter((x) => x.kind === 'business')) {
    const measure = settings.businessMeasures.find((m) => `business:${m.name}` === r.metric);
    reasons.push(
      relativeRule(
        'business-measure',
        r,
        settings.businessTolerance,
        'investigate',
        settings,
        measure?.higherIsBetter ?? true,
      ),
    );
  }

  const decision = decide(reasons);
  const actions = new Map<string, RowAction>();
  for (const r of reasons) {
    const action: RowAction = r.outcome === 'pass' ? 'none' : r.outcome;
    const current = actions.get(r.metric) ?? 'none';
    if (SEVERITY[action] > SEVERITY[current]) actions.set(r.metric, action);
  }
  return {
    verdict: { decision, summary: summarise(decision, reasons), reasons },
    rows: input.rows.map((r) => ({ ...r, action: actions.get(r.metric) ?? 'none' })),
  };
}
