// Which events an analysis may count, and the two cohorts of a rollout.
import type { Rollout } from '../../../shared/api.js';
import type { CaseDb } from '../case/caseStore.js';

// An import that did not finish (killed, cancelled, or the file changed under it) holds part
// of a file; counting it would skew every rate without a word, so the analysis leaves such
// sources out and names them instead. The unary `+` keeps the planner from reading events by
// source (events_source_line) instead of by service, track and time: without statistics it
// takes `source_id IN (…)` for the more selective term, and reads the whole table.
export const COMPLETE_SOURCES = `+source_id IN (SELECT id FROM sources WHERE state = 'complete')`;

export type Cohort = 'stable' | 'canary';

export interface CohortFilter {
  /** A WHERE clause over `events` with named parameters only. */
  where: string;
  params: {
    service: string | null;
    environment: string | null;
    track: Cohort;
    from: number;
    to: number;
    version?: string | null;
  };
}

/**
 * The cohort's environment term: the rollout's environment only, events that name none with a
 * rollout that names none (`IS` matches null with null). Kept in every cohort, so the window
 * is one range of the cohort index (service, environment, track, ts, …).
 */
const ENVIRONMENT_TERM = 'environment IS @environment';
const OTHER_ENVIRONMENTS_TERM = 'environment IS NOT @environment';

/**
 * Whether any event of the service names an environment (one seek of the cohort index). When
 * none does, `environment IS NULL` holds for every event of the service.
 */
export function serviceNamesEnvironments(db: CaseDb, service: string): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM events WHERE service IS @service AND environment IS NOT NULL LIMIT 1`)
      .get({ service: service === '' ? null : service }) !== undefined
  );
}

/**
 * The canary cohort is the rollout's canary version on the canary track; stable is every
 * stable event of the service in the same window (only the named stable version, when the
 * user defined the rollout with one). A rollout the user defined names its versions, so
 * events no tagging rule put on a track (`unknown`) join the cohort of the version they carry:
 * logs that tell the tracks apart by version only can still be judged. Both are of the
 * rollout's environment only (a staging run of the canary version is not production's canary),
 * and read the window through the cohort index (service, environment, track, ts, …), which also
 * holds the version. `environmentTerm: false` leaves the environment out of the clause of a
 * rollout that names none, for a reader's copy of a case whose service never names one (the
 * same rows: reviewSql.ts); the judge always keeps it.
 */
export function cohortFilter(
  rollout: Rollout,
  track: Cohort,
  {
    environmentTerm = true,
    otherEnvironments = false,
  }: { environmentTerm?: boolean; otherEnvironments?: boolean } = {},
): CohortFilter {
  const base = {
    service: rollout.service === '' ? null : rollout.service,
    environment: rollout.environment,
    track,
    from: rollout.fromMs,
    to: rollout.toMs,
  };
  const version =
    track === 'canary'
      ? rollout.canaryVersion === ''
        ? null
        : rollout.canaryVersion
      : rollout.origin === 'defined'
        ? rollout.stableVersion
        : undefined;
  const versionTerm =
    version === undefined || (track === 'stable' && version === null) ? '' : ' AND version IS @version';
  const byVersion = rollout.origin === 'defined' && version !== undefined && version !== null;
  const trackTerm = byVersion ? `track IN (@track, 'unknown')` : 'track = @track';
  const environment = otherEnvironments
    ? ` AND ${OTHER_ENVIRONMENTS_TERM}`
    : environmentTerm || rollout.environment !== null
      ? ` AND ${ENVIRONMENT_TERM}`
      : '';
  return {
    where: `service IS @service${environment} AND ${trackTerm} AND ts BETWEEN @from AND @to${versionTerm} AND ${COMPLETE_SOURCES}`,
    params: versionTerm === '' ? base : { ...base, version },
  };
}

/** How many events of the service are in one environment (null: they name none). */
export interface EnvironmentCount {
  environment: string | null;
  events: number;
}

/**
 * The events the cohort would hold in the service's other environments (or in none, for a
 * rollout that names one): the first few, most first. Read only to say why a cohort is empty.
 */
export function cohortInOtherEnvironments(db: CaseDb, rollout: Rollout, track: Cohort, limit = 3): EnvironmentCount[] {
  const { where, params } = cohortFilter(rollout, track, { otherEnvironments: true });
  return db
    .prepare(
      `SELECT environment, count(*) AS events FROM events WHERE ${where}
       GROUP BY environment ORDER BY events DESC, environment LIMIT @limit`,
    )
    .all({ ...params, limit }) as EnvironmentCount[];
}
