// The cohort comparison: the same figures for stable and canary over the rollout's window.
// Requests are events that carry an HTTP status; rates are over requests; latency is over
// requests that carry a duration. p95 is nearest-rank (see stats.ts).
import type { Analysis, ComparisonRow, MetricKey, MetricUnit, Rollout, TrackTotals } from '../../../shared/api.js';
import type { CaseDb } from '../case/caseStore.js';
import { listUnfinishedSources } from '../case/sources.js';
import { COMPLETE_SOURCES } from './cohorts.js';
import { findRollout } from './rollouts.js';
import { nearestRank, ratio, relativeVariance } from './stats.js';

interface TrackFigures {
  events: number;
  requests: number;
  n5xx: number;
  n4xx: number;
  n401: number;
  n403: number;
  latencySamples: number;
  latencyMean: number | null;
  latencyP95: number | null;
}

type Cohort = 'stable' | 'canary';

// The canary cohort is the rollout's canary version; stable is every stable event of the
// service in the same window. Only complete sources count (see COMPLETE_SOURCES).
const COHORT_FILTER = `service IS @service AND track = @track AND ts BETWEEN @from AND @to
  AND (@track = 'stable' OR version IS @version) AND ${COMPLETE_SOURCES}`;

function figuresFor(db: CaseDb, rollout: Rollout, track: Cohort): TrackFigures {
  const params = {
    service: rollout.service === '' ? null : rollout.service,
    version: rollout.canaryVersion === '' ? null : rollout.canaryVersion,
    track,
    from: rollout.from,
    to: rollout.to,
  };
  const row = db
    .prepare(
      `SELECT count(*) AS events,
              count(status) AS requests,
              coalesce(sum(status >= 500), 0) AS n5xx,
              coalesce(sum(status BETWEEN 400 AND 499), 0) AS n4xx,
              coalesce(sum(status = 401), 0) AS n401,
              coalesce(sum(status = 403), 0) AS n403,
              count(CASE WHEN status IS NOT NULL THEN duration_ms END) AS latencySamples,
              avg(CASE WHEN status IS NOT NULL THEN duration_ms END) AS latencyMean
       FROM events WHERE ${COHORT_FILTER}`,
    )
    .get(params) as Omit<TrackFigures, 'latencyP95'>;

  let latencyP95: number | null = null;
  if (row.latencySamples > 0) {
    const p95 = db
      .prepare(
        `SELECT duration_ms AS value FROM events
         WHERE ${COHORT_FILTER} AND status IS NOT NULL AND duration_ms IS NOT NULL
         ORDER BY duration_ms LIMIT 1 OFFSET @offset`,
      )
      .get({ ...params, offset: nearestRank(row.latencySamples, 95) - 1 }) as { value: number } | undefined;
    latencyP95 = p95?.value ?? null;
  }
  return { ...row, latencyP95 };
}

function row(
  metric: MetricKey,
  label: string,
  unit: MetricUnit,
  stable: number | null,
  canary: number | null,
  counts?: { stable: number; canary: number },
): ComparisonRow {
  const { variance, note } = relativeVariance(stable, canary);
  return {
    metric,
    label,
    unit,
    stable,
    canary,
    variance,
    varianceNote: note,
    stableCount: counts?.stable ?? null,
    canaryCount: counts?.canary ?? null,
  };
}

export function compareRollout(db: CaseDb, rollout: Rollout): Analysis {
  const s = figuresFor(db, rollout, 'stable');
  const c = figuresFor(db, rollout, 'canary');
  const rate = (metric: MetricKey, label: string, key: 'n5xx' | 'n4xx' | 'n401' | 'n403'): ComparisonRow =>
    row(metric, label, 'ratio', ratio(s[key], s.requests), ratio(c[key], c.requests), {
      stable: s[key],
      canary: c[key],
    });

  const comparison: ComparisonRow[] = [
    row('requests', 'Requests', 'count', s.requests, c.requests),
    rate('rate5xx', '5xx rate', 'n5xx'),
    rate('rate4xx', '4xx rate', 'n4xx'),
    rate('rate401', '401 rate', 'n401'),
    rate('rate403', '403 rate', 'n403'),
    row('latencyMean', 'Mean latency', 'ms', s.latencyMean, c.latencyMean),
    row('latencyP95', 'p95 latency', 'ms', s.latencyP95, c.latencyP95),
  ];
  const totals: TrackTotals[] = [
    { track: 'stable', events: s.events, requests: s.requests, latencySamples: s.latencySamples },
    { track: 'canary', events: c.events, requests: c.requests, latencySamples: c.latencySamples },
  ];
  return { rollout, totals, comparison, excludedSources: listUnfinishedSources(db) };
}

/** The comparison of the rollout named by `rolloutId` (the only one, when none is named). */
export function analyseRollout(db: CaseDb, rolloutId?: string): Analysis {
  return compareRollout(db, findRollout(db, rolloutId));
}
