// "What occurred": the findings of the analysis as a timeline, each with its time and its
// evidence (the counts, and one sample event read back from the case with its source and
// line). Kinds, in the order they sort at the same instant:
// - surge: a 401/403 surge the judge found (analysis.surges);
// - new-exception: the first sight of each exception new on the canary;
// - auth-burst: a run of buckets where the canary's authentication failures are well above
//   stable's rate (rule below);
// - threshold: where the canary's running 5xx or 4xx rate crossed, for good, a threshold a
//   blocking rule of the verdict names (crossingOf below);
// - rollout-action: an abort, undo, rollback, pause or promotion found in the logs.
// Entries sort by time, then kind, then title: the same case gives the same order.
import type { Analysis, ExceptionGroup, Surge } from '../../../shared/api.js';
import type { ReviewAction, TimelineEntry, TimelineKind } from '../../../shared/review.js';
import { showControlCharacters } from '../../../shared/controlCharacters.js';
import { formatCount, formatMetricValue, formatPValue, formatRateWithCounts } from '../../../shared/metricFormat.js';
import { formatDuration, formatUkWithZone } from '../../../shared/ukTime.js';
import { cohortFilter } from '../analysis/cohorts.js';
import { bucketEnd, bucketGrid } from '../analysis/buckets.js';
import type { Bucket } from '../analysis/figures.js';
import type { CaseDb } from '../case/caseStore.js';
import type { Pseudonymiser } from './pseudonymise.js';
import { type SampleRow, type SourceNames, oneLine, reviewTime, sampleColumns, sampleOf } from './reviewEvidence.js';
import type { FoundRolloutAction } from './rolloutActions.js';

const KIND_ORDER: Record<TimelineKind, number> = {
  'rollout-action': 0,
  threshold: 1,
  surge: 2,
  'auth-burst': 3,
  'new-exception': 4,
};

export interface TimelineContext {
  db: CaseDb;
  analysis: Analysis;
  /** The canary's per-bucket figures the analysis was judged from. */
  canaryBuckets: Map<number, Bucket>;
  names: SourceNames;
  pseudonymiser: Pseudonymiser;
}

/** The first canary event of the rollout's cohort in [from, to] meeting `condition`. */
function firstCanaryEvent(
  ctx: TimelineContext,
  condition: string,
  window: { from: number; to: number },
  extra: Record<string, unknown> = {},
): SampleRow | null {
  const cohort = cohortFilter(ctx.analysis.rollout, 'canary');
  const row = ctx.db
    .prepare(`SELECT ${sampleColumns()} FROM events WHERE ${cohort.where} AND ${condition} ORDER BY ts, id LIMIT 1`)
    .get({ ...cohort.params, from: window.from, to: window.to, ...extra }) as SampleRow | undefined;
  return row ?? null;
}

function surgeEntry(ctx: TimelineContext, s: Surge): TimelineEntry {
  const p = ctx.pseudonymiser;
  const from = Date.parse(s.start);
  const to = Date.parse(s.end);
  // The literal IN term lets the planner use the partial index events_401_403 (migration 0004).
  const row = firstCanaryEvent(
    ctx,
    `status IN (401, 403) AND status = @status`,
    { from, to: to - 1 },
    {
      status: s.status,
    },
  );
  // A name in clear can hold a line break (which would split the paragraph) or a bidi override:
  // shown as visible stand-ins, as in "Who was affected".
  const drivers = s.drivers
    .slice(0, 3)
    .map(
      (d) =>
        `${d.kind} ${showControlCharacters(d.kind === 'path' ? p.text(d.value) : p.value(d.kind, d.value))} (${formatCount(d.count)})`,
    );
  return {
    at: reviewTime(from),
    until: reviewTime(to),
    kind: 'surge',
    title: `${s.status} surge on the canary`,
    detail:
      `For ${formatDuration(to - from)} the canary answered ${s.status} to ${formatRateWithCounts(s.canaryRate, s.canaryCount, s.canaryRequests)} ` +
      `of its requests, against stable's ${formatRateWithCounts(s.stableRate, s.stableCount, s.stableRequests)} in the same minutes ` +
      `(peak at ${formatUkWithZone(Date.parse(s.peak))}, adjusted ${formatPValue(s.pValue)}).` +
      (drivers.length > 0 ? ` Mostly ${drivers.join(', ')}.` : ''),
    evidence: {
      counts: `${formatCount(s.canaryCount)} of ${formatCount(s.canaryRequests)} canary requests; stable ${formatCount(s.stableCount)} of ${formatCount(s.stableRequests)}`,
      sample: row === null ? null : sampleOf(row, ctx.names, p),
    },
  };
}

function exceptionName(e: ExceptionGroup, p: Pseudonymiser): string {
  return oneLine(p.text(`${e.type ?? 'exception'}: ${e.message}`), 300);
}

