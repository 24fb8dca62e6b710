// The review document of one rollout, built from the case (shared/review.ts): the analysis
// (electron/core/analysis), the evidence read back from `events` and `sources`, and the
// analyst's notes (electron/core/case/reviewNotes.ts). Every format renders this model and
// looks nothing else up. It holds no clock time: the same case and notes give the same
// document, and its date (`asOf`) is the end of the rollout's window.
//
// Everything taken from logs passes through the pseudonymiser (pseudonymise.ts) unless the
// review is asked for in clear; so does what the analyst wrote, except the author and sign-off
// names. Service and version names are shown as logged: they name software, not people.
import type { Analysis, ComparisonRow, RowAction, SourceSummary } from '../../../shared/api.js';
import type {
  ReviewAction,
  ReviewComparisonRow,
  ReviewDocument,
  ReviewNotes,
  ReviewSourceEvidence,
  ReviewThreshold,
  TimelineEntry,
} from '../../../shared/review.js';
import {
  ANALYSIS_SETTING_HELP,
  ANALYSIS_SETTING_KEYS,
  type AnalysisSettingKey,
} from '../../../shared/analysisSettings.js';
import {
  formatBytes,
  formatComparisonCell,
  formatCount,
  formatMetricValue,
  formatPValue,
  formatRateWithCounts,
  formatVariance,
} from '../../../shared/metricFormat.js';
import { formatDuration, formatUkWithZone } from '../../../shared/ukTime.js';
import { type JudgedRollout, analyseRolloutWithBuckets } from '../analysis/analyse.js';
import { DECISION_WORDS } from '../analysis/verdict.js';
import { type CaseDb, ensureReviewPseudonymKey } from '../case/caseStore.js';
import { parseNoteTime, readReviewNotes } from '../case/reviewNotes.js';
import { listSources } from '../case/sources.js';
import { CLEAR, type Pseudonymiser, createPseudonymiser, readPseudonymKey, windowUserNames } from './pseudonymise.js';
import { recommendationsFrom } from './recommendations.js';
import { affectedOf } from './reviewAffected.js';
import { SourceNames, oneLine, reviewSourceName, reviewTime } from './reviewEvidence.js';
import { serviceNamesEnvironments } from '../analysis/cohorts.js';
import { reproductionQueries } from './reviewSql.js';
import { buildTimeline, rolloutActionFindings } from './reviewTimeline.js';
import { draftRootCause, rootCauseOf } from './rootCause.js';
import { findRolloutActions } from './rolloutActions.js';
import { verdictSentence, verdictSummary } from './verdictWords.js';

export interface ReviewOptions {
  /** The rollout to review; the only one when left out. */
  rolloutId?: string;
  /** Pseudonymise client IPs, e-mail addresses and user names (the default). */
  pseudonymise: boolean;
}

export const TIME_NOTE = 'All times are in Europe/London, written DD/MM/YYYY HH:mm:ss (24 h) with GMT or BST.';

/** What a comparison row asks of its reader, in words. */
export const ACTION_REQUIRED: Record<RowAction, string> = {
  none: 'None',
  rollback: 'Roll back',
  hold: 'Hold',
  investigate: 'Investigate',
  alert: 'Alert',
  'pre-existing': 'None on the canary (pre-existing: separate ticket)',
  'insufficient-data': 'Wait for more traffic',
};

const zoneOf = (ms: number): string => formatUkWithZone(ms).slice(-3);

/** True when the UK clock changes (GMT ↔ BST) between `from` and `to`, even twice. */
export function crossesClockChange(from: number, to: number): boolean {
  const first = zoneOf(from);
  if (zoneOf(to) !== first) return true;
  // Clock changes are months apart: checking each day finds a window that spans two.
  const DAY = 86_400_000;
  for (let t = from + DAY; t < to; t += DAY) if (zoneOf(t) !== first) return true;
  return false;
}

/** ` in <environment>` after a service's name, or nothing when the rollout names none. */
function inEnvironment(environment: string | null): string {
  return environment === null ? '' : ` in ${environment}`;
}

