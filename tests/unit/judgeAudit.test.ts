// The canary judge on rollouts unlike the demo: too little traffic, no stable traffic, a
// window reaching past the data, a canary better than stable, a regression only in the
// latency tail, error-rate rises at high and low volume, authentication-only logs (sshd),
// 401/403 surges stable shares, exceptions with ids, the UK clock change, several services
// in one case. Each test asserts what a release engineer would check: the decision, the
// reason's sentence and the figures beside it.
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { rateRow } from '../../electron/core/analysis/compare.js';
import { defineRollout } from '../../electron/core/analysis/rollouts.js';
import { judge } from '../../electron/core/analysis/verdict.js';
import { writeAnalysisSettings } from '../../electron/core/case/analysisSettings.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { prng } from '../../electron/core/demo/generateDemo.js';

import { importFile } from '../../electron/core/ingest/importFile.js';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import type { Analysis, VerdictReason } from '../../shared/api.js';
import { HEALTHY, MINUTE, T0, caseOf, scenario, scenarioLines } from '../helpers/scenario.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';
import path from 'node:path';

function reasonsOf(analysis: Analysis, rule: string): VerdictReason[] {
  return analysis.verdict.reasons.filter((r) => r.rule === rule);
}

const blocking = (analysis: Analysis): string[] =>
  analysis.verdict.reasons.filter((r) => r.blocks).map((r) => `${r.rule}: ${r.text}`);

/** The verdict on a 5xx rate alone: `k` errors in `n` requests on each track. */
const judge5xx = (stable: { k: number; n: number }, canary: { k: number; n: number }) =>
  judge({
    rows: [rateRow('rate5xx', '5xx rate', stable, canary)],
    requests: { stable: stable.n, canary: canary.n },
    surges: [],
    exceptions: [],
    settings: DEFAULT_ANALYSIS_SETTINGS,
  }).verdict;

describe('too little to judge', () => {
  it('is inconclusive on a handful of canary requests, and says how many it saw', async () => {
    const db = await caseOf(scenario({ minutes: 3, canary: { ...HEALTHY, rpm: 2 } }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.verdict.decision).toBe('inconclusive');
    const [min] = reasonsOf(analysis, 'min-requests');
    expect(min).toMatchObject({ outcome: 'insufficient-data', canary: 6, threshold: 200, blocks: true });
    expect(min?.text).toMatch(/the canary served 6 /);
    expect(analysis.verdict.summary).toMatch(/^Inconclusive: /);
  });

  it('is inconclusive when stable served nothing in the canary’s window, and says so', async () => {
    // Stable logs stop before the canary starts.
    const stableOnly = scenario({ minutes: 30, canary: { ...HEALTHY, rpm: 0 } });
    const canaryOnly = scenario({ seed: 9, start: T0 + 60 * MINUTE, stable: { ...HEALTHY, rpm: 0 } });
    const db = await caseOf(stableOnly, canaryOnly);
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.totals.map((t) => [t.track, t.requests])).toEqual([
      ['stable', 0],
      ['canary', 3600],
    ]);
    expect(analysis.verdict.decision).toBe('inconclusive');
    expect(analysis.verdict.summary).toMatch(/stable served no requests/i);
    expect(reasonsOf(analysis, 'min-requests')[0]?.text).toMatch(/stable served no requests/i);
  });

  it('judges only the data inside a window that reaches past it, and counts it right', async () => {
    const clean = { ...HEALTHY, rate5xx: 0 };
    const db = await caseOf(scenario({ minutes: 30, stable: clean, canary: { ...clean, rpm: 60 } }));
    defineRollout(db, {
      service: 'shop-api',
      canaryVersion: '1.1.0',
      stableVersion: '1.0.0',
      from: T0 - 60 * MINUTE,
      to: T0 + 15 * MINUTE - 1,
    });
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.totals.map((t) => t.requests)).toEqual([300 * 15, 60 * 15]);
    expect(analysis.verdict.decision).toBe('promote');
    // The reader learns that an hour of the window holds no events.
    expect(reasonsOf(analysis, 'min-requests')[0]?.text).toMatch(/^Both tracks served enough requests to judge/);
    expect(reasonsOf(analysis, 'min-requests')[0]?.text).toMatch(
      /Both tracks' events cover only 02\/03\/2026 10:00:00 GMT to 02\/03\/2026 10:14:59 GMT of the window \(02\/03\/2026 09:00:00 GMT to 02\/03\/2026 10:14:59 GMT\): the figures are over those times only\./,
    );
  });
});

