// Queries on `settings`: the judge's settings are the rows keyed `analysis.<name>`, each a
// JSON value checked against its schema on the way in and on the way out (a case file may
// come from anywhere). Keys of other features in the same table are left alone.
import { z } from 'zod';
import {
  type AnalysisSettings,
  DEFAULT_ANALYSIS_SETTINGS,
  analysisSettingsSchema,
  analysisSettingsShape,
  isAnalysisSettingKey,
} from '../../../shared/analysisSettings.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from './caseStore.js';

const PREFIX = 'analysis.';

export function readAnalysisSettings(db: CaseDb): AnalysisSettings {
  const rows = db.prepare(`SELECT key, value FROM settings WHERE key LIKE 'analysis.%'`).all() as {
    key: string;
    value: string;
  }[];
  const settings: Record<string, unknown> = { ...DEFAULT_ANALYSIS_SETTINGS };
  for (const row of rows) {
    const key = row.key.slice(PREFIX.length);
    if (!isAnalysisSettingKey(key)) continue; // written by a newer Coalmine: ignored, not lost
    let value: unknown;
    try {
      value = JSON.parse(row.value);
    } catch {
      throw new CoalmineError('UNREADABLE', `the case's setting ${key} is not valid JSON; set it again`);
    }
    const parsed = analysisSettingsShape[key].safeParse(value);
    if (!parsed.success) {
      throw new CoalmineError(
        'UNREADABLE',
        `the case's setting ${key} is invalid (${z.prettifyError(parsed.error)}); set it again with coalmine settings`,
      );
    }
    settings[key] = parsed.data;
  }
  return analysisSettingsSchema.parse(settings);
}

/** Saves the given settings (a value equal to the default is saved too: the case says what it used). */
export function writeAnalysisSettings(db: CaseDb, changes: Partial<AnalysisSettings>): AnalysisSettings {
  if (db.readonly) throw new CoalmineError('READ_ONLY', 'this case is open read-only: its settings cannot change');
  const checked = analysisSettingsSchema.partial().safeParse(changes);
  if (!checked.success) throw new CoalmineError('BAD_INPUT', z.prettifyError(checked.error));
  const upsert = db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  );
  db.transaction(() => {
    for (const [key, value] of Object.entries(checked.data)) {
      if (value !== undefined) upsert.run(PREFIX + key, JSON.stringify(value));
    }
  })();
  return readAnalysisSettings(db);
}

/** Removes saved values, so those settings take their defaults again. */
export function resetAnalysisSettings(db: CaseDb, keys: string[]): AnalysisSettings {
  if (db.readonly) throw new CoalmineError('READ_ONLY', 'this case is open read-only: its settings cannot change');
  for (const key of keys) {
    if (!isAnalysisSettingKey(key)) throw new CoalmineError('BAD_INPUT', `no setting "${key}"`);
  }
  const remove = db.prepare(`DELETE FROM settings WHERE key = ?`);
  db.transaction(() => keys.forEach((key) => remove.run(PREFIX + key)))();
  return readAnalysisSettings(db);
}
