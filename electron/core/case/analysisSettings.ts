// The judge's settings in the case's `settings` table: one row per setting, keyed
// `analysis.<name>`, each checked against its schema on the way in and on the way out (a case
// file may come from anywhere). A setting with no row takes its default.
import { z } from 'zod';
import {
  ANALYSIS_SETTING_KEYS,
  type AnalysisSettingKey,
  type AnalysisSettings,
  DEFAULT_ANALYSIS_SETTINGS,
  analysisSettingsSchema,
  analysisSettingsShape,
  isAnalysisSettingKey,
} from '../../../shared/analysisSettings.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from './caseStore.js';
import { deleteSetting, getSetting, putSetting } from './settings.js';

const PREFIX = 'analysis.';

export function readAnalysisSettings(db: CaseDb): AnalysisSettings {
  const settings: Record<string, unknown> = {};
  for (const key of ANALYSIS_SETTING_KEYS) {
    try {
      settings[key] = getSetting(db, PREFIX + key, analysisSettingsShape[key], DEFAULT_ANALYSIS_SETTINGS[key]);
    } catch (error) {
      if (!(error instanceof CoalmineError)) throw error;
      throw new CoalmineError(
        'BAD_INPUT',
        `${error.message}; set it again with \`coalmine settings <case> --set ${key}=…\` or --reset ${key}`,
        { cause: error },
      );
    }
  }
  return analysisSettingsSchema.parse(settings);
}

/** The settings that have a value saved in the case (the others take their defaults), in the contract's order. */
export function savedAnalysisSettingKeys(db: CaseDb): AnalysisSettingKey[] {
  const saved = new Set(
    (db.prepare(`SELECT key FROM settings WHERE key LIKE 'analysis.%'`).all() as { key: string }[]).map((r) =>
      r.key.slice(PREFIX.length),
    ),
  );
  return ANALYSIS_SETTING_KEYS.filter((key) => saved.has(key));
}

function writable(db: CaseDb): void {
  if (db.readonly) throw new CoalmineError('READ_ONLY', 'this case is open read-only: its settings cannot change');
}

/** Saves the given settings (a value equal to the default is saved too: the case says what it used). */
export function writeAnalysisSettings(db: CaseDb, changes: Partial<AnalysisSettings>): AnalysisSettings {
  writable(db);
  const checked = analysisSettingsSchema.partial().safeParse(changes);
  if (!checked.success) throw new CoalmineError('BAD_INPUT', z.prettifyError(checked.error));
  db.transaction(() => {
    for (const [key, value] of Object.entries(checked.data)) {
      if (value !== undefined && isAnalysisSettingKey(key))
        putSetting(db, PREFIX + key, analysisSettingsShape[key], value);
    }
  })();
  return readAnalysisSettings(db);
}

/** Removes saved values, so those settings take their defaults again. */
export function resetAnalysisSettings(db: CaseDb, keys: string[]): AnalysisSettings {
  writable(db);
  for (const key of keys) {
    if (!isAnalysisSettingKey(key)) throw new CoalmineError('BAD_INPUT', `no setting "${key}"`);
  }
  db.transaction(() => keys.forEach((key) => deleteSetting(db, PREFIX + key)))();
  return readAnalysisSettings(db);
}
