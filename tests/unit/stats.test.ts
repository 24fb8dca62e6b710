// The statistics against published reference values. Each figure names where it comes from:
// R's documentation examples (`?fisher.test`, `?wilcox.test`, `?p.adjust`), SciPy's
// `mannwhitneyu` documentation, or a hand computation written out beside it.
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  holm,
  compareProportions,
  erfc,
  fisherExact,
  mannWhitneyU,
  normalPValue,
  percentileOfSorted,
  twoProportionZ,
  exactInterval,
} from '../../electron/core/analysis/stats.js';

const asc = (values: number[]): number[] => [...values].sort((a, b) => a - b);

describe('normal tails', () => {
  it('matches erfc to many digits (values from any libm: erfc(1), erfc(3), erfc(5), erfc(10))', () => {
    expect(erfc(1)).toBeCloseTo(0.15729920705028513, 15);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 12);
    expect(erfc(5) / 1.5374597944280349e-12).toBeCloseTo(1, 12);
    expect(erfc(10) / 2.088487583762545e-45).toBeCloseTo(1, 12);
    expect(erfc(-1)).toBeCloseTo(2 - 0.15729920705028513, 15);
  });

  it('gives the familiar two-sided p of z = 1.96 and one-sided of z = 1.645', () => {
    expect(normalPValue(1.959963984540054, 'two-sided')).toBeCloseTo(0.05, 12);
    expect(normalPValue(1.6448536269514722, 'greater')).toBeCloseTo(0.05, 12);
    expect(normalPValue(1.6448536269514722, 'less')).toBeCloseTo(0.95, 12);
  });
});

/** P(X >= k) for X ~ Binomial(n, p), summed term by term: independent of the beta function. */
function binomialAtLeast(k: number, n: number, p: number): number {
  let total = 0;
  let logChoose = 0; // ln C(n, j), built up term by term
  for (let j = 0; j <= n; j += 1) {
    if (j >= k) total += Math.exp(logChoose + j * Math.log(p) + (n - j) * Math.log1p(-p));
    logChoose += Math.log(n - j) - Math.log(j + 1);
  }
  return total;
}

describe('exact (Clopper–Pearson) interval', () => {
  it('for 1 of 5 is [0.00505, 0.71642] (R: binom.test(1, 5)$conf.int), where Wilson started at 3.6 %', () => {
    const [lo, hi] = exactInterval(1, 5) ?? [NaN, NaN];
    expect(lo).toBeCloseTo(0.005050763, 8);
    expect(hi).toBeCloseTo(0.716417936, 8);
  });

  it('for 0 and n of n has the closed forms 1 − 0.025^(1/n) and its mirror, and null for no trials', () => {
    expect(exactInterval(0, 10)).toEqual([0, expect.closeTo(1 - 0.025 ** (1 / 10), 12)]);
    expect(exactInterval(10, 10)).toEqual([expect.closeTo(0.025 ** (1 / 10), 12), 1]);
    expect(exactInterval(0, 0)).toBeNull();
  });

  it.each([
    [3, 300],
    [45, 1000],
    [7, 40],
    [199, 200],
  ])('for %i of %i leaves 2.5 percent on each side, by the binomial sums', (k, n) => {
    const [lo, hi] = exactInterval(k, n) ?? [NaN, NaN];
    expect(binomialAtLeast(k, n, lo)).toBeCloseTo(0.025, 9);
    expect(1 - binomialAtLeast(k + 1, n, hi)).toBeCloseTo(0.025, 9);
  });

  it('stays finite and ordered for a million requests', () => {
    const [lo, hi] = exactInterval(10_000, 1_000_000) ?? [NaN, NaN];
    expect(lo).toBeGreaterThan(0.0097);
    expect(lo).toBeLessThan(0.01);
    expect(hi).toBeGreaterThan(0.01);
    expect(hi).toBeLessThan(0.0103);
  });
});

describe('two-proportion z-test', () => {
  it('10/100 against 20/100: z = 0.1 / sqrt(0.15 · 0.85 · 0.02) = 1.9803, p = 0.04767 (R: prop.test(correct = FALSE))', () => {
    expect(twoProportionZ(10, 100, 20, 100, 'two-sided')).toBeCloseTo(0.04767038, 7);
    expect(twoProportionZ(20, 100, 10, 100, 'greater')).toBeCloseTo(0.04767038 / 2, 7);
    expect(twoProportionZ(10, 100, 20, 100, 'greater')).toBeCloseTo(1 - 0.04767038 / 2, 7);
  });
});

