// The one guard of every write to a case, from the page (service.ts), the CLI (caseAccess.ts)
// and the importers (importFile.ts, elastic/pull.ts): the case is open read-only, or an import
// or a pull is writing to it now, in this process or in another (a `coalmine import` in a
// terminal). An import tags its batches with the rules it read at its start, so rules saved or
// a re-tag under it would leave the case tagged by two sets of rules; and one writer at a time
// keeps what a person sees the result of one action.
//
// Across processes the check only holds if nothing can change between it and the write it
// allows: `guardedWrite` runs both in one BEGIN IMMEDIATE transaction, which takes SQLite's
// write lock before the check reads anything. An importer checks, reads the tagging rules and
// inserts its `importing` source row in one such transaction; from then on every other
// writer's check sees that row, and until then no import can start under a writer that holds
// the lock.
import path from 'node:path';
import { CoalmineError } from '../../shared/errors.js';
import type { CaseDb } from './case/caseStore.js';
import { liveImports, markInterruptedSources } from './case/sources.js';

export interface CaseToWrite {
  path: string;
  db: CaseDb;
  readOnly: boolean;
}

/** The id of a source some process is importing right now, or null. */
export function liveImportSource(db: CaseDb): number | null {
  return liveImports(db)[0]?.id ?? null;
}

/**
 * Throws READ_ONLY or BUSY when `opened` cannot be written now; `busy` says whether a job of
 * this process (an import or a pull of the window) is running. `what` ends the sentence:
 * "checkout.coalmine is open read-only: <what>". Alone, it is an early answer only (before a
 * pull connects, before a file is hashed): the write itself goes through `guardedWrite`.
 */
export function refuseCaseWrite(opened: CaseToWrite, busy: boolean, what: string): void {
  const name = path.basename(opened.path);
  if (opened.readOnly || opened.db.readonly) throw new CoalmineError('READ_ONLY', `${name} is open read-only: ${what}`);
  if (busy) {
    throw new CoalmineError('BUSY', `an import or a pull is writing to ${name}: ${what} until it ends or is cancelled`);
  }
  const live = liveImportSource(opened.db);
  if (live !== null) {
    throw new CoalmineError(
      'BUSY',
      `source #${live} of ${name} is being imported right now: ${what} until that import has finished`,
    );
  }
}

/**
 * Runs `write` after the guard, both in one BEGIN IMMEDIATE transaction (see the top), and
 * returns what it returns; a throw rolls everything back. Imports that ended without saying
 * so are marked incomplete first, as opening the case does. `write` must be synchronous: the
 * write lock is held until it returns, so a long one (a re-tag of millions of events) keeps
 * every other writer out for its whole length, and theirs wait for it or are refused BUSY.
 */
export function guardedWrite<T>(opened: CaseToWrite, busy: boolean, what: string, write: () => T): T {
  // Before the transaction: a read-only connection cannot begin an IMMEDIATE one.
  if (opened.readOnly || opened.db.readonly) refuseCaseWrite(opened, busy, what);
  // Inside another transaction better-sqlite3 would run a SAVEPOINT, which takes no write lock:
  // the check and the write would not be one step.
  if (opened.db.inTransaction) throw new Error('guardedWrite inside another transaction');
  const guarded = opened.db.transaction(() => {
    refuseCaseWrite(opened, busy, what);
    markInterruptedSources(opened.db);
    return write();
  });
  try {
    return guarded.immediate();
  } catch (error) {
    // SQLite waited its busy timeout for another connection's write transaction to end.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) {
      throw new CoalmineError(
        'BUSY',
        `another process is writing to ${path.basename(opened.path)} (an import, a re-tag, saved settings): ${what} until it has finished; try again in a moment`,
        { cause: error },
      );
    }
    throw error;
  }
}