function summaryOf(analysis: Analysis, timeline: TimelineEntry[], p: Pseudonymiser): string[] {
  const { rollout, totals, comparison } = analysis;
  const requests = (track: 'stable' | 'canary') => totals.find((t) => t.track === track)?.requests ?? 0;
  const sentences = [
    `Between ${formatUkWithZone(rollout.fromMs)} and ${formatUkWithZone(rollout.toMs)} (${formatDuration(rollout.toMs - rollout.fromMs)}) ` +
      `the canary of ${rollout.service || 'an unnamed service'}${inEnvironment(rollout.environment)}, version ${rollout.canaryVersion || 'unversioned'}, served ` +
      `${formatCount(requests('canary'))} requests, and stable (version ${rollout.stableVersion ?? 'unknown'}) ${formatCount(requests('stable'))}.`,
    verdictSentence(analysis),
  ];
  const findings: string[] = [];
  for (const s of analysis.surges.slice(0, 2)) {
    findings.push(
      `The canary answered ${s.status} to ${formatRateWithCounts(s.canaryRate, s.canaryCount, s.canaryRequests)} of its requests ` +
        `from ${formatUkWithZone(Date.parse(s.start))} to ${formatUkWithZone(Date.parse(s.end))}, against stable's ${formatMetricValue('ratio', s.stableRate)}.`,
    );
  }
  const fresh = [...analysis.newExceptions].sort((a, b) => b.canaryCount - a.canaryCount);
  const top = fresh[0];
  if (top) {
    findings.push(
      `${fresh.length === 1 ? 'A new exception' : `${formatCount(fresh.length)} new exceptions`} appeared on the canary only` +
        `${fresh.length === 1 ? ':' : ', the most frequent'} ${oneLine(p.text(`${top.type ?? 'exception'}: ${top.message}`), 160)} ` +
        `(${formatCount(top.canaryCount)} ${top.canaryCount === 1 ? 'time' : 'times'}, first at ${formatUkWithZone(Date.parse(top.firstSeen))}).`,
    );
  }
  const blocked = new Set(analysis.verdict.reasons.filter((r) => r.blocks).map((r) => r.metric));
  for (const metric of ['rate5xx', 'latencyP95']) {
    const row = comparison.find((r) => r.metric === metric);
    if (!row || !blocked.has(metric) || row.canary === null) continue;
    findings.push(
      `The canary's ${row.label} was ${formatMetricValue(row.unit, row.canary)} against stable's ${formatMetricValue(row.unit, row.stable)} (${formatVariance(row)}).`,
    );
  }
  const action = timeline.find((e) => e.kind === 'rollout-action');
  if (action) findings.push(`The logs record “${action.title}” at ${action.at.uk}.`);
  if (findings.length === 0) {
    findings.push('No surge, new exception or threshold crossing was found on the canary.');
  }
  return [...sentences, ...findings].slice(0, 5);
}

function comparisonRowOf(row: ComparisonRow): ReviewComparisonRow {
  return {
    metric: row.metric,
    label: row.label,
    stable: formatComparisonCell(row, 'stable'),
    canary: formatComparisonCell(row, 'canary'),
    variance: formatVariance(row),
    pValue: formatPValue(row.pValue),
    action: row.action,
    actionRequired: ACTION_REQUIRED[row.action],
  };
}

function comparisonNotes(analysis: Analysis): string[] {
  const notes = [
    'Requests are events that carry an HTTP status; each rate is over requests; latency is over requests that carry a duration, and percentiles are nearest-rank.',
    'Variance is (canary − stable) / stable. The p-value is that of a two-sided test of the difference: Fisher’s exact test or the two-proportion z-test for rates, Mann–Whitney U for mean and median latency, and for p95 and p99 the same rate tests on the share of each track’s requests slower than stable’s percentile.',
  ];
  if (analysis.volumeUnit === 'events') {
    notes.push(
      'No event in the window carries an HTTP status (logs such as sshd’s or PAM’s), so authentication failures and exceptions are counted per 1,000 events logged, and the rules on requests do not apply.',
    );
  }
  if (analysis.excludedSources.length > 0) {
    notes.push(
      `${formatCount(analysis.excludedSources.length)} ${analysis.excludedSources.length === 1 ? 'source is' : 'sources are'} left out of every figure because the import did not finish (see the evidence appendix).`,
    );
  }
  return notes;
}

function analystActions(notes: ReviewNotes, p: Pseudonymiser): ReviewAction[] {
  return (notes.actions ?? []).map((a, i) => ({
    at:
      a.at === undefined
        ? null
        : reviewTime(parseNoteTime(a.at, `the time of action ${i + 1} in the review notes (actions.${i}.at),`)),
    text: p.text(a.text),
    by: a.by ?? null,
    origin: 'analyst' as const,
    evidence: null,
  }));
}

