// "Who was affected": the principals (the `user` of events) and client IPs the canary failed
// to authenticate, told to a reader of the knowledge base. "Only on the canary" is the
// judge's definition (analysis/authFailures.ts: failed on the canary, never on stable in the
// window), read here with the judge's own cohort filter, because the analysis keeps only a
// bounded list of them, principals and IPs ranked together: the review needs how many there
// are in all, on each track, and a list per kind. The principals and IPs behind each 401/403
// surge are the surge's drivers, with how many distinct ones the surge answered in all.
//
// Every name passes through the document's pseudonymiser (`value`), the one the timeline's
// samples go through: a reader follows one pseudonym from this section to a sample event.
import type { Analysis, Surge } from '../../../shared/api.js';
import type {
  ReviewAffected,
  ReviewAffectedCounts,
  ReviewAffectedParty,
  ReviewSurgeParties,
} from '../../../shared/review.js';
import { formatCount } from '../../../shared/metricFormat.js';
import { type Cohort, cohortFilter } from '../analysis/cohorts.js';
import type { CaseDb } from '../case/caseStore.js';
import type { Pseudonymiser } from './pseudonymise.js';
import { reviewTime } from './reviewEvidence.js';

/**
 * Characters (code points) of a name shown at most: a log can put a whole request in its `user` field.
 * A pseudonym is far shorter; only a review in clear can meet the cut.
 */
export const AFFECTED_NAME_MAX_CHARS = 120;

type PartyKind = 'user' | 'ip';
const COLUMNS: Record<PartyKind, 'user' | 'client_ip'> = { user: 'user', ip: 'client_ip' };

/** Each value of `column` among the cohort's authentication failures, with its count. */
function failureCounts(
  db: CaseDb,
  analysis: Analysis,
  track: Cohort,
  column: 'user' | 'client_ip',
): Map<string, number> {
  const cohort = cohortFilter(analysis.rollout, track);
  const rows = db
    .prepare(
      `SELECT ${column} AS value, count(*) AS count FROM events
       WHERE ${cohort.where} AND auth_failure = 1 AND ${column} IS NOT NULL GROUP BY ${column}`,
    )
    .all(cohort.params) as { value: string; count: number }[];
  return new Map(rows.map((r) => [r.value, r.count]));
}

interface KindFigures {
  counts: ReviewAffectedCounts;
  /** Every value that failed on the canary and never on stable, with its canary failures. */
  canaryOnly: { value: string; count: number }[];
}

function figuresOf(db: CaseDb, analysis: Analysis, kind: PartyKind): KindFigures {
  const canary = failureCounts(db, analysis, 'canary', COLUMNS[kind]);
  const stable = failureCounts(db, analysis, 'stable', COLUMNS[kind]);
  const canaryOnly = [...canary].filter(([value]) => !stable.has(value)).map(([value, count]) => ({ value, count }));
  return { counts: { canary: canary.size, stable: stable.size, canaryOnly: canaryOnly.length }, canaryOnly };
}

function canaryUnnamed(db: CaseDb, analysis: Analysis): number {
  const cohort = cohortFilter(analysis.rollout, 'canary');
  return db
    .prepare(
      `SELECT count(*) FROM events WHERE ${cohort.where} AND auth_failure = 1 AND user IS NULL AND client_ip IS NULL`,
    )
    .pluck()
    .get(cohort.params) as number;
}

/** A name as the review shows it: pseudonymised (or in clear), and bounded. */
function shown(p: Pseudonymiser, kind: PartyKind, value: string): string {
  // Cut by code point, so a character outside the BMP is never split in two.
  const name = [...p.value(kind, value)];
  return name.length > AFFECTED_NAME_MAX_CHARS
    ? `${name.slice(0, AFFECTED_NAME_MAX_CHARS - 1).join('')}…`
    : name.join('');
}

/**
 * Most first; ties by the name shown, so the order of a pseudonymised list says nothing of
 * the names in clear.
 */
