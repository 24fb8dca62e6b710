// Queries on `settings`: the case's own settings (tagging rules, CSV mappings, thresholds), one
// JSON value per key. Every reader names the schema its value must meet, so a value written
// by hand or by another version is checked where it is used, never trusted.
import type { z } from 'zod';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from './caseStore.js';

/** The value saved under `key`, checked against `schema`; `fallback` when none is saved. */
export function getSetting<S extends z.ZodType>(db: CaseDb, key: string, schema: S, fallback: z.infer<S>): z.infer<S> {
  const row = db.prepare(`SELECT value FROM settings WHERE key = ?`).get(key) as { value: string } | undefined;
  if (row === undefined) return fallback;
  let value: unknown;
  try {
    value = JSON.parse(row.value);
  } catch (error) {
    throw new CoalmineError('BAD_INPUT', `the case's setting "${key}" is not valid JSON (${(error as Error).message})`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CoalmineError(
      'BAD_INPUT',
      `the case's setting "${key}" is not valid${where}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  return parsed.data;
}

/** Saves `value` under `key` (checked against `schema` first), replacing what was there. */
export function putSetting<S extends z.ZodType>(db: CaseDb, key: string, schema: S, value: z.infer<S>): void {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new CoalmineError('BAD_INPUT', `not a valid value for "${key}": ${parsed.error.issues[0]?.message ?? ''}`);
  }
  db.prepare(
    `INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(key, JSON.stringify(parsed.data));
}

/** Removes the setting (its default applies again); true when one was saved. */
export function deleteSetting(db: CaseDb, key: string): boolean {
  return db.prepare(`DELETE FROM settings WHERE key = ?`).run(key).changes > 0;
}

/** The keys saved under `prefix` (e.g. `csv.mapping.`), sorted. */
export function settingKeys(db: CaseDb, prefix: string): string[] {
  // A range on the primary key, not LIKE: `_` and `%` in a prefix are text, not patterns.
  return db
    .prepare(`SELECT key FROM settings WHERE key >= ? AND key < ? ORDER BY key`)
    .pluck()
    .all(prefix, prefix + '\u{10FFFF}') as string[];
}
