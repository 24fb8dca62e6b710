// The page's editors through the API: the case's tagging rules read, saved (checked as the
// CLI checks them) and applied by a re-tag that says how many events moved between tracks;
// the judge's settings saved and the verdict judged again with them; "Who was affected" as
// the review has it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiEnvelope } from '../../shared/errors.js';
import type { RetagResult, TaggingState } from '../../shared/taggingRules.js';
import { DEFAULT_TAGGING_RULES } from '../../shared/taggingRules.js';
import type { Analysis, RolloutAnalysis, SettingsResult } from '../../shared/api.js';
import type { ReviewDocument } from '../../shared/review.js';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { folderPicker } from '../../electron/core/importJobs.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { type Service, createService, dispatch } from '../../electron/core/service.js';
import { caseOf, scenario } from '../helpers/scenario.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const at = (i: number): string => new Date(Date.UTC(2026, 10, 19, 9, 0, 0) + i * 1000).toISOString();

/**
 * Pods named unusually for a rollout (`checkout-v2-…`, `checkout-v1-…`), no track label: the
 * default rules tag none of them. One pod's name says "canary" (the defaults' pod rule).
 */
function podLines(): string[] {
  const lines: string[] = [];
  for (let i = 0; i < 30; i += 1) {
    const pod = i % 3 === 0 ? 'checkout-v2-7d9f6-abcde' : i % 3 === 1 ? 'checkout-v1-5c8b2-fghij' : 'checkout-canary-0';
    lines.push(
      ecs({
        '@timestamp': at(i),
        'service.name': 'checkout',
        'service.version': pod.includes('v1') ? '1.0.0' : '2.0.0',
        'kubernetes.pod.name': pod,
        'http.response.status_code': 200,
        message: `request ${i}`,
      }),
    );
  }
  return lines;
}

async function podCase(): Promise<{ casePath: string; db: CaseDb }> {
  const casePath = path.join(tempDir(), 'pods.coalmine');
  const db = openCase(casePath, { create: true });
  await importFile(db, writeLines('pods.ndjson', podLines()));
  return { casePath, db };
}

async function value<T>(envelope: Promise<ApiEnvelope<unknown>>): Promise<T> {
  const answer = await envelope;
  if (!answer.ok) throw new Error(`${answer.error.code}: ${answer.error.message}`);
  return answer.value as T;
}

/** Events per track, by a query of the test's own. */
function perTrack(db: CaseDb): Record<string, number> {
  const rows = db.prepare(`SELECT track, count(*) AS n FROM events GROUP BY track`).all() as {
    track: string;
    n: number;
  }[];
  return Object.fromEntries(rows.map((r) => [r.track, r.n]));
}

