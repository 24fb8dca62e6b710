// The canary judge on scenarios with known answers (tests/helpers/scenario.ts): a healthy
// rollout is promoted, a tiny canary is inconclusive, a 401 burst of known start and end is
// one surge, a flat rollout has none, an exception with ids in its message is one group, an
// exception both tracks throw is not new, and each rollback rule fires on its own trouble.
import { describe, expect, it } from 'vitest';
import { analyseRollout, judgeRollout } from '../../electron/core/analysis/analyse.js';
import { defineRollout, findRollout } from '../../electron/core/analysis/rollouts.js';
import { writeAnalysisSettings } from '../../electron/core/case/analysisSettings.js';
import type { Analysis, VerdictReason } from '../../shared/api.js';
import { parseEventFilter } from '../../shared/eventFilter.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { HEALTHY, MINUTE, T0, caseOf, scenario } from '../helpers/scenario.js';
import { writeLines } from '../helpers/tempCase.js';

const iso = (ms: number): string => new Date(ms).toISOString();

function reasonsOf(analysis: Analysis, rule: string): VerdictReason[] {
  return analysis.verdict.reasons.filter((r) => r.rule === rule);
}

const JAVA_STACK = [
  '\tat com.shop.orders.OrderRepository.load(OrderRepository.java:88)',
  '\tat com.shop.orders.OrderService.find(OrderService.java:41)',
  '\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:897)',
].join('\n');

describe('the verdict', () => {
  it('promotes a healthy rollout, with every rule passing and no surge or new exception', async () => {
    const db = await caseOf(scenario());
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.verdict.decision).toBe('promote');
    expect(analysis.verdict.reasons.every((r) => !r.blocks)).toBe(true);
    expect(analysis.surges).toEqual([]);
    expect(analysis.newExceptions).toEqual([]);
    // The window is the canary's first to last event: a few stable requests fall just outside.
    expect(analysis.totals.find((t) => t.track === 'canary')?.requests).toBe(60 * 60);
    expect(analysis.totals.find((t) => t.track === 'stable')?.requests).toBeGreaterThan(300 * 60 - 20);
    expect(analysis.comparison.every((r) => r.action === 'none' || r.action === 'pre-existing')).toBe(true);
  });

  it('is inconclusive on a tiny canary, however clean it looks', async () => {
    const db = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 2 }, minutes: 30 }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.totals.find((t) => t.track === 'canary')?.requests).toBe(60);
    expect(analysis.verdict.decision).toBe('inconclusive');
    expect(reasonsOf(analysis, 'min-requests')[0]).toMatchObject({
      outcome: 'insufficient-data',
      canary: 60,
      threshold: 200,
    });
  });

  it('rolls back on a p95 regression, and says by how much', async () => {
    const db = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 60, medianMs: 90 } }));
    const analysis = analyseRollout(db);
    db.close();
    const [p95] = reasonsOf(analysis, 'p95-regression');
    expect(analysis.verdict.decision).toBe('rollback');
    expect(p95).toMatchObject({ outcome: 'rollback', metric: 'latencyP95' });
    expect(p95?.canary).toBeGreaterThan((p95?.stable ?? 0) * 1.4);
    expect(p95?.text).toMatch(
      /of the canary's requests are slower than stable's p95, against .* \(p < 0\.0001, adjusted for 5 comparisons\): roll back\./,
    );
    expect(analysis.comparison.find((r) => r.metric === 'latencyP95')?.action).toBe('rollback');
  });

  it('rolls back on a canary 5xx rate confidently above 0.1 %', async () => {
    const db = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 60, rate5xx: 0.01 } }));
    const analysis = analyseRollout(db);
    db.close();
    const [rule] = reasonsOf(analysis, 'error-rate');
    expect(rule?.outcome).toBe('rollback');
    expect(rule?.threshold).toBe(0.001);
    expect(analysis.verdict.decision).toBe('rollback');
  });

  it('reports a threshold stable breaches just as much as pre-existing, and still promotes', async () => {
    const shape = { ...HEALTHY, rate5xx: 0.004 };
    const db = await caseOf(scenario({ stable: shape, canary: { ...shape, rpm: 60 } }));
    const analysis = analyseRollout(db);
    db.close();
    expect(reasonsOf(analysis, 'error-rate')[0]).toMatchObject({ outcome: 'pre-existing', blocks: false });
    expect(reasonsOf(analysis, 'error-rate')[0]?.text).toMatch(/predates the canary/);
    expect(analysis.verdict.decision).toBe('promote');
    expect(analysis.verdict.summary).toMatch(/predate the canary: error-rate/);
  });

  it('follows the settings saved with the case', async () => {
    const db = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 60, medianMs: 90 } }));
    writeAnalysisSettings(db, { p95Tolerance: 1 });
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.settings.p95Tolerance).toBe(1);
    expect(reasonsOf(analysis, 'p95-regression')[0]?.outcome).toBe('pass');
    expect(analysis.verdict.decision).toBe('promote');
  });
});

