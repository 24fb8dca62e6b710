// The comparison against figures counted by hand from tests/fixtures/small-rollout.ndjson:
//   window = the canary's events, 01/06/2026 11:00:00 to 11:09:50 BST (10:00:00–10:09:50 UTC)
//   stable in the window: 10 requests, statuses 200×7, 500, 401, 403; durations 10, 20 … 100 ms
//     (one stable request before the window and one after are left out, as is an
//     event of unknown track and a stable event with no status)
//   canary: 5 requests, statuses 200, 200, 401, 401, 503; durations 50, 60, 70, 80, 300 ms
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeRollout as compareRollout } from '../../electron/core/analysis/analyse.js';
import { findRollout, listRollouts, rolloutIdOf } from '../../electron/core/analysis/rollouts.js';
import { relativeVariance } from '../../electron/core/analysis/stats.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import type { ComparisonRow } from '../../shared/api.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const fixture = path.resolve(import.meta.dirname, '../fixtures/small-rollout.ndjson');

async function analysed() {
  const db = openCase(path.join(tempDir(), 'c.coalmine'), { create: true });
  await importFile(db, fixture);
  const rollouts = listRollouts(db);
  const analysis = compareRollout(db, findRollout(db));
  db.close();
  return { rollouts, analysis };
}

function rowOf(rows: ComparisonRow[], metric: string): ComparisonRow {
  const row = rows.find((r) => r.metric === metric);
  if (!row) throw new Error(`no ${metric} row`);
  return row;
}