function newExceptionEntry(ctx: TimelineContext, e: ExceptionGroup): TimelineEntry {
  const first = Date.parse(e.firstSeen);
  const { rollout } = ctx.analysis;
  const row = firstCanaryEvent(
    ctx,
    `fingerprint = @fingerprint`,
    { from: rollout.fromMs, to: rollout.toMs },
    {
      fingerprint: e.fingerprint,
    },
  );
  return {
    at: reviewTime(first),
    until: null,
    kind: 'new-exception',
    title: `First ${oneLine(ctx.pseudonymiser.text(e.type ?? 'new exception'), 120)} on the canary`,
    detail:
      `New on the canary, never on stable nor before this rollout: ${exceptionName(e, ctx.pseudonymiser)}. ` +
      `Seen ${formatCount(e.canaryCount)} ${e.canaryCount === 1 ? 'time' : 'times'} (${formatMetricValue('per1000', e.canaryPer1000)} requests), last at ${formatUkWithZone(Date.parse(e.lastSeen))}.`,
    evidence: {
      counts: `${formatCount(e.canaryCount)} ${e.canaryCount === 1 ? 'event' : 'events'} on the canary, none on stable`,
      sample: row === null ? null : sampleOf(row, ctx.names, ctx.pseudonymiser),
    },
  };
}

/**
 * Auth-failure bursts. A bucket (settings.bucketMinutes wide) is hot when the canary logged at
 * least `surgeMinCount` authentication failures in it, at a rate per request at least
 * `surgeMinRatio` times stable's over the whole window (any rate, when stable had none, or
 * when the bucket holds failures but no request). Hot buckets at most `surgeMergeGapBuckets`
 * quiet buckets apart make one burst. Buckets inside a 401/403 surge are left out: the surge
 * tells them.
 */
export function authBursts(
  canaryBuckets: Map<number, Bucket>,
  stable: { failures: number; requests: number },
  settings: Analysis['settings'],
): { from: number; to: number; failures: number; requests: number }[] {
  const bucketMs = settings.bucketMinutes * 60_000;
  const grid = bucketGrid(settings.bucketMinutes);
  const stableRate = stable.requests === 0 ? 0 : stable.failures / stable.requests;
  const hot = [...canaryBuckets.values()]
    .filter((b) => {
      if (b.authFailures < settings.surgeMinCount) return false;
      if (b.requests === 0 || stableRate === 0) return true;
      return b.authFailures / b.requests >= settings.surgeMinRatio * stableRate;
    })
    .sort((a, b) => a.start - b.start);
  const bursts: { from: number; to: number; failures: number; requests: number }[] = [];
  for (const b of hot) {
    const last = bursts[bursts.length - 1];
    const end = bucketEnd(grid, b);
    if (last && b.start - last.to <= settings.surgeMergeGapBuckets * bucketMs) {
      last.to = end;
      last.failures += b.authFailures;
      last.requests += b.requests;
    } else {
      bursts.push({ from: b.start, to: end, failures: b.authFailures, requests: b.requests });
    }
  }
  return bursts;
}

function burstEntries(ctx: TimelineContext, canaryBuckets: Map<number, Bucket>): TimelineEntry[] {
  const { analysis } = ctx;
  const stableTotals = analysis.totals.find((t) => t.track === 'stable');
  const stable = { failures: analysis.authFailures.stable, requests: stableTotals?.requests ?? 0 };
  const stablePer1000 = stable.requests === 0 ? null : (stable.failures / stable.requests) * 1000;
  // Failures inside a 401/403 surge are that surge, already on the timeline.
  const outside = new Map(
    [...canaryBuckets].filter(
      ([, b]) => !analysis.surges.some((s) => b.start >= Date.parse(s.start) && b.start < Date.parse(s.end)),
    ),
  );
  return authBursts(outside, stable, analysis.settings).map((burst) => {
    const row = firstCanaryEvent(ctx, `auth_failure = 1`, { from: burst.from, to: burst.to - 1 });
    const per1000 = burst.requests === 0 ? null : (burst.failures / burst.requests) * 1000;
    return {
      at: reviewTime(burst.from),
      until: reviewTime(burst.to),
      kind: 'auth-burst' as const,
      title: 'Burst of authentication failures on the canary',
      detail:
        `For ${formatDuration(burst.to - burst.from)} the canary logged ${formatCount(burst.failures)} authentication failures ` +
        `(${formatMetricValue('per1000', per1000)} requests), against stable's ${formatMetricValue('per1000', stablePer1000)} requests over the window.`,
      evidence: {
        counts: `${formatCount(burst.failures)} authentication failures in ${formatCount(burst.requests)} canary requests`,
        sample: row === null ? null : sampleOf(row, ctx.names, ctx.pseudonymiser),
      },
    };
  });
}

/** Rate rules a threshold crossing is looked for, with the bucket count and event condition. */
const RATE_RULES: Record<string, { key: 'n5xx' | 'n4xx'; label: string; condition: string }> = {
  'error-rate': { key: 'n5xx', label: '5xx rate', condition: 'status >= 500' },
  'error-rate-investigate': { key: 'n5xx', label: '5xx rate', condition: 'status >= 500' },
  'client-error-rate': { key: 'n4xx', label: '4xx rate', condition: 'status BETWEEN 400 AND 499' },
};

