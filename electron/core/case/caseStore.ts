// Opening a case file: one SQLite database per case (`*.coalmine`).
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { CoalmineError } from '../../../shared/errors.js';
import { REVIEW_PSEUDONYM_KEY_SETTING } from './migrations/0006-add-review-pseudonym-key.js';
import { LATEST_VERSION, migrate, readableSchemaVersion, schemaVersion, shimReadOnly } from './migrations/index.js';
import { markInterruptedSources } from './sources.js';

export type CaseDb = Database.Database;

/** `PRAGMA application_id` of every case: "Coal" in ASCII, so a stray SQLite file is told apart. */
export const CASE_APPLICATION_ID = 0x436f616c;

export interface OpenCaseOptions {
  /** Create the file when it does not exist (an import does; opening to read does not). */
  create?: boolean;
  /** Auditors' mode: nothing is written, not even a migration. */
  readOnly?: boolean;
}

// Under Electron the addon must be built for Electron's ABI; main points us at it.
// Under Node (CLI, tests) better-sqlite3 finds its own build.
let nativeBinding: string | undefined;

export function useSqliteNativeBinding(bindingPath: string): void {
  nativeBinding = bindingPath;
}

/** The addon `useSqliteNativeBinding` named, for a worker thread that opens the case too. */
export function sqliteNativeBinding(): string | undefined {
  return nativeBinding;
}

export function openCase(casePath: string, options: OpenCaseOptions = {}): CaseDb {
  const absolute = path.resolve(casePath);
  const exists = fs.existsSync(absolute);
  if (!exists && (!options.create || options.readOnly)) {
    throw new CoalmineError('NOT_FOUND', `${casePath}: no such case file`);
  }
  if (exists && fs.statSync(absolute).isDirectory()) {
    throw new CoalmineError('NOT_A_CASE', `${casePath} is a folder, not a case file`);
  }

  let db: CaseDb;
  try {
    db = new Database(absolute, {
      readonly: options.readOnly === true,
      fileMustExist: !options.create,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (error) {
    throw new CoalmineError('UNREADABLE', `${casePath}: cannot open (${(error as Error).message})`, {
      cause: error,
    });
  }

  try {
    checkIsCase(db, casePath);
    if (options.readOnly) {
      const version = readableSchemaVersion(db, casePath);
      // An older case is read as it is where every migration since is additive (its shim
      // shows the new columns empty, as the upgrade would); otherwise only a write upgrades it.
      if (version < LATEST_VERSION && !shimReadOnly(db, casePath)) {
        throw new CoalmineError(
          'READ_ONLY',
          `${casePath} uses an older case schema (${version}); a read-only open cannot upgrade it. Open a copy read-write once.`,
        );
      }
      db.pragma('foreign_keys = ON');
      return db;
    }
    try {
      // WAL: readers (the UI, an auditor) never wait for the importer.
      db.pragma('journal_mode = WAL');
    } catch (error) {
      throw new CoalmineError(
        'READ_ONLY',
        `${casePath} cannot be written (${(error as Error).message}); open it read-only`,
        { cause: error },
      );
    }
    // NORMAL under WAL is safe against a crash of the app; a power cut can lose the last
    // batches, which the import marks as incomplete and can redo. FULL would halve ingest speed.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    if (schemaVersion(db) === 0) db.pragma(`application_id = ${CASE_APPLICATION_ID}`);
    migrate(db, casePath);
    ensureReviewPseudonymKey(db);
    markInterruptedSources(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Makes the case's review pseudonym key when it has none: migration 0006 made it, but a key
 * removed by hand would otherwise leave the case unable to pseudonymise for good. A new key
 * gives new pseudonyms (earlier reviews' do not match them), which is better than none. Read
 * first, so a case that has its key (every case, nearly) takes no write lock for it.
 */
export function ensureReviewPseudonymKey(db: CaseDb): void {
  const has = db.prepare(`SELECT 1 FROM settings WHERE key = ?`).pluck().get(REVIEW_PSEUDONYM_KEY_SETTING);
  if (has !== undefined) return;
  db.prepare(`INSERT OR IGNORE INTO settings (key, value) VALUES (?, json_quote(lower(hex(randomblob(32)))))`).run(
    REVIEW_PSEUDONYM_KEY_SETTING,
  );
}

function checkIsCase(db: CaseDb, casePath: string): void {
  let applicationId: number;
  let tables: number;
  try {
    applicationId = db.pragma('application_id', { simple: true }) as number;
    tables = (db.prepare(`SELECT count(*) AS n FROM sqlite_schema`).get() as { n: number }).n;
  } catch (error) {
    throw new CoalmineError('NOT_A_CASE', `${casePath} is not a Coalmine case (${(error as Error).message})`, {
      cause: error,
    });
  }
  const empty = tables === 0 && applicationId === 0;
  if (!empty && applicationId !== CASE_APPLICATION_ID) {
    throw new CoalmineError('NOT_A_CASE', `${casePath} is an SQLite database but not a Coalmine case`);
  }
}

/**
 * Closes a case so that it rests as one self-contained file: the WAL is checkpointed and the
 * journal switched back to DELETE, so a copy, an archive or a read-only open (which then
 * writes no -wal or -shm beside it) sees every byte. Another open connection keeps WAL on;
 * the next writer turns it on again anyway.
 */
export function closeCase(db: CaseDb): void {
  if (!db.readonly && db.open) {
    try {
      db.pragma('journal_mode = DELETE');
    } catch {
      // another connection still uses the case: it stays in WAL until the last one closes
    }
  }
  db.close();
}
