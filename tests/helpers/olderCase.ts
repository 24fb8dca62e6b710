// A case as an older Coalmine wrote it, for the tests of reading and upgrading one.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { CASE_APPLICATION_ID } from '../../electron/core/case/caseStore.js';
import { migrate, schemaVersion } from '../../electron/core/case/migrations/index.js';
import { tempDir } from './tempCase.js';

/**
 * A case of schema 7 holding what `current` holds: a fresh file migrated to 7, each of its
 * tables filled from the case's rows (the columns schema 7 has), the full-text index rebuilt
 * (every source here is complete, so it indexes exactly what the import indexed).
 */
export function schema7CopyOf(currentPath: string): string {
  const oldPath = path.join(tempDir(), 'archived.coalmine');
  const db = new Database(oldPath);
  db.pragma(`application_id = ${CASE_APPLICATION_ID}`);
  migrate(db, oldPath, 7);
  db.prepare(`ATTACH DATABASE ? AS src`).run(currentPath);
  const tables = db
    .prepare(
      `SELECT name FROM main.sqlite_schema
       WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'events_fts%'`,
    )
    .pluck()
    .all() as string[];
  db.transaction(() => {
    db.prepare(`DELETE FROM main.settings`).run(); // 0006's own key: the case's key is copied
    for (const table of tables) {
      const columns = (db.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).pluck().all(table) as string[])
        .map((c) => `"${c}"`)
        .join(', ');
      db.exec(`INSERT INTO main."${table}" (${columns}) SELECT ${columns} FROM src."${table}"`);
    }
    db.exec(`INSERT INTO events_fts (events_fts) VALUES ('rebuild')`);
  })();
  db.exec('DETACH DATABASE src');
  expect(schemaVersion(db)).toBe(7);
  db.close();
  return oldPath;
}
