// The per-track figures everything else is built from, read in two passes over each cohort:
// counts per time bucket (summed into the track's totals; the surges and the auth-failure
// series read the buckets), and the latencies, sorted, for percentiles and Mann–Whitney.
// Both passes read only the cohort index (migration 0004), never the table.
import type { Rollout } from '../../../shared/api.js';
import type { CaseDb } from '../case/caseStore.js';
import { type Cohort, cohortFilter } from './cohorts.js';

export interface Counts {
  events: number;
  requests: number;
  n5xx: number;
  n4xx: number;
  n401: number;
  n403: number;
  authFailures: number;
  latencySamples: number;
  latencySum: number;
}

export interface Bucket extends Counts {
  /** Bucket start, UTC epoch ms (a multiple of the bucket width). */
  start: number;
}

export interface TrackFigures extends Counts {
  track: Cohort;
  exceptions: number;
  buckets: Map<number, Bucket>;
  /** Latencies (ms) of requests that carry one, ascending. */
  latencies: Float64Array;
}

const ZERO: Counts = {
  events: 0,
  requests: 0,
  n5xx: 0,
  n4xx: 0,
  n401: 0,
  n403: 0,
  authFailures: 0,
  latencySamples: 0,
  latencySum: 0,
};

export function readTrackFigures(db: CaseDb, rollout: Rollout, track: Cohort, bucketMs: number): TrackFigures {
  const cohort = cohortFilter(rollout, track);
  const rows = db
    .prepare(
      `SELECT ts / CAST(@bucketMs AS INTEGER) AS b,
              count(*) AS events,
              count(status) AS requests,
              coalesce(sum(status >= 500), 0) AS n5xx,
              coalesce(sum(status BETWEEN 400 AND 499), 0) AS n4xx,
              coalesce(sum(status = 401), 0) AS n401,
              coalesce(sum(status = 403), 0) AS n403,
              coalesce(sum(auth_failure), 0) AS authFailures,
              count(CASE WHEN status IS NOT NULL THEN duration_ms END) AS latencySamples,
              total(CASE WHEN status IS NOT NULL THEN duration_ms END) AS latencySum
       FROM events WHERE ${cohort.where}
       GROUP BY b`,
    )
    .all({ ...cohort.params, bucketMs }) as (Counts & { b: number })[];

  const totals: Counts = { ...ZERO };
  const buckets = new Map<number, Bucket>();
  for (const { b, ...counts } of rows) {
    buckets.set(b, { ...counts, start: b * bucketMs });
    for (const key of Object.keys(totals) as (keyof Counts)[]) totals[key] += counts[key];
  }

  const latencies = Float64Array.from(
    db
      .prepare(
        `SELECT duration_ms FROM events
         WHERE ${cohort.where} AND status IS NOT NULL AND duration_ms IS NOT NULL`,
      )
      .pluck()
      .all(cohort.params) as number[],
  ).sort();

  const exceptions = (
    db
      .prepare(
        `SELECT count(*) AS n FROM events
         WHERE ${cohort.where} AND (error_type IS NOT NULL OR error_stack IS NOT NULL)`,
      )
      .get(cohort.params) as { n: number }
  ).n;

  return { track, ...totals, exceptions, buckets, latencies };
}