describe("Fisher's exact test", () => {
  it("R's TeaTasting example [[3, 1], [1, 3]]: one-sided p = 17/70 = 0.2429, two-sided 34/70", () => {
    expect(fisherExact(3, 1, 1, 3, 'greater')).toBeCloseTo(17 / 70, 12);
    expect(fisherExact(3, 1, 1, 3, 'two-sided')).toBeCloseTo(34 / 70, 12);
  });

  it("R's Convictions example [[2, 10], [15, 3]], alternative less: p = 0.0004652", () => {
    expect(fisherExact(2, 10, 15, 3, 'less')).toBeCloseTo(0.0004652, 7);
  });

  it('SciPy example [[6, 2], [1, 4]]: two-sided p = 0.1026', () => {
    expect(fisherExact(6, 2, 1, 4, 'two-sided')).toBeCloseTo(0.10256410256410256, 10);
  });

  it('is chosen when an expected count is small, the z-test otherwise', () => {
    expect(compareProportions(3, 20, 0, 500, 'greater').test).toBe('fisher-exact');
    expect(compareProportions(30, 1000, 10, 1000, 'greater').test).toBe('two-proportion-z');
    // 3 of 20 against 0 of 500: P(all 3 successes fall in the first row) = C(20,3)/C(520,3) by hand.
    expect(compareProportions(3, 20, 0, 500, 'greater').pValue).toBeCloseTo((20 * 19 * 18) / (520 * 519 * 518), 12);
  });
});

describe('Mann–Whitney U', () => {
  it("R's wilcox.test example (Hollander & Wolfe depression scores), alternative greater: W = 35, p = 0.1272", () => {
    const x = asc([0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]);
    const y = asc([1.15, 0.88, 0.9, 0.74, 1.21]);
    const result = mannWhitneyU(x, y, 'greater');
    expect(result).toMatchObject({ u: 35, method: 'exact' });
    expect(result.pValue).toBeCloseTo(0.1272, 4);
  });

  it('SciPy mannwhitneyu example (males against females): U = 17, exact two-sided p = 1/9', () => {
    const result = mannWhitneyU(asc([19, 22, 16, 29, 24]), asc([20, 11, 17, 12]), 'two-sided');
    expect(result).toMatchObject({ u: 17, method: 'exact' });
    expect(result.pValue).toBeCloseTo(1 / 9, 12);
  });

  it('uses the normal approximation with tie and continuity corrections when values tie', () => {
    // x = [1, 2, 2], y = [2, 3]: ranks 1, 3, 3 | 3, 5 → U = 7 − 6 = 1; ties t = 3 → Σ(t³ − t) = 24.
    // var = (6/12)(6 − 24/20) = 2.4; z = (1 − 3 + 0.5)/sqrt(2.4) for "less".
    const result = mannWhitneyU([1, 2, 2], [2, 3], 'less');
    expect(result).toMatchObject({ u: 1, method: 'normal' });
    expect(result.pValue).toBeCloseTo(normalPValue(-1.5 / Math.sqrt(2.4), 'less'), 12);
    expect(result.pValue).toBeCloseTo(0.16646, 4);
  });

  it('finds a shift in large samples and none between equal ones', () => {
    const base = Array.from({ length: 2000 }, (_, i) => 10 + (i % 100));
    const shifted = base.map((v) => v + 5);
    expect(mannWhitneyU(asc(shifted), asc(base), 'greater').pValue).toBeLessThan(1e-6);
    expect(mannWhitneyU(asc(base), asc(base), 'greater').pValue).toBeGreaterThan(0.4);
  });
});

describe('Benjamini–Hochberg', () => {
  it('adjusts as p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02 (by hand: p·m/rank, then running minimum from the top)', () => {
    const adjusted = benjaminiHochberg([0.01, 0.04, 0.03, 0.005]);
    [0.02, 0.04, 0.04, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
    expect(benjaminiHochberg([])).toEqual([]);
  });
});

describe('Holm–Bonferroni', () => {
  it('adjusts as p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02 (by hand: p·(m − rank + 1), then running maximum from the bottom)', () => {
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 12));
    expect(holm([0.5, 0.9])).toEqual([1, 1]);
    expect(holm([])).toEqual([]);
  });
});

describe('nearest-rank percentile', () => {
  it('takes rank ceil(p·n/100)', () => {
    const values = asc([5, 1, 4, 2, 3, 6, 7, 8, 9, 10]);
    expect(percentileOfSorted(values, 50)).toBe(5);
    expect(percentileOfSorted(values, 95)).toBe(10);
    expect(percentileOfSorted(values, 99)).toBe(10);
    expect(percentileOfSorted([], 50)).toBeNull();
  });
});
