// Authentication failures (events the ingest marked `auth_failure`, with the rule that
// matched: electron/core/ingest/classify.ts) per track and rule, per 1,000 requests (or
// events, in logs without HTTP: analyse.ts), per bucket, and who is behind them: the top
// users, client IPs and paths, and the principals and IPs that fail on the canary and never
// on stable in the window. Failures are few next
// to requests, so their rows are read once per track and counted here.
import type { AuthFailures, AuthSource, Rollout } from '../../../shared/api.js';
import type { AnalysisSettings } from '../../../shared/analysisSettings.js';
import { formatUk } from '../../../shared/ukTime.js';
import type { CaseDb } from '../case/caseStore.js';
import { bucketGrid } from './buckets.js';
import { type Cohort, cohortFilter } from './cohorts.js';
import { compareProportions } from './stats.js';

interface FailureRow {
  ts: number;
  auth_rule: string | null;
  user: string | null;
  client_ip: string | null;
  url_path: string | null;
}

function readFailures(db: CaseDb, rollout: Rollout, track: Cohort): FailureRow[] {
  const cohort = cohortFilter(rollout, track);
  return db
    .prepare(
      `SELECT ts, auth_rule, user, client_ip, url_path FROM events
       WHERE ${cohort.where} AND auth_failure = 1`,
    )
    .all(cohort.params) as FailureRow[];
}

const per1000 = (count: number, requests: number): number | null => (requests === 0 ? null : (count / requests) * 1000);

export function authFailureReport(
  db: CaseDb,
  rollout: Rollout,
  requests: Record<Cohort, number>,
  settings: AnalysisSettings,
): AuthFailures {
  const rows = { canary: readFailures(db, rollout, 'canary'), stable: readFailures(db, rollout, 'stable') };
  const grid = bucketGrid(settings.bucketMinutes);

  // Rule names come from the case: no prototype, so a rule called "__proto__" is just a key.
  const byRule = Object.create(null) as AuthFailures['byRule'];
  const series = new Map<number, { stable: number; canary: number }>();
  const sources = new Map<string, AuthSource>();
  for (const track of ['canary', 'stable'] as const) {
    for (const row of rows[track]) {
      const rule = row.auth_rule ?? 'unnamed';
      byRule[rule] ??= { stable: 0, canary: 0, stablePer1000: null, canaryPer1000: null };
      byRule[rule][track] += 1;
      const b = grid.indexOf(row.ts);
      const point = series.get(b) ?? { stable: 0, canary: 0 };
      point[track] += 1;
      series.set(b, point);
      for (const [kind, value] of [
        ['user', row.user],
        ['ip', row.client_ip],
        ['path', row.url_path],
      ] as const) {
        if (value === null) continue;
        const key = `${kind}\u0000${value}`;
        const source = sources.get(key) ?? { kind, value, canary: 0, stable: 0 };
        source[track] += 1;
        sources.set(key, source);
      }
    }
  }
  for (const counts of Object.values(byRule)) {
    counts.stablePer1000 = per1000(counts.stable, requests.stable);
    counts.canaryPer1000 = per1000(counts.canary, requests.canary);
  }
  const all = [...sources.values()];
  const rank = (a: AuthSource, b: AuthSource): number =>
    b.canary - a.canary || b.stable - a.stable || a.kind.localeCompare(b.kind) || a.value.localeCompare(b.value);
  const topSources = (['user', 'ip', 'path'] as const).flatMap((kind) =>
    all
      .filter((s) => s.kind === kind)
      .sort(rank)
      .slice(0, settings.topSources),
  );
  const canaryOnly = all
    .filter((s): s is AuthSource & { kind: 'user' | 'ip' } => s.kind !== 'path' && s.canary > 0 && s.stable === 0)
    .sort(rank)
    .slice(0, settings.topSources * 2)
    .map(({ kind, value, canary }) => ({ kind, value, canary }));

  const canary = rows.canary.length;
  const stable = rows.stable.length;
  const proportion =
    canary <= requests.canary && stable <= requests.stable && requests.canary > 0 && requests.stable > 0;
  return {
    stable,
    canary,
    stablePer1000: per1000(stable, requests.stable),
    canaryPer1000: per1000(canary, requests.canary),
    pValue: proportion
      ? compareProportions(canary, requests.canary, stable, requests.stable, 'two-sided').pValue
      : null,
    byRule,
    series: [...series.entries()]
      .sort(([a], [b]) => a - b)
      .map(([b, counts]) => ({
        start: new Date(grid.startOf(b)).toISOString(),
        startUk: formatUk(grid.startOf(b)),
        ...counts,
      })),
    topSources,
    canaryOnly,
  };
}