describe('401/403 surges', () => {
  it('finds a 401 burst of known start and end as one surge, with what drives it', async () => {
    const db = await caseOf(
      scenario({
        surges: [{ status: 401, fromMinute: 20, toMinute: 32, rate: 0.3, path: '/api/cart', user: 'mallory' }],
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges).toHaveLength(1);
    const [surge] = analysis.surges;
    expect(surge).toMatchObject({
      status: 401,
      track: 'canary',
      start: iso(T0 + 20 * MINUTE),
      end: iso(T0 + 32 * MINUTE),
      startUk: '02/03/2026 10:20:00',
      endUk: '02/03/2026 10:32:00',
      buckets: 12,
      canaryRequests: 12 * 60,
    });
    expect(surge?.canaryRate).toBeGreaterThan(0.25);
    expect(surge?.stableRate).toBeLessThan(0.01);
    expect(surge?.drivers[0]).toEqual({ kind: 'path', value: '/api/cart', count: expect.any(Number) as number });
    expect(surge?.drivers.find((d) => d.kind === 'user')?.value).toBe('mallory');
    expect(analysis.verdict.decision).toBe('rollback');
    expect(reasonsOf(analysis, 'auth-surge')[0]?.text).toMatch(
      /A 401 surge on the canary from 02\/03\/2026 10:20:00 GMT to 02\/03\/2026 10:32:00 GMT/,
    );
    // The failing user is a principal that fails only on the canary.
    expect(analysis.authFailures.canaryOnly).toContainEqual({
      kind: 'user',
      value: 'mallory',
      canary: surge?.canaryCount,
    });
  });

  it('finds a slow burst that no single minute shows (two 401s a minute on a quiet canary)', async () => {
    const db = await caseOf(
      scenario({
        canary: { ...HEALTHY, rpm: 8 },
        minutes: 90,
        surges: [{ status: 401, fromMinute: 40, toMinute: 52, rate: 0.25 }],
        stable: { ...HEALTHY, rpm: 60 },
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges).toHaveLength(1);
    const start = Date.parse(analysis.surges[0]?.start ?? '');
    const end = Date.parse(analysis.surges[0]?.end ?? '');
    // Trimmed to its first and last failure minute: within the burst.
    expect(start).toBeGreaterThanOrEqual(T0 + 40 * MINUTE);
    expect(end).toBeLessThanOrEqual(T0 + 52 * MINUTE);
    expect(end - start).toBeGreaterThanOrEqual(8 * MINUTE);
  });

  it('keeps 403 apart from 401', async () => {
    const db = await caseOf(scenario({ surges: [{ status: 403, fromMinute: 5, toMinute: 9, rate: 0.5 }] }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.surges.map((s) => [s.status, s.startUk, s.endUk])).toEqual([
      [403, '02/03/2026 10:05:00', '02/03/2026 10:09:00'],
    ]);
  });

  it('finds none in a flat rollout, even a long one with 401s on both tracks', async () => {
    const shape = { ...HEALTHY, rate401: 0.03, rate403: 0.01 };
    for (const seed of [1, 2, 3]) {
      const db = await caseOf(
        scenario({ seed, minutes: 360, stable: { ...shape, rpm: 100 }, canary: { ...shape, rpm: 25 } }),
      );
      const analysis = analyseRollout(db);
      db.close();
      expect(analysis.surges, `seed ${seed}`).toEqual([]);
      expect(analysis.verdict.decision, `seed ${seed}`).toBe('promote');
    }
  });
});

describe('exceptions', () => {
  const orderNotFound = {
    type: 'com.shop.orders.OrderNotFoundException',
    message: (n: number) =>
      `Order ${100000 + n * 7} not found for customer 0x${(n * 2654435761).toString(16)} (trace ${n}-${n * 3})`,
    stack: JAVA_STACK,
  };

  it('groups an exception with a different id in every message as one new group', async () => {
    const db = await caseOf(scenario({ exceptions: [{ ...orderNotFound, track: 'canary', rate: 0.01 }] }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.newExceptions).toHaveLength(1);
    const [group] = analysis.newExceptions;
    expect(group?.type).toBe(orderNotFound.type);
    expect(group?.message).toBe('Order <n> not found for customer <hex> (trace <n>-<n>)');
    expect(group?.example).toMatch(/^Order 100007 not found/);
    expect(group?.topFrames).toEqual(['com.shop.orders.OrderRepository.load', 'com.shop.orders.OrderService.find']);
    expect(group?.stableCount).toBe(0);
    expect(group?.canaryCount).toBeGreaterThan(20);
    expect(group?.firstSeenUk).toMatch(/^02\/03\/2026 10:/);
    expect(reasonsOf(analysis, 'new-exception')[0]).toMatchObject({ outcome: 'rollback' });
    // Every time a person reads carries its zone, the reasons' sentences included.
    expect(reasonsOf(analysis, 'new-exception')[0]?.text).toContain(`first at ${group?.firstSeenUk ?? ''} GMT.`);
  });

  it('does not call an exception both tracks throw at similar rates new, nor a spike', async () => {
    const db = await caseOf(scenario({ exceptions: [{ ...orderNotFound, track: 'both', rate: 0.005 }] }));
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.newExceptions).toEqual([]);
    expect(analysis.exceptions).toHaveLength(1);
    expect(analysis.exceptions[0]?.status).toBe('shared');
    expect(reasonsOf(analysis, 'new-exception')[0]?.outcome).toBe('pass');
  });

  it('flags a shared exception that the canary throws far more often as a spike', async () => {
    const db = await caseOf(
      scenario({
        exceptions: [
          { ...orderNotFound, track: 'canary', rate: 0.03 },
          { ...orderNotFound, track: 'stable', rate: 0.002 },
        ],
      }),
    );
    const analysis = analyseRollout(db);
    db.close();
    expect(analysis.exceptions[0]?.status).toBe('spike');
    expect(reasonsOf(analysis, 'exception-spike')[0]?.outcome).toBe('hold');
  });

  it('does not call an exception new when an earlier rollout of the service threw it', async () => {
    const earlier = scenario({
      canaryVersion: '1.0.5',
      exceptions: [{ ...orderNotFound, track: 'canary', rate: 0.01 }],
    });
    const later = scenario({
      seed: 8,
      start: T0 + 24 * 60 * MINUTE,
      exceptions: [{ ...orderNotFound, track: 'canary', rate: 0.01 }],
    });
    const db = await caseOf(earlier, later);
    const first = analyseRollout(db, 'shop-api@1.0.5');
    const second = analyseRollout(db, 'shop-api@1.1.0');
    db.close();
    expect(first.newExceptions).toHaveLength(1);
    expect(second.newExceptions).toEqual([]);
    expect(second.exceptions[0]).toMatchObject({ status: 'shared', seenBefore: true, stableCount: 0 });
  });
});

describe('authentication failures', () => {
  it('counts per track and rule, per 1,000 requests, with a time series', async () => {
    const db = await caseOf(scenario({ minutes: 10 }));
    const analysis = analyseRollout(db);
    const counts = db
      .prepare(`SELECT track, count(*) AS n FROM events WHERE auth_failure = 1 GROUP BY track ORDER BY track`)
      .all() as { track: string; n: number }[];
    db.close();
    const auth = analysis.authFailures;
    expect([auth.canary, auth.stable]).toEqual(counts.map((c) => c.n));
    expect(auth.byRule['http-401']).toMatchObject({ canary: auth.canary, stable: auth.stable });
    expect(auth.canaryPer1000).toBeCloseTo((auth.canary / 600) * 1000, 9);
    expect(auth.series.reduce((s, p) => s + p.canary + p.stable, 0)).toBe(auth.canary + auth.stable);
    expect(auth.series[0]?.startUk).toMatch(/^02\/03\/2026 10:0\d:00$/);
  });
});

describe('rollouts the user defines', () => {
  it('judges the window and stable version given, and names the rollout it judged', async () => {
    const db = await caseOf(scenario({ surges: [{ status: 401, fromMinute: 40, toMinute: 50, rate: 0.4 }] }));
    const found = findRollout(db);
    expect(found.origin).toBe('found');
    const defined = defineRollout(db, {
      service: 'shop-api',
      canaryVersion: '1.1.0',
      stableVersion: '1.0.0',
      from: T0,
      to: T0 + 30 * MINUTE - 1,
    });
    expect(defined).toMatchObject({
      id: 'shop-api@1.1.0',
      origin: 'defined',
      stableVersion: '1.0.0',
      toUk: '02/03/2026 10:29:59',
    });
    const analysis = judgeRollout(db, findRollout(db, 'shop-api@1.1.0'));
    db.close();
    expect(analysis.rollout.id).toBe('shop-api@1.1.0');
    expect(analysis.totals.map((t) => t.requests)).toEqual([300 * 30, 60 * 30]);
    expect(analysis.surges).toEqual([]);
  });
});

describe('business measures and resource use', () => {
  it('reads CPU from Metricbeat documents imported beside the logs', async () => {
    const db = await caseOf(scenario({ minutes: 10 }));
    const docs = Array.from({ length: 40 }, (_, i) =>
      ['stable', 'canary'].map((track) =>
        JSON.stringify({
          '@timestamp': new Date(T0 + 10_000 + i * 12_000).toISOString(),
          'metricset.name': 'cpu',
          'service.name': 'shop-api',
          'labels.track': track,
          'host.name': `${track}-1`,
          'system.cpu.total.norm.pct': track === 'canary' ? 0.7 : 0.35,
        }),
      ),
    ).flat();
    await importFile(db, writeLines('metricbeat.ndjson', docs));
    const analysis = analyseRollout(db);
    db.close();
    const cpu = analysis.comparison.find((r) => r.metric === 'resource:system.cpu.total.norm.pct');
    expect(cpu).toMatchObject({ stableDenominator: 40, canaryDenominator: 40 });
    expect(cpu?.stable).toBeCloseTo(0.35, 12);
    expect(cpu?.canary).toBeCloseTo(0.7, 12);
    expect(cpu?.action).toBe('investigate');
    // Metric documents are not requests.
    expect(analysis.totals.find((t) => t.track === 'canary')?.requests).toBe(600);
  });

  it('compares the ratio of two filters per track, and holds on a significant drop', async () => {
    const db = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 60, rate5xx: 0.2 }, stable: HEALTHY }));
    writeAnalysisSettings(db, {
      errorRateRollback: 1,
      errorRateInvestigate: 1,
      businessMeasures: [
        {
          name: 'checkout-success',
          label: 'Checkout success',
          numerator: parseEventFilter('url.path = /api/checkout and status < 300'),
          denominator: parseEventFilter('url.path = /api/checkout'),
          higherIsBetter: true,
        },
      ],
    });
    const analysis = analyseRollout(db);
    db.close();
    const row = analysis.comparison.find((r) => r.metric === 'business:checkout-success');
    expect(row?.stable).toBeGreaterThan(0.99);
    expect(row?.canary).toBeLessThan(0.9);
    expect(row?.canaryDenominator).toBeGreaterThan(600);
    expect(row?.action).toBe('investigate');
    expect(reasonsOf(analysis, 'business-measure')[0]?.outcome).toBe('investigate');
  });

  it('compares CPU and memory samples per track from the metrics table', async () => {
    const db = await caseOf(scenario({ minutes: 10 }));
    const insert = db.prepare(
      `INSERT INTO metrics (source_id, source_line, ts, track, service, version, host, name, value)
       VALUES (1, 0, ?, ?, 'shop-api', ?, 'h', ?, ?)`,
    );
    for (let i = 0; i < 60; i += 1) {
      const ts = T0 + 5_000 + i * 9_000; // inside the canary's window
      insert.run(ts, 'stable', '1.0.0', 'system.cpu.total.norm.pct', 0.3 + (i % 5) / 100);
      insert.run(ts, 'canary', null, 'system.cpu.total.norm.pct', 0.6 + (i % 5) / 100);
      insert.run(ts, 'stable', '1.0.0', 'system.memory.actual.used.pct', 0.5 + (i % 3) / 100);
      insert.run(ts, 'canary', '1.1.0', 'system.memory.actual.used.pct', 0.5 + (i % 3) / 100);
      insert.run(ts, 'canary', '9.9.9', 'system.memory.actual.used.pct', 0.99);
    }
    const analysis = analyseRollout(db);
    db.close();
    const cpu = analysis.comparison.find((r) => r.metric === 'resource:system.cpu.total.norm.pct');
    const memory = analysis.comparison.find((r) => r.metric === 'resource:system.memory.actual.used.pct');
    expect(cpu).toMatchObject({ kind: 'resource', unit: 'percent', action: 'investigate' });
    expect(cpu?.stable).toBeCloseTo(0.32, 9);
    expect(cpu?.canary).toBeCloseTo(0.62, 9);
    // Another version's samples are not the canary's.
    expect(memory?.canary).toBeCloseTo(memory?.stable ?? NaN, 9);
    expect(memory?.action).toBe('none');
  });
});
