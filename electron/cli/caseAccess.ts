// What every `coalmine` command shares: where it writes, and how it opens a case for one piece
// of work and closes it again (the write-ahead log folded back, so the case rests as one file).
import { type CaseDb, closeCase, openCase } from '../core/case/caseStore.js';
import { guardedWrite } from '../core/caseWrites.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Reading commands open the case read-only: looking at evidence never changes it. */
export function withCase<T>(casePath: string, work: (db: CaseDb) => T): T {
  const db = openCase(casePath, { readOnly: true });
  try {
    return work(db);
  } finally {
    closeCase(db);
  }
}

/**
 * Writing commands (settings, definitions, tagging rules, notes) open the case read-write (it
 * must exist) and write through the guard of every write (caseWrites.ts), in one IMMEDIATE
 * transaction with it, so no command can forget it. `what` ends the refusal's sentence:
 * "source #3 of checkout.coalmine is being imported right now: <what> until …".
 */
export function withWritableCase<T>(casePath: string, what: string, work: (db: CaseDb) => T): T {
  const db = openCase(casePath);
  try {
    return guardedWrite({ path: casePath, db, readOnly: false }, false, what, () => work(db));
  } finally {
    closeCase(db);
  }
}
