// Business measures: the ratio of two event filters the user defines (conversion = confirmed
// checkouts / carts viewed), per track over the window. All measures are counted in one pass
// per track. A ratio that stays within 0–1 on both tracks is a proportion, with an exact
// (Clopper–Pearson) interval and a two-sided test; one above 1 (more numerator than denominator events) is
// shown without them.
import type { ComparisonRow, Rollout } from '../../../shared/api.js';
import type { BusinessMeasure } from '../../../shared/analysisSettings.js';
import type { CaseDb } from '../case/caseStore.js';
import { type Cohort, cohortFilter } from './cohorts.js';
import { comparisonRow } from './compare.js';
import { filterToSql } from './eventFilterSql.js';
import { compareProportions, exactInterval } from './stats.js';

function countMeasures(db: CaseDb, rollout: Rollout, track: Cohort, measures: BusinessMeasure[]): number[] {
  const cohort = cohortFilter(rollout, track);
  const columns: string[] = [];
  let params: Record<string, unknown> = { ...cohort.params };
  measures.forEach((m, i) => {
    for (const [part, filter] of [
      ['n', m.numerator],
      ['d', m.denominator],
    ] as const) {
      const condition = filterToSql(filter, `m${i}${part}`);
      columns.push(`coalesce(sum(CASE WHEN ${condition.sql} THEN 1 ELSE 0 END), 0)`);
      params = { ...params, ...condition.params };
    }
  });
  return db
    .prepare(`SELECT ${columns.join(', ')} FROM events WHERE ${cohort.where}`)
    .raw()
    .get(params) as number[];
}

export function businessRows(db: CaseDb, rollout: Rollout, measures: BusinessMeasure[]): ComparisonRow[] {
  if (measures.length === 0) return [];
  const stable = countMeasures(db, rollout, 'stable', measures);
  const canary = countMeasures(db, rollout, 'canary', measures);
  return measures.map((m, i) => {
    const sk = stable[2 * i] ?? 0;
    const sn = stable[2 * i + 1] ?? 0;
    const ck = canary[2 * i] ?? 0;
    const cn = canary[2 * i + 1] ?? 0;
    const proportion = sk <= sn && ck <= cn;
    const tested = proportion && sn > 0 && cn > 0 ? compareProportions(ck, cn, sk, sn, 'two-sided') : null;
    return comparisonRow({
      metric: `business:${m.name}`,
      label: m.label,
      unit: 'ratio',
      kind: 'business',
      stable: sn === 0 ? null : sk / sn,
      canary: cn === 0 ? null : ck / cn,
      stableCount: sk,
      canaryCount: ck,
      stableDenominator: sn,
      canaryDenominator: cn,
      stableCi: proportion ? exactInterval(sk, sn) : null,
      canaryCi: proportion ? exactInterval(ck, cn) : null,
      pValue: tested?.pValue ?? null,
      test: tested?.test ?? null,
    });
  });
}