describe('a canary better than stable', () => {
  it('promotes a canary with fewer errors and lower latency, with no reason against it', async () => {
    const db = await caseOf(
      scenario({
        stable: { ...HEALTHY, rate5xx: 0.004, rate401: 0.01, medianMs: 120 },
        canary: { ...HEALTHY, rpm: 120, rate5xx: 0, rate401: 0.001, medianMs: 60 },
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(blocking(analysis)).toEqual([]);
    expect(analysis.verdict.decision).toBe('promote');
    for (const r of analysis.verdict.reasons) expect(r.text, r.rule).not.toMatch(/worse|regression:|roll back\.$/);
  });

  it('does not roll back a canary much faster in the bulk on the strength of that difference', async () => {
    // A small canary, twice as fast for most requests, with a p95 a little above stable's:
    // Mann–Whitney finds the canary faster, which is no evidence that its p95 is worse.
    const db = await caseOf(
      scenario({
        minutes: 60,
        canary: { ...HEALTHY, rpm: 5, medianMs: 30, tail: { share: 0.04, ms: 140 } },
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    const [p95] = reasonsOf(analysis, 'p95-regression');
    expect(p95?.canary).toBeGreaterThan((p95?.stable ?? 0) * 1.1);
    // Mann–Whitney: the distributions differ, the canary being the faster.
    const p50 = analysis.comparison.find((r) => r.metric === 'latencyP50');
    expect(p50?.pValue).toBeLessThan(0.0001);
    expect(p50?.canary).toBeLessThan((p50?.stable ?? 0) * 0.6);
    expect(p95?.text).toMatch(/its tail is not significantly heavier: 8\.00 % \(24 of 300\) of the canary's requests/);
    expect(p95?.outcome).not.toBe('rollback');
    expect(analysis.verdict.decision).not.toBe('rollback');
  });
});

describe('latency tail', () => {
  it('rolls back a regression in p95 and p99 alone, with means equal', async () => {
    // 90 % of the canary's requests a little faster than stable's, 10 % slow: the means agree
    // and Mann–Whitney sees no shift, but one canary request in ten is slower than stable's p95.
    const db = await caseOf(
      scenario({
        canary: { ...HEALTHY, rpm: 60, medianMs: 55, tail: { share: 0.1, ms: 150 } },
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    const row = (metric: string) => analysis.comparison.find((r) => r.metric === metric);
    const means = [row('latencyMean')?.stable ?? 0, row('latencyMean')?.canary ?? 0];
    expect(Math.abs((means[1] ?? 0) - (means[0] ?? 0)) / (means[0] ?? 1)).toBeLessThan(0.06);
    expect(row('latencyP95')?.canary).toBeGreaterThan((row('latencyP95')?.stable ?? 0) * 1.2);
    const [p95] = reasonsOf(analysis, 'p95-regression');
    expect(p95?.outcome).toBe('rollback');
    expect(p95?.text).toMatch(/slower than stable's p95/);
    expect(analysis.verdict.decision).toBe('rollback');
  });
});

describe('authentication-only logs (sshd and PAM, no HTTP)', () => {
  function authLog(host: string, minutes: number, failEvery: number): string[] {
    const lines: string[] = [];
    for (let m = 0; m < minutes; m += 1) {
      for (let i = 0; i < 20; i += 1) {
        const ts = new Date(T0 + m * MINUTE + i * 3000);
        const hh = String(ts.getUTCHours()).padStart(2, '0');
        const mm = String(ts.getUTCMinutes()).padStart(2, '0');
        const ss = String(ts.getUTCSeconds()).padStart(2, '0');
        const stamp = `Mar  2 ${hh}:${mm}:${ss}`;
        const n = m * 20 + i;
        lines.push(
          n % failEvery === 0
            ? `${stamp} ${host} sshd[${1000 + n}]: Failed password for invalid user admin from 198.51.100.${n % 200} port ${40000 + n} ssh2`
            : `${stamp} ${host} sshd[${1000 + n}]: Accepted publickey for deploy from 10.0.0.${n % 200} port ${40000 + n} ssh2: RSA SHA256:abc`,
        );
      }
    }
    return lines;
  }

  it('holds a canary host that fails logins far more often than stable, per event logged', async () => {
    const db = openCase(path.join(tempDir(), 'auth.coalmine'), { create: true });
    const common = { service: 'bastion', zone: 'UTC', year: 2026 } as const;
    await importFile(db, writeLines('stable-auth.log', authLog('bastion-1', 60, 50)), {
      ...common,
      track: 'stable',
      version: '9.6',
    });
    await importFile(db, writeLines('canary-auth.log', authLog('bastion-2', 60, 4)), {
      ...common,
      track: 'canary',
      version: '9.7',
    });
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.authFailures.canary).toBe(300);
    expect(analysis.authFailures.stable).toBe(24);
    expect(analysis.verdict.decision).not.toBe('inconclusive');
    expect(analysis.verdict.decision).not.toBe('promote');
    const [auth] = reasonsOf(analysis, 'auth-failures');
    expect(auth?.blocks).toBe(true);
    expect(auth?.text).toBe(
      "The canary's auth failures per 1,000 events is worse than stable's by more than 50 % " +
        '(canary 250.0 per 1,000, stable 20.0 per 1,000; p < 0.0001): hold.',
    );
    expect(analysis.volumeUnit).toBe('events');
    expect(reasonsOf(analysis, 'min-requests')[0]?.text).toMatch(/No event carries an HTTP status/);
    // No HTTP rule asks for traffic that will never come.
    expect(analysis.verdict.reasons.map((r) => r.rule)).toEqual(['min-requests', 'auth-failures', 'new-exception']);
    expect(analysis.comparison.filter((r) => r.action !== 'none').map((r) => r.metric)).toEqual([
      'authFailuresPer1000',
    ]);
    expect(analysis.verdict.summary).toMatch(/auth-failures/);
  });
});

describe('401 and 403 surges', () => {
  const burst = { status: 401, fromMinute: 20, toMinute: 30, rate: 0.3, path: '/api/login' } as const;

  it('does not blame the canary for a 401 surge stable has in the same minutes', async () => {
    const db = await caseOf(scenario({ surges: [{ ...burst, track: 'both' }] }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges).toEqual([]);
    expect(reasonsOf(analysis, 'auth-surge').every((r) => !r.blocks)).toBe(true);
    expect(reasonsOf(analysis, 'auth-rate-401')[0]?.blocks).toBe(false);
    expect(analysis.verdict.decision).toBe('promote');
  });

  it('rolls back on the same surge when only the canary has it', async () => {
    const db = await caseOf(scenario({ surges: [burst] }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges.map((s) => [s.status, s.startUk, s.endUk])).toEqual([
      [401, '02/03/2026 10:20:00', '02/03/2026 10:30:00'],
    ]);
    expect(analysis.verdict.decision).toBe('rollback');
  });
});

describe('exceptions', () => {
  const STACK = [
    '\tat com.shop.payments.TokenStore.fetch(TokenStore.java:57)',
    '\tat com.shop.payments.PaymentService.charge(PaymentService.java:112)',
  ].join('\n');
  const uuid = (n: number): string =>
    `${(0x1a2b3c4d + n * 7919).toString(16).padStart(8, '0')}-${(n % 0xffff).toString(16).padStart(4, '0')}-4abc-9def-${(n * 104729).toString(16).padStart(12, '0')}`;

  it('groups a new canary exception with a UUID, a number and a quoted value in every message as one', async () => {
    const db = await caseOf(
      scenario({
        exceptions: [
          {
            track: 'canary',
            rate: 0.01,
            type: 'com.shop.payments.TokenExpiredException',
            message: (n) =>
              `Token ${uuid(n)} expired after ${n * 13} ms for account '${n}-acct' at 0x${(n * 4099).toString(16)}`,
            stack: STACK,
          },
        ],
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.newExceptions).toHaveLength(1);
    expect(analysis.newExceptions[0]?.canaryCount).toBeGreaterThan(20);
    expect(analysis.newExceptions[0]?.message).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
    const reasons = reasonsOf(analysis, 'new-exception');
    expect(reasons).toHaveLength(1);
    expect(reasons[0]?.outcome).toBe('rollback');
    expect(reasons[0]?.text).toMatch(
      /^New exception on the canary, never on stable nor before this rollout: com\.shop\.payments\.TokenExpiredException: /,
    );
    expect(analysis.verdict.decision).toBe('rollback');
  });

  it('promotes a canary that throws an exception stable already threw at the same rate', async () => {
    const db = await caseOf(
      scenario({
        exceptions: [
          {
            track: 'both',
            rate: 0.002,
            type: 'com.shop.payments.TokenExpiredException',
            message: (n) => `Token ${uuid(n)} expired`,
            stack: STACK,
          },
        ],
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.newExceptions).toEqual([]);
    expect(analysis.exceptions.map((e) => e.status)).toEqual(['shared']);
    expect(reasonsOf(analysis, 'exception-spike')).toEqual([]);
  });
});

describe('several services, tracks by version', () => {
  it('judges only the rollout’s service when another service in the case is failing', async () => {
    const shop = scenario({ minutes: 30 });
    const broken = { ...HEALTHY, rate5xx: 0.2, medianMs: 900 };
    const other = scenario({
      seed: 21,
      minutes: 30,
      service: 'search-api',
      stableVersion: '3.0.0',
      canaryVersion: '3.1.0',
      stable: broken,
      canary: { ...broken, rpm: 60 },
    });
    const db = await caseOf(shop, other);
    const analysis = analyseRollout(db, 'shop-api@1.1.0');
    const search = analyseRollout(db, 'search-api@3.1.0');
    db.close();
    expect(analysis.totals.map((t) => t.requests)).toEqual([expect.any(Number) as number, 1800]);
    expect(analysis.rollout).toMatchObject({ service: 'shop-api', stableVersion: '1.0.0' });
    expect(analysis.comparison.find((r) => r.metric === 'rate5xx')?.stable).toBeLessThan(0.002);
    expect(search.rollout.stableVersion).toBe('3.0.0');
    expect(search.comparison.find((r) => r.metric === 'rate5xx')?.stable).toBeGreaterThan(0.15);
  });

  it('judges a rollout the analyst defines by its two versions, on logs that name no track', async () => {
    const s = scenario({ minutes: 30, canary: { ...HEALTHY, rpm: 60, rate5xx: 0.02 } });
    const lines = scenarioLines(s).map((l) => l.replace(/"labels\.track":"(canary|stable)",/, ''));
    const db = openCase(path.join(tempDir(), 'v.coalmine'), { create: true });
    await importFile(db, writeLines('app.ndjson', lines));
    const tracks = db.prepare(`SELECT DISTINCT track FROM events`).pluck().all();
    expect(tracks).toEqual(['unknown']);
    const rollout = defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0', stableVersion: '1.0.0' });
    expect(rollout).toMatchObject({ origin: 'defined', canaryEvents: 1800 });
    expect(rollout.fromMs - T0).toBeLessThan(MINUTE);
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.totals.map((t) => t.requests)).toEqual([expect.any(Number) as number, 1800]);
    expect(analysis.totals[0]?.requests).toBeGreaterThan(300 * 30 - 20);
    expect(reasonsOf(analysis, 'error-rate')[0]?.outcome).toBe('rollback');
    expect(analysis.verdict.decision).toBe('rollback');
  });
});

describe('the UK clock change', () => {
  // Sunday 25/10/2026: 02:00 BST becomes 01:00 GMT at 01:00 UTC.
  const AUTUMN = Date.UTC(2026, 9, 25, 0, 0, 0);

  it('finds a surge across the change and writes its times with GMT and BST', async () => {
    const db = await caseOf(
      scenario({
        start: AUTUMN,
        minutes: 120,
        surges: [{ status: 401, fromMinute: 50, toMinute: 70, rate: 0.3 }],
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges.map((s) => [s.start, s.end, s.startUk, s.endUk])).toEqual([
      ['2026-10-25T00:50:00.000Z', '2026-10-25T01:10:00.000Z', '25/10/2026 01:50:00', '25/10/2026 01:10:00'],
    ]);
    expect(reasonsOf(analysis, 'auth-surge')[0]?.text).toMatch(
      /from 25\/10\/2026 01:50:00 BST to 25\/10\/2026 01:10:00 GMT/,
    );
  });

  it('aligns two-hour surge buckets to the London clock in summer, not to UTC', async () => {
    // 07:00 to 15:00 BST; a 401 burst on the canary from 10:00 to 12:00 BST.
    const db = await caseOf(
      scenario({
        start: Date.UTC(2026, 6, 1, 6, 0, 0),
        minutes: 480,
        stable: { ...HEALTHY, rpm: 60 },
        canary: { ...HEALTHY, rpm: 30 },
        surges: [{ status: 401, fromMinute: 180, toMinute: 300, rate: 0.3 }],
      }),
    );
    writeAnalysisSettings(db, { bucketMinutes: 120 });
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges.map((s) => [s.startUk, s.endUk, s.buckets])).toEqual([
      ['01/07/2026 10:00:00', '01/07/2026 12:00:00', 1],
    ]);
    expect(reasonsOf(analysis, 'auth-surge')[0]?.text).toMatch(
      /from 01\/07\/2026 10:00:00 BST to 01\/07\/2026 12:00:00 BST/,
    );
    expect(analysis.authFailures.series.map((p) => p.startUk.slice(11))).toEqual([
      '06:00:00',
      '08:00:00',
      '10:00:00',
      '12:00:00',
      '14:00:00',
    ]);
  });
});

describe('error-rate rises at high and at low volume', () => {
  const judged = judge5xx;

  it('does not blame the canary for a 5xx rate stable breaches too, higher by a sliver however significant', () => {
    // 0.50 % on stable, 0.54 % on the canary, over millions of requests: significant (p < 0.0001)
    // but 8 % more, within the 25 % tolerance: the condition predates the canary.
    const verdict = judged({ k: 50_000, n: 10_000_000 }, { k: 10_800, n: 2_000_000 });
    const [rule] = verdict.reasons.filter((r) => r.rule === 'error-rate');
    expect(rule?.pValue).toBeLessThan(0.0001);
    expect(rule).toMatchObject({ outcome: 'pre-existing', blocks: false });
    expect(rule?.text).toMatch(/higher than stable's by 8 %, within the tolerance of 25 %/);
    expect(verdict.decision).toBe('promote');
  });

  it('rolls back a 5xx rate stable breaches too when the canary’s is far higher', () => {
    const verdict = judged({ k: 50_000, n: 10_000_000 }, { k: 16_000, n: 2_000_000 });
    const [rule] = verdict.reasons.filter((r) => r.rule === 'error-rate');
    expect(rule?.outcome).toBe('rollback');
    expect(rule?.text).toMatch(/0\.80 % .* above stable's 0\.50 % .* by more than 25 %/);
    expect(verdict.decision).toBe('rollback');
  });

  it('rolls back a large rise on a small canary that its interval confirms', () => {
    // 6 errors in 300 canary requests (2 %) against 15 in 30,000 on stable (0.05 %).
    const verdict = judged({ k: 15, n: 30_000 }, { k: 6, n: 300 });
    const [rule] = verdict.reasons.filter((r) => r.rule === 'error-rate');
    expect(rule?.outcome).toBe('rollback');
    expect(rule?.text).toMatch(/^Canary 5xx rate 2\.00 % \(6 of 300\) \(95 % interval/);
    expect(verdict.decision).toBe('rollback');
  });
});

describe('a canary better than stable on a condition both tracks share', () => {
  it('calls a 5xx rate stable breaches more than the canary pre-existing, saying the canary’s is lower', () => {
    const { verdict } = judge({
      rows: [rateRow('rate5xx', '5xx rate', { k: 600, n: 100_000 }, { k: 30, n: 20_000 })],
      requests: { stable: 100_000, canary: 20_000 },
      surges: [],
      exceptions: [],
      settings: DEFAULT_ANALYSIS_SETTINGS,
    });
    const [rule] = verdict.reasons.filter((r) => r.rule === 'error-rate');
    expect(rule).toMatchObject({ outcome: 'pre-existing', blocks: false });
    expect(rule?.text).toMatch(
      /the canary's is lower than stable's, p < 0\.0001\): a condition that predates the canary/,
    );
    expect(rule?.text).not.toMatch(/worse/);
    expect(verdict.decision).toBe('promote');
  });
});

describe('a window the logs cover in part', () => {
  it('says when stable’s logs end early in the window, so the tracks are compared over different hours', () => {
    const { verdict } = judge({
      rows: [rateRow('rate5xx', '5xx rate', { k: 0, n: 5_000 }, { k: 0, n: 5_000 })],
      requests: { stable: 5_000, canary: 5_000 },
      coverage: {
        from: T0,
        to: T0 + 120 * MINUTE - 1,
        stable: [T0, T0 + 30 * MINUTE - 1],
        canary: [T0, T0 + 120 * MINUTE - 1],
      },
      surges: [],
      exceptions: [],
      settings: DEFAULT_ANALYSIS_SETTINGS,
    });
    expect(verdict.reasons[0]?.text).toBe(
      'Both tracks served enough requests to judge: canary 5,000, stable 5,000 (at least 200 each). ' +
        "Stable's events cover only 02/03/2026 10:00:00 GMT to 02/03/2026 10:29:59 GMT of the window " +
        '(02/03/2026 10:00:00 GMT to 02/03/2026 11:59:59 GMT): the figures are over those times only.',
    );
  });
});

describe('noise on a healthy canary', () => {
  it('promotes a canary with stable’s very rates in at least 97 of 100 rollouts, but for holds on a 5xx rate seen above the rollback threshold', () => {
    const random = prng(3);
    const binomial = (n: number, p: number): number => {
      let k = 0;
      for (let i = 0; i < n; i += 1) if (random() < p) k += 1;
      return k;
    };
    for (const [stableN, canaryN] of [
      [3_000, 300],
      [20_000, 2_000],
    ] as const) {
      const blocked: string[] = [];
      for (let run = 0; run < 100; run += 1) {
        const rate = (metric: string, label: string, p: number) =>
          rateRow(metric, label, { k: binomial(stableN, p), n: stableN }, { k: binomial(canaryN, p), n: canaryN });
        const { verdict } = judge({
          rows: [
            rate('rate5xx', '5xx rate', 0.0003),
            rate('rate4xx', '4xx rate', 0.008),
            rate('rate401', '401 rate', 0.004),
            rate('rate403', '403 rate', 0.001),
          ],
          requests: { stable: stableN, canary: canaryN },
          surges: [],
          exceptions: [],
          settings: DEFAULT_ANALYSIS_SETTINGS,
        });
        // A canary seen above the rollback threshold waits for more traffic, however likely
        // noise is (one 5xx in 300 requests is 0.33 %): a hold that asks for it is not noise.
        const waits = verdict.reasons.every(
          (r) =>
            !r.blocks ||
            (r.rule === 'error-rate' && r.outcome === 'hold' && r.text.includes('hold until more traffic tells')),
        );
        if (verdict.decision !== 'promote' && !waits) blocked.push(verdict.summary);
      }
      expect(blocked.length, `${canaryN} requests: ${blocked.join(' | ')}`).toBeLessThanOrEqual(3);
    }
  });

  it('never promotes a canary seen above the rollback threshold for lack of evidence', () => {
    const { verdict } = judge({
      rows: [rateRow('rate5xx', '5xx rate', { k: 0, n: 5_000 }, { k: 1, n: 300 })],
      requests: { stable: 5_000, canary: 300 },
      surges: [],
      exceptions: [],
      settings: DEFAULT_ANALYSIS_SETTINGS,
    });
    expect(verdict.decision).toBe('hold');
    expect(verdict.reasons.find((r) => r.rule === 'error-rate')?.text).toMatch(/hold until more traffic tells/);
  });
});

describe('errors in a handful of canary requests', () => {
  const verdictOf = (canaryErrors: number) => judge5xx({ k: 6, n: 18_000 }, { k: canaryErrors, n: 6 });

  it('is inconclusive on six clean requests, and rolls back when four of them fail: evidence however few', () => {
    expect(verdictOf(0).decision).toBe('inconclusive');
    const failing = verdictOf(4);
    expect(failing.decision).toBe('rollback');
    expect(failing.reasons.find((r) => r.rule === 'error-rate')?.text).toMatch(
      /^Canary 5xx rate 66\.67 % \(4 of 6\) \(95 % interval .*\) is above the rollback threshold of 0\.10 %, significantly above stable's 0\.03 % \(6 of 18,000\)/,
    );
  });
});

describe('one error in a small canary', () => {
  const verdictOf = (canaryErrors: number) => judge5xx({ k: 0, n: 20_000 }, { k: canaryErrors, n: 100 });

  it('does not roll back on one 5xx in 100 requests, which a canary at the 0.1 % threshold shows one time in ten', () => {
    // P(at least one error in 100 | 0.1 %) = 1 − 0.999^100 = 9.5 %: no evidence of a crossing.
    // The Wilson interval (0.18 %–5.4 %) claimed one, and rolled the canary back.
    const verdict = verdictOf(1);
    const rule = verdict.reasons.find((r) => r.rule === 'error-rate');
    expect(rule?.outcome).toBe('hold');
    expect(rule?.text).toMatch(
      /95 % interval \(0\.03 %.*\) reaches below the threshold: hold until more traffic tells/,
    );
    expect(verdict.decision).toBe('inconclusive');
  });

  it('rolls back on three 5xx in 100 requests, which a canary at the threshold shows one time in 6,000', () => {
    expect(verdictOf(3).decision).toBe('rollback');
  });
});

describe('a canary several times worse on a 5xx rate both tracks breach', () => {
  const verdictOf = judge5xx;

  it('is held, not promoted as pre-existing, on some evidence short of significance (p under 0.05 before adjustment)', () => {
    // 2.00 % against 0.50 %, both above the 0.1 % rollback threshold; p = 0.023, above alpha = 0.01.
    const verdict = verdictOf({ k: 5, n: 1_000 }, { k: 6, n: 300 });
    const rule = verdict.reasons.find((r) => r.rule === 'error-rate');
    expect(rule).toMatchObject({ outcome: 'hold', blocks: true });
    expect(rule?.text).toMatch(
      /is 4\.0 times stable's 0\.50 % \(5 of 1,000\), beyond the tolerance of 25 %; the difference is not yet significant \(p = 0\.023\): hold until more traffic tells/,
    );
    expect(verdict.decision).toBe('hold');
  });

  it('stays pre-existing without that evidence', () => {
    // 1.67 % against 0.50 %: p = 0.057.
    for (const canaryErrors of [4, 5]) {
      const verdict = verdictOf({ k: 5, n: 1_000 }, { k: canaryErrors, n: 300 });
      expect(verdict.reasons.find((r) => r.rule === 'error-rate')?.outcome).toBe('pre-existing');
      expect(verdict.decision).toBe('promote');
    }
  });

  it('holds a healthy canary at stable’s own rate in at most 6 of 100 rollouts, on a 10:1 split or an even one', () => {
    const random = prng(11);
    const binomial = (n: number, p: number): number => {
      let k = 0;
      for (let i = 0; i < n; i += 1) if (random() < p) k += 1;
      return k;
    };
    for (const [stableN, canaryN, p] of [
      [3_000, 300, 0.005],
      [20_000, 2_000, 0.005],
      [2_000, 2_000, 0.005],
      [1_000, 1_000, 0.02],
    ] as const) {
      let held = 0;
      for (let run = 0; run < 200; run += 1) {
        const verdict = verdictOf({ k: binomial(stableN, p), n: stableN }, { k: binomial(canaryN, p), n: canaryN });
        if (verdict.decision !== 'promote') held += 1;
      }
      expect(held, `${stableN} stable and ${canaryN} canary requests at ${p}`).toBeLessThanOrEqual(12);
    }
  });
});

describe('rollouts defined by their versions', () => {
  it('refuses one version on both sides, which would compare the same events with themselves', () => {
    const db = openCase(path.join(tempDir(), 'same.coalmine'), { create: true });
    expect(() =>
      defineRollout(db, {
        service: 'checkout',
        canaryVersion: '4.2.0',
        stableVersion: '4.2.0',
        from: T0,
        to: T0 + 60 * MINUTE,
      }),
    ).toThrow(/the stable version and the canary version are both 4\.2\.0/);
    db.close();
  });
});
