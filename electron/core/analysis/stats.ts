// The few statistics the comparison needs, with the definitions a reader can check by hand.

/**
 * Nearest-rank percentile: the smallest value with at least p % of the sample at or below it,
 * i.e. the ceil(p/100 · n)-th smallest. `sorted` must be ascending.
 */
export function nearestRankPercentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

/** The 1-based rank that `nearestRankPercentile` picks, for queries that page to it. */
export function nearestRank(n: number, p: number): number {
  return Math.max(1, Math.ceil((p / 100) * n));
}

export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

export interface Variance {
  variance: number | null;
  note: string | null;
}

/** Relative change of the canary against stable: (canary − stable) / stable. */
export function relativeVariance(stable: number | null, canary: number | null): Variance {
  if (stable === null || canary === null) return { variance: null, note: 'no data on one track' };
  if (stable === 0) return canary === 0 ? { variance: 0, note: null } : { variance: null, note: 'stable is 0' };
  return { variance: (canary - stable) / stable, note: null };
}
