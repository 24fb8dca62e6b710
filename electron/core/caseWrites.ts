// The one guard of every write to a case, from the page (service.ts) and from the CLI: the
// case is open read-only, or an import or a pull is writing to it now, in this process or in
// another (a `coalmine import` in a terminal). An import tags its batches with the rules it
// read at its start, so rules saved or a re-tag under it would leave the case tagged by two
// sets of rules; and one writer at a time keeps what a person sees the result of one action.
import path from 'node:path';
import { CoalmineError } from '../../shared/errors.js';
import type { CaseDb } from './case/caseStore.js';
import { importIsLive } from './case/sources.js';

export interface CaseToWrite {
  path: string;
  db: CaseDb;
  readOnly: boolean;
}

/** The id of a source some process is importing right now, or null. */
export function liveImportSource(db: CaseDb): number | null {
  const importing = db
    .prepare(`SELECT id, importer, heartbeat_at FROM sources WHERE state = 'importing' ORDER BY id`)
    .all() as { id: number; importer: string | null; heartbeat_at: number | null }[];
  return importing.find((s) => importIsLive(s.importer, s.heartbeat_at))?.id ?? null;
}

/**
 * Throws READ_ONLY or BUSY when `opened` cannot be written now; `busy` says whether a job of
 * this process (an import or a pull of the window) is running. `what` ends the sentence:
 * "checkout.coalmine is open read-only: <what>".
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