describe('tagging rules through the API', () => {
  it('reads the defaults, saves rules for unusual pod names, and a re-tag moves the events', async () => {
    const { casePath, db } = await podCase();
    const service = createService({ path: casePath, db, readOnly: false });

    const before = await value<TaggingState>(dispatch(service, 'tagging.get', {}));
    expect(before).toMatchObject({ own: false, rules: DEFAULT_TAGGING_RULES, defaults: DEFAULT_TAGGING_RULES });
    expect(before.tracks).toEqual([
      { track: 'canary', rule: 'pod-name', events: 10 },
      { track: 'unknown', rule: null, events: 20 },
    ]);

    const rules = [
      { kind: 'name', field: 'pod', name: 'checkout-pods', canary: ['v2'], stable: [' v1 '] },
      ...DEFAULT_TAGGING_RULES.rules,
    ];
    const saved = await value<TaggingState>(dispatch(service, 'tagging.save', { rules }));
    // Checked by the CLI's own schema: words are kept trimmed.
    expect(saved.own).toBe(true);
    expect(saved.rules.rules[0]).toEqual({
      kind: 'name',
      field: 'pod',
      name: 'checkout-pods',
      canary: ['v2'],
      stable: ['v1'],
    });
    // Saving alone tags nothing again.
    expect(perTrack(db)).toEqual({ canary: 10, unknown: 20 });

    const result = await value<RetagResult>(dispatch(service, 'tagging.retag', {}));
    expect(result).toMatchObject({ events: 30, changed: 20, byTrack: { canary: 20, stable: 10, unknown: 0 } });
    expect(result.moved).toEqual([
      { from: 'unknown', to: 'canary', events: 10 },
      { from: 'unknown', to: 'stable', events: 10 },
    ]);
    expect(perTrack(db)).toEqual({ canary: 20, stable: 10 });
    const after = await value<TaggingState>(dispatch(service, 'tagging.get', {}));
    expect(after.tracks).toEqual([
      { track: 'canary', rule: 'checkout-pods', events: 10 },
      { track: 'canary', rule: 'pod-name', events: 10 },
      { track: 'stable', rule: 'checkout-pods', events: 10 },
    ]);

    // Back to the defaults: the events move back, and the re-tag says so.
    await value(dispatch(service, 'tagging.save', { rules: DEFAULT_TAGGING_RULES.rules }));
    const back = await value<RetagResult>(dispatch(service, 'tagging.retag', {}));
    expect(back.moved).toEqual([
      { from: 'canary', to: 'unknown', events: 10 },
      { from: 'stable', to: 'unknown', events: 10 },
    ]);
    closeCase(db);
  });

  it('refuses bad rules with a message naming the rule and the field, keeping the saved rules', async () => {
    const { casePath, db } = await podCase();
    const service = createService({ path: casePath, db, readOnly: false });
    const good = [{ kind: 'name', field: 'pod', canary: ['v2'], stable: ['v1'] }];
    await value(dispatch(service, 'tagging.save', { rules: good }));

    const refused = async (rules: unknown[], pattern: RegExp): Promise<void> => {
      const answer = await dispatch(service, 'tagging.save', { rules });
      expect(answer).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      expect(answer.ok ? '' : answer.error.message).toMatch(pattern);
    };
    await refused(
      [{ kind: 'label', canary: ['canary'], stable: [] }, { kind: 'version' }],
      /^tagging rules are not valid: rules\.1\.canaryVersion: /,
    );
    await refused([{ kind: 'name', field: 'node', canary: [], stable: [] }], /rules\.0\.field/);
    await refused([{ kind: 'name', field: 'pod', canary: ['  '], stable: [] }], /rules\.0\.canary\.0/);
    await refused([{ kind: 'label', canary: [], stable: [], colour: 'red' }], /rules\.0/);
    await refused([{ kind: 'regex', pattern: '.*' }], /rules\.0\.kind/);
    // Not even an outline of rules: the contract refuses it before the core sees it.
    expect(await dispatch(service, 'tagging.save', { rules: 'all canary' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });

    const kept = await value<TaggingState>(dispatch(service, 'tagging.get', {}));
    expect(kept.rules.rules).toEqual(good);
    closeCase(db);
  });

  it('refuses to save or re-tag a read-only case, and while an import writes to the case', async () => {
    const { casePath, db } = await podCase();
    closeCase(db);
    const readOnly = openCase(casePath, { readOnly: true });
    const viewer = createService({ path: casePath, db: readOnly, readOnly: true });
    expect(await value<TaggingState>(dispatch(viewer, 'tagging.get', {}))).toMatchObject({ own: false });
    for (const [method, input] of [
      ['tagging.save', { rules: [] }],
      ['tagging.retag', {}],
    ] as const) {
      const answer = await dispatch(viewer, method, input);
      expect(answer).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
      expect(answer.ok ? '' : answer.error.message).toContain('pods.coalmine is open read-only');
    }
    closeCase(readOnly);

    const writable = openCase(casePath);
    const folder = path.dirname(
      writeLines(
        'more.ndjson',
        Array.from({ length: 2000 }, (_, i) => ecs({ '@timestamp': at(100 + i), 'service.name': 'more' })),
      ),
    );
    const service: Service = createService(
      { path: casePath, db: writable, readOnly: false },
      { pickFiles: folderPicker(folder) },
    );
    const picked = await value<{ files: { id: string }[] }>(dispatch(service, 'ingest.pick', {}));
    const { jobId } = await value<{ jobId: string }>(
      dispatch(service, 'ingest.start', { files: picked.files.map((f) => f.id) }),
    );
    expect(await dispatch(service, 'tagging.retag', {})).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(await dispatch(service, 'tagging.save', { rules: [] })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    // The Settings panel is open during an import too: its save and reset wait as well.
    for (const [method, input] of [
      ['settings.update', { changes: { minRequests: 10 } }],
      ['settings.reset', { keys: ['minRequests'] }],
      ['tagging.reset', {}],
    ] as const) {
      const answer = await dispatch(service, method, input);
      expect(answer, method).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(answer.ok ? '' : answer.error.message).toContain('an import or a pull is writing to pods.coalmine');
    }
    let state = 'running';
    while (state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      state = (await value<{ state: string }>(dispatch(service, 'job.status', { jobId }))).state;
    }
    expect(state).toBe('done');
    // Once the import ended, the same re-tag goes through.
    expect(await value<RetagResult>(dispatch(service, 'tagging.retag', {}))).toMatchObject({ events: 2030 });
    closeCase(writable);
  });
});

/** Marks a source as being imported now by a process on another host (a shared folder). */
function importingElsewhere(db: CaseDb): number {
  const id = (db.prepare(`SELECT min(id) AS id FROM sources`).get() as { id: number }).id;
  db.prepare(`UPDATE sources SET state = 'importing', importer = 'other-host:4242', heartbeat_at = ? WHERE id = ?`).run(
    Date.now(),
    id,
  );
  return id;
}

/** One call of every method that writes to the case, with input its schema accepts. */
const WRITES: [string, unknown][] = [
  ['settings.update', { changes: { minRequests: 10 } }],
  ['settings.reset', { keys: ['minRequests'] }],
  ['tagging.save', { rules: [] }],
  ['tagging.reset', {}],
  ['tagging.retag', {}],
  ['review.notes.save', { rolloutId: 'checkout@2.0.0', notes: {} }],
  ['rollout.define', { service: 'checkout', canaryVersion: '2.0.0' }],
  ['rollout.remove', { rolloutId: 'checkout@2.0.0' }],
  ['ingest.start', { files: ['not-picked'] }],
  [
    'pull.start',
    { url: 'http://127.0.0.1:9', index: 'logs-*', from: '19/11/2026 09:00:00', to: '19/11/2026 10:00:00' },
  ],
];

describe('one guard for every write', () => {
  it('refuses every writing method on a read-only case, with the case named', async () => {
    const { casePath, db } = await podCase();
    closeCase(db);
    const readOnly = openCase(casePath, { readOnly: true });
    const viewer = createService({ path: casePath, db: readOnly, readOnly: true });
    for (const [method, input] of WRITES) {
      const answer = await dispatch(viewer, method, input);
      expect(answer, method).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
      expect(answer.ok ? '' : answer.error.message, method).toMatch(/^pods\.coalmine is open read-only: /);
    }
    closeCase(readOnly);
  });

  it('refuses every writing method while another process imports into the case, and nothing changes', async () => {
    const { casePath, db } = await podCase();
    const service = createService({ path: casePath, db, readOnly: false });
    const source = importingElsewhere(db);
    const before = await value<TaggingState>(dispatch(service, 'tagging.get', {}));
    for (const [method, input] of WRITES) {
      const answer = await dispatch(service, method, input);
      expect(answer, method).toMatchObject({ ok: false, error: { code: 'BUSY' } });
      expect(answer.ok ? '' : answer.error.message, method).toContain(
        `source #${source} of pods.coalmine is being imported`,
      );
    }
    expect(await value<TaggingState>(dispatch(service, 'tagging.get', {}))).toEqual(before);
    expect(db.prepare(`SELECT count(*) AS n FROM settings WHERE key LIKE 'analysis.%'`).get()).toEqual({ n: 0 });
    // Once that import is over, the same writes go through.
    db.prepare(`UPDATE sources SET state = 'complete' WHERE id = ?`).run(source);
    expect(await dispatch(service, 'settings.update', { changes: { minRequests: 10 } })).toMatchObject({ ok: true });
    expect(await dispatch(service, 'tagging.retag', {})).toMatchObject({ ok: true });
    closeCase(db);
  });
});

describe('judge settings and who was affected, through the API', () => {
  it('a saved threshold changes the verdict judged next', async () => {
    // A canary whose 5xx rate (0.5 %) is above the checklist's 0.1 % but below a relaxed 1 %.
    const db = await caseOf(
      scenario({
        stable: { rpm: 300, rate5xx: 0.005, rate401: 0, rate403: 0, medianMs: 60 },
        canary: { rpm: 300, rate5xx: 0.005, rate401: 0, rate403: 0, medianMs: 60 },
      }),
    );
    const service = createService({ path: db.name, db, readOnly: false });
    const rolloutId = 'shop-api@1.1.0';
    const reason = (a: Analysis) => a.verdict.reasons.find((r) => r.rule === 'error-rate');
    const first = await value<Analysis>(dispatch(service, 'rollout.analyse', { rolloutId }));
    expect(reason(first)?.threshold).toBe(0.001);

    await value(dispatch(service, 'settings.update', { changes: { errorRateRollback: 0.02 } }));
    const second = await value<Analysis>(dispatch(service, 'rollout.analyse', { rolloutId }));
    expect(second.settings.errorRateRollback).toBe(0.02);
    expect(reason(second)?.threshold).toBe(0.02);
    expect(reason(second)?.text).not.toBe(reason(first)?.text);
    closeCase(db);
  });

  it('a reset deletes the saved value, as `coalmine settings --reset` and `coalmine tags --reset` do', async () => {
    const { casePath, db } = await podCase();
    const service = createService({ path: casePath, db, readOnly: false });
    const saved = await value<SettingsResult>(
      dispatch(service, 'settings.update', { changes: { minRequests: 10, bucketMinutes: 5 } }),
    );
    expect([...saved.saved].sort()).toEqual(['bucketMinutes', 'minRequests']);
    const reset = await value<SettingsResult>(dispatch(service, 'settings.reset', { keys: ['minRequests'] }));
    expect(reset.settings.minRequests).toBe(reset.defaults.minRequests);
    expect(reset.saved).toEqual(['bucketMinutes']);
    expect(db.prepare(`SELECT key FROM settings WHERE key LIKE 'analysis.%'`).all()).toEqual([
      { key: 'analysis.bucketMinutes' },
    ]);
    expect(await dispatch(service, 'settings.reset', { keys: ['nope'] })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });

    await value(dispatch(service, 'tagging.save', { rules: DEFAULT_TAGGING_RULES.rules }));
    expect((await value<TaggingState>(dispatch(service, 'tagging.get', {}))).own).toBe(true);
    const back = await value<TaggingState>(dispatch(service, 'tagging.reset', {}));
    expect(back).toMatchObject({ own: false, rules: DEFAULT_TAGGING_RULES });
    expect(db.prepare(`SELECT count(*) AS n FROM settings WHERE key = 'tagging.rules'`).get()).toEqual({ n: 0 });
    closeCase(db);
  });

  it('"Who was affected" comes with the analysis and is the review\'s own section, names in clear', async () => {
    const db = await caseOf(
      scenario({
        surges: [{ status: 401, fromMinute: 30, toMinute: 40, rate: 0.3, path: '/api/login', user: 'mallory' }],
      }),
    );
    const service = createService({ path: db.name, db, readOnly: false });
    const rolloutId = 'shop-api@1.1.0';
    const { affected, ...analysis } = await value<RolloutAnalysis>(dispatch(service, 'rollout.analyse', { rolloutId }));
    const review = await value<ReviewDocument>(
      dispatch(service, 'review.document', { rolloutId, pseudonymise: false }),
    );
    expect(affected).toEqual(review.affected);
    // From the same judgement: the surges it lists are the analysis's own.
    expect(affected.surges.map((s) => s.status)).toEqual(analysis.surges.map((s) => s.status));
    // The section is no longer a method of its own, judging the rollout a second time.
    expect(await dispatch(service, 'rollout.affected', { rolloutId })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(affected.canaryOnly).toContainEqual(expect.objectContaining({ kind: 'user', name: 'mallory' }));
    expect(affected.surges).toHaveLength(1);
    expect(affected.surges[0]?.parties).toContainEqual(expect.objectContaining({ kind: 'user', name: 'mallory' }));
    expect(await dispatch(service, 'rollout.analyse', { rolloutId: 'nothing@0' })).toMatchObject({ ok: false });
    closeCase(db);
  });
});
