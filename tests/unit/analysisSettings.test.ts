// The judge's settings saved with the case: defaults, checked writes, and a stored value that
// no longer fits refused with a message that says what to do.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import {
  readAnalysisSettings,
  resetAnalysisSettings,
  writeAnalysisSettings,
} from '../../electron/core/case/analysisSettings.js';
import { createService, dispatch } from '../../electron/core/service.js';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import { tempDir } from '../helpers/tempCase.js';

function freshCase() {
  const casePath = path.join(tempDir(), 's.coalmine');
  return { casePath, db: openCase(casePath, { create: true }) };
}

describe('analysis settings', () => {
  it('start at the checklist defaults and keep what is set, across opens', () => {
    const { casePath, db } = freshCase();
    expect(readAnalysisSettings(db)).toEqual(DEFAULT_ANALYSIS_SETTINGS);
    expect(DEFAULT_ANALYSIS_SETTINGS).toMatchObject({
      errorRateRollback: 0.001,
      errorRateInvestigate: 0.01,
      latencyAlertMs: 500,
    });
    writeAnalysisSettings(db, { errorRateRollback: 0.002, bucketMinutes: 5 });
    db.close();
    const again = openCase(casePath, { readOnly: true });
    expect(readAnalysisSettings(again)).toMatchObject({ errorRateRollback: 0.002, bucketMinutes: 5, alpha: 0.01 });
    again.close();
  });

  it('refuse a value out of range, and leave other features\u2019 keys alone', () => {
    const { db } = freshCase();
    expect(() => writeAnalysisSettings(db, { bucketMinutes: 0 })).toThrow(/bucketMinutes/);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('tagging.rules', '[1,2]')`).run();
    resetAnalysisSettings(db, ['errorRateRollback']);
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'tagging.rules'`).pluck().get()).toBe('[1,2]');
    db.prepare(`INSERT INTO settings (key, value) VALUES ('analysis.alpha', '7')`).run();
    expect(() => readAnalysisSettings(db)).toThrow(
      /setting "analysis.alpha" is not valid.*set it again with `coalmine settings <case> --set alpha=…`/s,
    );
    db.close();
  });

  it('are read and changed through the API, and a read-only case refuses the change', async () => {
    const { casePath, db } = freshCase();
    const service = createService({ path: casePath, db, readOnly: false });
    expect(await dispatch(service, 'settings.update', { changes: { minRequests: 50 } })).toMatchObject({
      ok: true,
      value: { settings: { minRequests: 50 }, defaults: { minRequests: 200 } },
    });
    expect(await dispatch(service, 'settings.update', { changes: { minRequests: -1 } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    db.close();
    const readOnly = openCase(casePath, { readOnly: true });
    const viewer = createService({ path: casePath, db: readOnly, readOnly: true });
    expect(await dispatch(viewer, 'settings.get', {})).toMatchObject({
      ok: true,
      value: { settings: { minRequests: 50 } },
    });
    expect(await dispatch(viewer, 'settings.update', { changes: { minRequests: 10 } })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
    expect(
      await dispatch(viewer, 'rollout.define', {
        service: 'a',
        canaryVersion: '1',
        from: '2026-01-01T00:00:00Z',
        to: '2026-01-01T01:00:00Z',
      }),
    ).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    readOnly.close();
  });

  it('defines a rollout from the API with times typed in UK form (Europe/London) or ISO, and names a bad one', async () => {
    const { casePath, db } = freshCase();
    const service = createService({ path: casePath, db, readOnly: false });
    const defined = await dispatch(service, 'rollout.define', {
      service: 'checkout',
      canaryVersion: '2',
      from: '29/03/2026 00:30:00',
      to: '2026-03-29T03:00:00+01:00',
    });
    expect(defined).toMatchObject({
      ok: true,
      value: {
        fromMs: Date.UTC(2026, 2, 29, 0, 30),
        toMs: Date.UTC(2026, 2, 29, 2, 0),
        fromUk: '29/03/2026 00:30:00',
        toUk: '29/03/2026 03:00:00',
      },
    });
    expect(
      await dispatch(service, 'rollout.define', { service: 'checkout', canaryVersion: '2', from: 'yesterday' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringMatching(/the window's start "yesterday"/) as unknown },
    });
    db.close();
  });
});
