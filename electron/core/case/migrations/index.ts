// Numbered migrations, applied in order inside one transaction. A shipped migration is
// never edited: change the schema with a new file.
import type { Database } from 'better-sqlite3';
import { CoalmineError } from '../../../../shared/errors.js';
import { migration0001 } from './0001-create-sources-events.js';
import { migration0002 } from './0002-create-message-fts.js';
import { migration0003 } from './0003-add-ingest-provenance-settings.js';
import { migration0004 } from './0004-add-analysis-indexes.js';
import { migration0005 } from './0005-add-metric-tagging-evidence.js';
import { migration0006 } from './0006-add-review-pseudonym-key.js';
import { migration0007 } from './0007-add-document-identity.js';
import { migration0008 } from './0008-add-environment.js';
import type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
];
export const LATEST_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** The case's schema version, once it is known to be one this Coalmine can read. */
export function readableSchemaVersion(db: Database, casePath: string): number {
  const current = schemaVersion(db);
  if (current > LATEST_VERSION) {
    throw new CoalmineError(
      'CASE_TOO_NEW',
      `${casePath} was written by a newer Coalmine (case schema ${current}; this version reads up to ${LATEST_VERSION}). Open it with a newer Coalmine.`,
    );
  }
  return current;
}

/**
 * Makes a read-only connection of an older case read as the latest schema, through the
 * read-only shims of the migrations it lacks. False, with nothing done, when one of them has
 * none (it changes what is stored, so only a write can bring the case up to date).
 */
export function shimReadOnly(db: Database, casePath: string): boolean {
  const current = readableSchemaVersion(db, casePath);
  const pending = MIGRATIONS.filter((m) => m.version > current);
  if (pending.some((m) => m.readOnlyShim === undefined)) return false;
  for (const migration of pending) migration.readOnlyShim?.(db);
  return true;
}

/** Brings the case up to `target` (the latest by default); refuses a case from a newer Coalmine. */
export function migrate(db: Database, casePath: string, target = LATEST_VERSION): void {
  if (MIGRATIONS.every((m) => m.version <= readableSchemaVersion(db, casePath) || m.version > target)) return;
  // IMMEDIATE, and the version read again inside: two processes opening a new or older case at
  // once would otherwise both read the old version and both migrate ("table sources already exists").
  db.transaction(() => {
    const current = readableSchemaVersion(db, casePath);
    const pending = MIGRATIONS.filter((m) => m.version > current && m.version <= target);
    for (const migration of pending) {
      try {
        migration.up(db);
      } catch (error) {
        throw new CoalmineError(
          'WRITE_FAILED',
          `${casePath}: cannot upgrade the case schema from ${current} (migration ${migration.version}, ${migration.name}, failed: ${(error as Error).message}); the case is left as it was`,
          { cause: error },
        );
      }
      db.pragma(`user_version = ${migration.version}`);
    }
  }).immediate();
}