/**
 * Where the canary's running rate (counted from the window's start) went above `threshold` for
 * good: the first bucket after which it never fell back, once at least `minRequests` requests
 * had been counted (one 500 among the first 60 requests is noise, not a crossing). Null when
 * the running rate ends at or below the threshold.
 */
function crossingOf(
  buckets: Bucket[],
  key: 'n5xx' | 'n4xx',
  threshold: number,
  minRequests: number,
): { bucket: Bucket; count: number; requests: number } | null {
  let count = 0;
  let requests = 0;
  let crossing: { bucket: Bucket; count: number; requests: number } | null = null;
  for (const bucket of buckets) {
    count += bucket[key];
    requests += bucket.requests;
    const above = requests >= Math.max(1, minRequests) && count / requests > threshold;
    if (!above) crossing = null;
    else crossing ??= { bucket, count, requests };
  }
  return crossing;
}

function thresholdEntries(ctx: TimelineContext, canaryBuckets: Map<number, Bucket>): TimelineEntry[] {
  const { settings, rollout } = ctx.analysis;
  const grid = bucketGrid(settings.bucketMinutes);
  const buckets = [...canaryBuckets.values()].sort((a, b) => a.start - b.start);
  const entries: TimelineEntry[] = [];
  for (const reason of ctx.analysis.verdict.reasons) {
    const rule = RATE_RULES[reason.rule];
    if (!rule || !reason.blocks || reason.threshold === null) continue;
    const threshold = reason.threshold;
    const crossing = crossingOf(buckets, rule.key, threshold, settings.minRequests);
    if (!crossing) continue;
    const { bucket, count, requests } = crossing;
    const end = bucketEnd(grid, bucket);
    const lastMs = Math.min(end - 1, rollout.toMs);
    // The sample: the first such event in the crossing bucket, or else the first of the window.
    const row =
      firstCanaryEvent(ctx, rule.condition, { from: Math.max(bucket.start, rollout.fromMs), to: lastMs }) ??
      firstCanaryEvent(ctx, rule.condition, { from: rollout.fromMs, to: lastMs });
    const rate = count / requests;
    entries.push({
      at: reviewTime(bucket.start),
      until: null,
      kind: 'threshold',
      title: `Canary ${rule.label} crossed ${formatMetricValue('ratio', threshold)} (${reason.rule})`,
      detail:
        `By the end of the ${formatDuration(end - bucket.start)} from ${formatUkWithZone(bucket.start)} the canary's ${rule.label} ` +
        `since the window opened was ${formatRateWithCounts(rate, count, requests)}, above the threshold of ` +
        `${formatMetricValue('ratio', threshold)} that rule ${reason.rule} applies (outcome: ${reason.outcome}), ` +
        `and it stayed above it until the window closed.`,
      evidence: {
        counts: `${formatCount(count)} of ${formatCount(requests)} canary requests since the window opened`,
        sample: row === null ? null : sampleOf(row, ctx.names, ctx.pseudonymiser),
      },
    });
  }
  return entries;
}

function loggedBy(ctx: TimelineContext, row: SampleRow): string {
  return row.service === null ? 'a log without a service' : oneLine(row.service, 80);
}

/**
 * Each rollout action found in the logs, once: as a timeline entry, and as an action taken (what
 * was done, by which log, with its line) for the "actions taken" list. Both share one sample.
 */
export function rolloutActionFindings(
  ctx: TimelineContext,
  actions: FoundRolloutAction[],
): { entries: TimelineEntry[]; taken: ReviewAction[] } {
  const entries: TimelineEntry[] = [];
  const taken: ReviewAction[] = [];
  for (const { row, pattern } of actions) {
    const logged = `${loggedBy(ctx, row)}: ${oneLine(ctx.pseudonymiser.text(row.message ?? row.raw), 200)}`;
    const at = reviewTime(row.ts);
    const evidence = { counts: '1 event', sample: sampleOf(row, ctx.names, ctx.pseudonymiser) };
    entries.push({
      at,
      until: null,
      kind: 'rollout-action',
      title: pattern.title,
      detail: `Logged by ${logged}`,
      evidence,
    });
    taken.push({ at, text: `${pattern.title}, logged by ${logged}`, by: null, origin: 'logs', evidence });
  }
  return { entries, taken };
}

export function compareTimeline(a: TimelineEntry, b: TimelineEntry): number {
  return (
    a.at.epochMs - b.at.epochMs ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) ||
    (a.detail < b.detail ? -1 : a.detail > b.detail ? 1 : 0)
  );
}

/** Every finding as a timeline entry, in time order; `actionEntries` from rolloutActionFindings. */
export function buildTimeline(ctx: TimelineContext, actionEntries: TimelineEntry[]): TimelineEntry[] {
  return [
    ...ctx.analysis.surges.map((s) => surgeEntry(ctx, s)),
    ...ctx.analysis.newExceptions.map((e) => newExceptionEntry(ctx, e)),
    ...burstEntries(ctx, ctx.canaryBuckets),
    ...thresholdEntries(ctx, ctx.canaryBuckets),
    ...actionEntries,
  ].sort(compareTimeline);
}
