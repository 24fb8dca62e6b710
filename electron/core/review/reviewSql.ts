// SQL a reader can run with `sqlite3 <case>` to reproduce the comparison table's figures.
// Each query is the judge's own cohort filter (electron/core/analysis/cohorts.ts) with its
// parameters written as literals; values from logs (service, versions) are literals that
// cannot act: quotes doubled, and text holding control characters written as hex bytes.
import type { Analysis } from '../../../shared/api.js';
import type { ReviewQuery } from '../../../shared/review.js';
import { hasControlCharacters } from '../../../shared/controlCharacters.js';
import { type Cohort, cohortFilter } from '../analysis/cohorts.js';

/** A string as an SQL literal that reproduces it exactly and shows nothing that could act. */
export function sqlText(value: string): string {
  if (!hasControlCharacters(value)) return `'${value.replace(/'/g, "''")}'`;
  return `CAST(X'${Buffer.from(value, 'utf8').toString('hex').toUpperCase()}' AS TEXT)`;
}

export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string') return sqlText(value);
  throw new Error(`no SQL literal for ${typeof value}`);
}

/**
 * What the queries write beyond the judge's own filter: `environmentTerm` false leaves
 * `environment IS NULL` out for a rollout in no environment of a service that never names one
 * (the same rows, and the queries of cases from before environments read as they did).
 */
export interface ReproductionOptions {
  environmentTerm: boolean;
}

/** The cohort's WHERE clause with every named parameter written as a literal. */
export function cohortWhereSql(analysis: Analysis, track: Cohort, options: ReproductionOptions): string {
  const { where, params } = cohortFilter(analysis.rollout, track, options);
  const values = params as Record<string, unknown>;
  return where.replace(/@(\w+)/g, (_, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`cohort parameter @${name} has no value`);
    return sqlLiteral(values[name]);
  });
}

const PERCENTILES = [50, 95, 99] as const;

/**
 * One query per track for the counts and rates (requests, 5xx, 4xx, 401, 403, authentication
 * failures, exceptions, mean latency), and one per track and percentile for the latency
 * (nearest rank: the value at 1-based rank ceil(p·n/100) in ascending order, written with
 * integer arithmetic so any sqlite3 gives it).
 */
export function reproductionQueries(analysis: Analysis, options: ReproductionOptions): ReviewQuery[] {
  const queries: ReviewQuery[] = [];
  for (const track of ['stable', 'canary'] as const) {
    const where = cohortWhereSql(analysis, track, options);
    const Track = track === 'stable' ? 'Stable' : 'Canary';
    // Logs without HTTP are judged per event logged (Analysis.volumeUnit).
    const perEvents = analysis.volumeUnit === 'events';
    const volume = perEvents ? 'count(*)' : 'count(status)';
    queries.push({
      figure: `${Track} requests, 5xx, 4xx, 401 and 403 counts and rates (%), auth failures and exceptions per 1,000 ${perEvents ? 'events' : 'requests'}, mean latency`,
      sql: [
        `SELECT count(status) AS requests,`,
        `  sum(status >= 500) AS n5xx, round(100.0 * sum(status >= 500) / count(status), 2) AS pct5xx,`,
        `  sum(status BETWEEN 400 AND 499) AS n4xx, round(100.0 * sum(status BETWEEN 400 AND 499) / count(status), 2) AS pct4xx,`,
        `  sum(status = 401) AS n401, round(100.0 * sum(status = 401) / count(status), 2) AS pct401,`,
        `  sum(status = 403) AS n403, round(100.0 * sum(status = 403) / count(status), 2) AS pct403,`,
        `  sum(auth_failure) AS auth_failures, round(1000.0 * sum(auth_failure) / ${volume}, 1) AS auth_failures_per_1000,`,
        `  sum(error_type IS NOT NULL OR error_stack IS NOT NULL) AS exceptions,`,
        `  round(1000.0 * sum(error_type IS NOT NULL OR error_stack IS NOT NULL) / ${volume}, 1) AS exceptions_per_1000,`,
        `  round(avg(CASE WHEN status IS NOT NULL THEN duration_ms END), 1) AS mean_latency_ms`,
        `FROM events`,
        `WHERE ${where};`,
      ].join('\n'),
    });
    const latencyWhere = `${where}\n  AND status IS NOT NULL AND duration_ms IS NOT NULL`;
    for (const p of PERCENTILES) {
      queries.push({
        figure: `${Track} p${p} latency (ms, nearest rank)`,
        sql: [
          `SELECT duration_ms AS p${p}_ms FROM events`,
          `WHERE ${latencyWhere}`,
          `ORDER BY duration_ms`,
          `LIMIT 1 OFFSET (SELECT max(0, (${p} * count(*) + 99) / 100 - 1) FROM events`,
          `  WHERE ${latencyWhere});`,
        ].join('\n'),
      });
    }
  }
  for (const [kind, column] of [
    ['Principals', 'user'],
    ['Client IPs', 'client_ip'],
  ] as const) {
    const failed = (track: Cohort): string =>
      `${cohortWhereSql(analysis, track, options)}\n  AND auth_failure = 1 AND ${column} IS NOT NULL`;
    queries.push({
      figure: `${kind} that failed authentication only on the canary, with their canary failures (the review lists the first)`,
      sql: [
        `SELECT ${column}, count(*) AS canary_failures FROM events`,
        `WHERE ${failed('canary')}`,
        `  AND ${column} NOT IN (SELECT ${column} FROM events`,
        `    WHERE ${failed('stable')})`,
        `GROUP BY ${column} ORDER BY canary_failures DESC;`,
      ].join('\n'),
    });
  }
  return queries;
}
