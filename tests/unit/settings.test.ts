// Case settings (electron/core/case/settings.ts): JSON values checked by the reader's schema.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { openCase } from '../../electron/core/case/caseStore.js';
import { deleteSetting, getSetting, putSetting, settingKeys } from '../../electron/core/case/settings.js';
import { tempDir } from '../helpers/tempCase.js';

const thresholds = z.object({ errorRate: z.number().min(0).max(1) }).strict();

describe('case settings', () => {
  it('gives the default until a value is saved, then the value, across a reopen', () => {
    const file = path.join(tempDir(), 's.coalmine');
    const db = openCase(file, { create: true });
    expect(getSetting(db, 'analysis.thresholds', thresholds, { errorRate: 0.001 })).toEqual({ errorRate: 0.001 });
    putSetting(db, 'analysis.thresholds', thresholds, { errorRate: 0.01 });
    putSetting(db, 'analysis.thresholds', thresholds, { errorRate: 0.02 });
    db.close();
    const again = openCase(file, { readOnly: true });
    expect(getSetting(again, 'analysis.thresholds', thresholds, { errorRate: 0.001 })).toEqual({ errorRate: 0.02 });
    again.close();
  });

  it('refuses to save or read a value its schema rejects', () => {
    const db = openCase(path.join(tempDir(), 's.coalmine'), { create: true });
    expect(() => putSetting(db, 'k', thresholds, { errorRate: 2 })).toThrow(/not a valid value for "k"/);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('k', '{"errorRate": "high"}')`).run();
    expect(() => getSetting(db, 'k', thresholds, { errorRate: 0 })).toThrow(/setting "k" is not valid at errorRate/);
    db.prepare(`UPDATE settings SET value = '{oops' WHERE key = 'k'`).run();
    expect(() => getSetting(db, 'k', thresholds, { errorRate: 0 })).toThrow(/not valid JSON/);
    expect(deleteSetting(db, 'k')).toBe(true);
    expect(deleteSetting(db, 'k')).toBe(false);
    db.close();
  });

  it('lists keys under a prefix, taking _ and % as text', () => {
    const db = openCase(path.join(tempDir(), 's.coalmine'), { create: true });
    const text = z.string();
    for (const key of ['csv.mapping.b', 'csv.mapping.a', 'csv_mapping.x', 'csv.mappingz', 'tagging.rules']) {
      putSetting(db, key, text, key);
    }
    expect(settingKeys(db, 'csv.mapping.')).toEqual(['csv.mapping.a', 'csv.mapping.b']);
    expect(settingKeys(db, 'csv_')).toEqual(['csv_mapping.x']);
    expect(settingKeys(db, '%')).toEqual([]);
    db.close();
  });
});