/** Dated actions by time (logs before the analyst's at the same instant), undated last as written. */
function sortActions(actions: ReviewAction[]): ReviewAction[] {
  const dated = actions.filter((a) => a.at !== null);
  const undated = actions.filter((a) => a.at === null);
  return [...dated.sort((a, b) => (a.at?.epochMs ?? 0) - (b.at?.epochMs ?? 0)), ...undated];
}

type PullDetails = {
  kind?: unknown;
  cluster?: { name?: unknown; unknown?: unknown } | null;
  url?: unknown;
  index?: unknown;
  query?: unknown;
  window?: { from?: unknown; to?: unknown };
  request?: { body?: { query?: unknown } };
  hits?: unknown;
  pulledAt?: unknown;
};

function isoMs(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

function pullOf(source: SourceSummary, p: Pseudonymiser): ReviewSourceEvidence['pull'] {
  const d = source.details as PullDetails | null;
  if (d === null || d.kind !== 'elasticsearch-pull') return null;
  const from = isoMs(d.window?.from);
  const to = isoMs(d.window?.to);
  if (from === null || to === null) return null;
  const clusterName = typeof d.cluster?.name === 'string' && d.cluster.name !== '' ? d.cluster.name : null;
  const url = typeof d.url === 'string' ? d.url : null;
  const cluster =
    clusterName !== null
      ? `${clusterName}${url === null ? '' : ` at ${url}`}`
      : `${url ?? 'an unnamed cluster'}${typeof d.cluster?.unknown === 'string' ? ` (name unknown: ${d.cluster.unknown})` : ''}`;
  const built = d.request?.body?.query;
  const query =
    built !== undefined
      ? JSON.stringify(built)
      : typeof d.query === 'string' && d.query !== ''
        ? d.query
        : 'every document';
  const pulledAt = isoMs(d.pulledAt);
  return {
    // The cluster is infrastructure, not a person: it stays as recorded, for the auditor.
    cluster,
    // An index can be named for a person (`logs-mary.major@corp.example`).
    index: typeof d.index === 'string' ? p.text(d.index) : '',
    query: p.text(query),
    from: reviewTime(from),
    to: reviewTime(to),
    hits: typeof d.hits === 'number' ? d.hits : source.lines,
    pulledAt: pulledAt === null ? null : reviewTime(pulledAt),
  };
}

function sourceEvidence(source: SourceSummary, p: Pseudonymiser): ReviewSourceEvidence {
  return {
    id: source.id,
    name: reviewSourceName(source.name, source.format, p),
    sha256: source.sha256,
    size: source.size,
    sizeText: formatBytes(source.size),
    format: source.format,
    zone: source.zone,
    lines: source.lines,
    events: source.events,
    rejects: source.rejects,
    authFailures: source.authFailures,
    exceptions: source.exceptions,
    importedAt: reviewTime(source.importedAt),
    state: source.state,
    pull: pullOf(source, p),
  };
}

/** Fractions the checklist reads as percentages. */
const FRACTION_SETTINGS: ReadonlySet<AnalysisSettingKey> = new Set([
  'errorRateRollback',
  'errorRateInvestigate',
  'clientErrorRateInvestigate',
  'p95Tolerance',
  'rateTolerance',
  'authRateTolerance',
  'resourceTolerance',
  'businessTolerance',
]);

function thresholdsOf(analysis: Analysis): ReviewThreshold[] {
  return ANALYSIS_SETTING_KEYS.map((key) => {
    const value = analysis.settings[key];
    let text: string;
    if (typeof value === 'number') {
      text = FRACTION_SETTINGS.has(key) ? `${value} (${formatMetricValue('ratio', value)})` : String(value);
    } else {
      text = value.length === 0 ? 'none' : value.map((m) => `${m.name}: ${m.label}`).join('; ');
    }
    return { key, value: text, meaning: ANALYSIS_SETTING_HELP[key] };
  });
}

export function buildReviewDocument(db: CaseDb, options: ReviewOptions): ReviewDocument {
  // A writable case whose key was removed gets a new one, before the read transaction.
  if (options.pseudonymise && !db.readonly) ensureReviewPseudonymKey(db);
  // One read transaction: every figure, sample and source row comes from the same snapshot of
  // the case, even while an import writes to it (WAL readers see the last commit before BEGIN).
  return db.transaction(() => {
    const judged = analyseRolloutWithBuckets(db, options.rolloutId);
    const { analysis } = judged;
    if (!options.pseudonymise) return buildFromSnapshot(db, judged, CLEAR);
    // The names to find in free text are the window's users, read through the cohort index,
    // and the users of the events the document samples (a controller's, outside the service).
    // A sampled user not known yet may stand in clear in text already replaced: the document
    // is built again knowing it. The events sampled do not depend on the names, so a second
    // build meets no new one; the loop's bound is a guard, never reached.
    const key = readPseudonymKey(db);
    const userNames = new Set(windowUserNames(db, analysis.rollout));
    for (let build = 1; ; build += 1) {
      const p = createPseudonymiser(key, userNames);
      const doc = buildFromSnapshot(db, judged, p);
      const missed = p.missedUserNames();
      if (missed.length === 0) return doc;
      if (build === 3) {
        throw new Error(`the review's sampled users kept changing between builds (${missed.length} new)`);
      }
      for (const name of missed) userNames.add(name);
    }
  })();
}

function buildFromSnapshot(db: CaseDb, { analysis, canaryBuckets }: JudgedRollout, p: Pseudonymiser): ReviewDocument {
  const { rollout } = analysis;
  const notes = readReviewNotes(db, rollout.id);
  const names = new SourceNames(db, p);

  const found = findRolloutActions(db, rollout);
  const context = { db, analysis, canaryBuckets, names, pseudonymiser: p };
  const { entries: actionEntries, taken: logActions } = rolloutActionFindings(context, found);
  const timeline = buildTimeline(context, actionEntries);

  const facts = {
    analysis,
    pseudonymiser: p,
    rollbackLogged: found.some((a) => a.pattern.rollsBack),
  };
  const verdict = verdictSentence(analysis);
  const drafted = draftRootCause(timeline, recommendationsFrom(facts, {}), verdict);

  const service = rollout.service || 'unnamed service';
  const stableVersion = rollout.stableVersion;
  const canaryVersion = rollout.canaryVersion || 'unversioned';
  return {
    schemaVersion: 1,
    title: `Post-deployment review: ${service}${inEnvironment(rollout.environment)} ${stableVersion ?? 'unknown'} → ${canaryVersion}`,
    service,
    // Only when there is one: a review of a case without environments reads as it always did.
    ...(rollout.environment === null ? {} : { environment: rollout.environment }),
    rolloutId: rollout.id,
    stableVersion,
    canaryVersion,
    window: {
      from: reviewTime(rollout.fromMs),
      to: reviewTime(rollout.toMs),
      duration: formatDuration(rollout.toMs - rollout.fromMs),
      crossesClockChange: crossesClockChange(rollout.fromMs, rollout.toMs),
    },
    timeNote: TIME_NOTE,
    asOf: reviewTime(rollout.toMs),
    verdict: {
      decision: analysis.verdict.decision,
      label: DECISION_WORDS[analysis.verdict.decision],
      // In words, not the judge's rule ids; only rule words, so nothing to pseudonymise.
      summary: verdictSummary(analysis.verdict),
      reasons: analysis.verdict.reasons.map((r) => ({
        rule: r.rule,
        outcome: r.outcome,
        blocks: r.blocks,
        text: p.text(r.text),
      })),
    },
    author: notes.author ?? null,
    signOff: {
      name: notes.signOff?.name ?? null,
      role: notes.signOff?.role ?? null,
      date: notes.signOff?.date ?? null,
    },
    pseudonymised: p.enabled,
    summary: summaryOf(analysis, timeline, p),
    comparison: { rows: analysis.comparison.map(comparisonRowOf), notes: comparisonNotes(analysis) },
    timeline,
    affected: affectedOf(db, analysis, p),
    actions: sortActions([...logActions, ...analystActions(notes, p)]),
    rootCause: rootCauseOf(drafted, notes, p),
    recommendations: recommendationsFrom(facts, notes),
    evidence: {
      sources: listSources(db).map((s) => sourceEvidence(s, p)),
      excludedSources: analysis.excludedSources.map((s) => ({
        id: s.id,
        name: reviewSourceName(s.name, s.format, p),
        state: s.state,
      })),
      queries: reproductionQueries(analysis, {
        environmentTerm: rollout.environment !== null || serviceNamesEnvironments(db, rollout.service),
      }),
      thresholds: thresholdsOf(analysis),
    },
  };
}