function byCount(a: ReviewAffectedParty, b: ReviewAffectedParty): number {
  return b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

function surgeParties(db: CaseDb, analysis: Analysis, surge: Surge, p: Pseudonymiser): ReviewSurgeParties {
  const from = Date.parse(surge.start);
  const to = Date.parse(surge.end);
  // The drivers' own filter (analysis/surges.ts): the canary cohort within the surge, its status.
  const cohort = cohortFilter(
    {
      ...analysis.rollout,
      fromMs: Math.max(from, analysis.rollout.fromMs),
      toMs: Math.min(to - 1, analysis.rollout.toMs),
    },
    'canary',
  );
  const distinct = db
    .prepare(
      `SELECT count(DISTINCT user) AS users, count(DISTINCT client_ip) AS ips FROM events
       WHERE ${cohort.where} AND status IN (401, 403) AND status = @status`,
    )
    .get({ ...cohort.params, status: surge.status }) as { users: number; ips: number };
  const parties = surge.drivers
    .filter((d): d is typeof d & { kind: PartyKind } => d.kind !== 'path')
    .map((d) => ({ kind: d.kind, name: shown(p, d.kind, d.value), count: d.count }));
  return {
    status: surge.status,
    at: reviewTime(from),
    until: reviewTime(to),
    parties: (['user', 'ip'] as const).flatMap((kind) => parties.filter((x) => x.kind === kind).sort(byCount)),
    distinct,
  };
}

const plural = (n: number, one: string, many: string): string => `${formatCount(n)} ${n === 1 ? one : many}`;

function summaryOf(affected: Omit<ReviewAffected, 'summary'>, requests: Record<Cohort, number>): string[] {
  const { principals, clientIps, canaryUnnamed: unnamed } = affected;
  const sentences: string[] = [];
  if (principals.canary === 0 && clientIps.canary === 0) {
    sentences.push(
      unnamed === 0
        ? 'No principal or client IP failed authentication on the canary in the window, so nobody failed only on the canary.'
        : 'The canary’s authentication failures name no principal and no client IP, so the logs cannot say who they hurt.',
    );
  } else if (principals.canaryOnly === 0 && clientIps.canaryOnly === 0) {
    sentences.push(
      `Nobody failed authentication only on the canary: every principal (${formatCount(principals.canary)}) ` +
        `and client IP (${formatCount(clientIps.canary)}) that failed on it also failed on stable in the window.`,
    );
  } else {
    sentences.push(
      `${plural(principals.canaryOnly, 'principal', 'principals')} and ${plural(clientIps.canaryOnly, 'client IP', 'client IPs')} ` +
        `failed authentication on the canary and never on stable in the window.`,
    );
  }
  if (principals.canary > 0 || clientIps.canary > 0 || principals.stable > 0 || clientIps.stable > 0) {
    // Stable usually serves many times the canary's traffic: the requests keep the counts fair.
    sentences.push(
      `In all, ${plural(principals.canary, 'principal', 'principals')} and ${plural(clientIps.canary, 'client IP', 'client IPs')} ` +
        `failed on the canary (${plural(requests.canary, 'request', 'requests')}), against ` +
        `${plural(principals.stable, 'principal', 'principals')} and ${plural(clientIps.stable, 'client IP', 'client IPs')} ` +
        `on stable (${plural(requests.stable, 'request', 'requests')}).`,
    );
  }
  if (unnamed > 0 && (principals.canary > 0 || clientIps.canary > 0)) {
    sentences.push(
      `${plural(unnamed, 'authentication failure', 'authentication failures')} on the canary ${unnamed === 1 ? 'names' : 'name'} neither a principal nor a client IP.`,
    );
  }
  return sentences;
}

export function affectedOf(db: CaseDb, analysis: Analysis, p: Pseudonymiser): ReviewAffected {
  const principals = figuresOf(db, analysis, 'user');
  const clientIps = figuresOf(db, analysis, 'ip');
  // Each kind its own `topSources` places: in one list ranked by count, IPs (one person can
  // use many) could crowd out every principal.
  const listed = (kind: PartyKind, figures: KindFigures): ReviewAffectedParty[] =>
    figures.canaryOnly
      .map(({ value, count }) => ({ kind, name: shown(p, kind, value), count }))
      .sort(byCount)
      .slice(0, analysis.settings.topSources);
  const canaryOnly = [...listed('user', principals), ...listed('ip', clientIps)];
  const listedOf = (kind: PartyKind): number => canaryOnly.filter((x) => x.kind === kind).length;
  const affected = {
    principals: principals.counts,
    clientIps: clientIps.counts,
    canaryUnnamed: canaryUnnamed(db, analysis),
    canaryOnly,
    canaryOnlyNotListed: {
      users: principals.counts.canaryOnly - listedOf('user'),
      ips: clientIps.counts.canaryOnly - listedOf('ip'),
    },
    surges: analysis.surges.map((s) => surgeParties(db, analysis, s, p)),
  };
  const requests = (track: Cohort): number => analysis.totals.find((t) => t.track === track)?.requests ?? 0;
  return { summary: summaryOf(affected, { canary: requests('canary'), stable: requests('stable') }), ...affected };
}