describe('rollout detection and comparison', () => {
  it('finds the rollout: service, both versions and the canary window', async () => {
    const { rollouts } = await analysed();
    expect(rollouts).toEqual([
      {
        id: 'payments@2.0.0',
        service: 'payments',
        environment: null,
        stableVersion: '1.9.0',
        canaryVersion: '2.0.0',
        from: '2026-06-01T10:00:00.000Z',
        to: '2026-06-01T10:09:50.000Z',
        fromUk: '01/06/2026 11:00:00',
        toUk: '01/06/2026 11:09:50',
        fromMs: Date.UTC(2026, 5, 1, 10, 0, 0),
        toMs: Date.UTC(2026, 5, 1, 10, 9, 50),
        origin: 'found',
        canaryEvents: 6,
        stableEvents: 11,
      },
    ]);
  });

  it('matches the hand count for every figure', async () => {
    const { analysis } = await analysed();
    const rows = analysis.comparison;
    expect(analysis.totals).toEqual([
      { track: 'stable', events: 11, requests: 10, latencySamples: 10 },
      { track: 'canary', events: 6, requests: 5, latencySamples: 5 },
    ]);
    expect(rowOf(rows, 'requests')).toMatchObject({ stable: 10, canary: 5, variance: -0.5 });
    expect(rowOf(rows, 'rate5xx')).toMatchObject({ stable: 0.1, canary: 0.2, stableCount: 1, canaryCount: 1 });
    expect(rowOf(rows, 'rate5xx').variance).toBeCloseTo(1.0, 12);
    expect(rowOf(rows, 'rate4xx')).toMatchObject({ stable: 0.2, canary: 0.4, stableCount: 2, canaryCount: 2 });
    expect(rowOf(rows, 'rate401')).toMatchObject({ stable: 0.1, canary: 0.4, stableCount: 1, canaryCount: 2 });
    expect(rowOf(rows, 'rate401').variance).toBeCloseTo(3.0, 12);
    expect(rowOf(rows, 'rate403')).toMatchObject({ stable: 0.1, canary: 0, variance: -1 });
    // mean: stable (10+…+100)/10 = 55; canary (50+60+70+80+300)/5 = 112
    expect(rowOf(rows, 'latencyMean').stable).toBeCloseTo(55, 9);
    expect(rowOf(rows, 'latencyMean').canary).toBeCloseTo(112, 9);
    expect(rowOf(rows, 'latencyMean').variance).toBeCloseTo(57 / 55, 9);
    // nearest-rank p95: stable rank ceil(9.5) = 10th → 100; canary rank ceil(4.75) = 5th → 300
    expect(rowOf(rows, 'latencyP95')).toMatchObject({ stable: 100, canary: 300 });
    expect(rowOf(rows, 'latencyP95').variance).toBeCloseTo(2, 12);
  });

  it('says why a variance is missing rather than dividing by zero', () => {
    expect(relativeVariance(0, 0.02)).toEqual({ variance: null, note: 'stable is 0' });
    expect(relativeVariance(0, 0)).toEqual({ variance: 0, note: null });
    expect(relativeVariance(null, 3)).toEqual({ variance: null, note: 'no data on one track' });
  });

  it('asks for a rollout id when the case holds several, and names an unknown one', async () => {
    const db = openCase(path.join(tempDir(), 'two.coalmine'), { create: true });
    await importFile(db, fixture);
    const second = writeLines('next.ndjson', [
      ecs({ '@timestamp': '2026-06-02T10:00:00Z', 'service.name': 'payments', 'http.response.status_code': 200 }),
    ]);
    await importFile(db, second, { track: 'canary', version: '2.1.0' });
    expect(listRollouts(db).map((r) => r.id)).toEqual(['payments@2.0.0', 'payments@2.1.0']);
    expect(() => findRollout(db)).toThrow(/holds 2 rollouts; name one with --rollout: payments@2.0.0, payments@2.1.0/);
    expect(() => findRollout(db, 'nope@1')).toThrow(/no rollout "nope@1"/);
    expect(findRollout(db, 'payments@2.1.0').canaryEvents).toBe(1);
    db.close();
  });

  it('leaves out the events of an unfinished import and names its source', async () => {
    const db = openCase(path.join(tempDir(), 'x.coalmine'), { create: true });
    await importFile(db, fixture);
    const extra = writeLines('partial.ndjson', [
      ecs({ '@timestamp': '2026-06-01T10:05:00Z', 'service.name': 'payments', 'http.response.status_code': 500 }),
    ]);
    await importFile(db, extra, { track: 'canary', version: '2.0.0', signal: AbortSignal.abort(), batchSize: 1 });
    const analysis = compareRollout(db, findRollout(db));
    expect(rowOf(analysis.comparison, 'requests').canary).toBe(5);
    expect(analysis.excludedSources.map((s) => [s.name, s.state])).toEqual([['partial.ndjson', 'incomplete']]);
    db.close();
  });

  it('gives different rollouts different ids, and reads a blank version as none', async () => {
    expect(rolloutIdOf('svc', '1.0 beta')).toBe('svc@1.0%20beta');
    expect(rolloutIdOf('svc', '1.0_beta')).toBe('svc@1.0_beta');
    expect(rolloutIdOf('a@b', 'c')).not.toBe(rolloutIdOf('a', 'b@c'));
    expect(rolloutIdOf('a%40b', 'c')).not.toBe(rolloutIdOf('a@b', 'c'));
    const db = openCase(path.join(tempDir(), 'v.coalmine'), { create: true });
    const file = writeLines('blank.ndjson', [
      ecs({
        '@timestamp': '2026-06-02T10:00:00Z',
        'service.name': 'svc',
        'service.version': '',
        'http.response.status_code': 200,
      }),
      ecs({ '@timestamp': '2026-06-02T10:01:00Z', 'service.name': 'svc', 'http.response.status_code': 500 }),
    ]);
    await importFile(db, file, { track: 'canary' });
    const [rollout] = listRollouts(db);
    expect(rollout).toMatchObject({ id: 'svc@', canaryEvents: 2 });
    expect(rowOf(compareRollout(db, findRollout(db)).comparison, 'requests').canary).toBe(2);
    db.close();
  });
});
