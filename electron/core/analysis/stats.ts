// The few statistics the comparison needs, with the definitions a reader can check by hand.

/**
 * Nearest-rank percentile: the value of 1-based rank ceil(p/100 · n) in ascending order, the
 * smallest with at least p % of the sample at or below it. Queries page to this rank.
 */
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
