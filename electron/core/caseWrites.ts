// Why a write to the open case is refused: the case is open read-only, or an import or a pull
// is writing to it now (its batches are tagged with the rules it read at its start, so rules
// saved or a re-tag under it would leave the case tagged by two sets of rules).
import path from 'node:path';
import { CoalmineError } from '../../shared/errors.js';

/** Throws READ_ONLY or BUSY; `what` ends the sentence: "… open read-only: <what>". */
export function refuseCaseWrite(opened: { path: string; readOnly: boolean }, busy: boolean, what: string): void {
  const name = path.basename(opened.path);
  if (opened.readOnly) throw new CoalmineError('READ_ONLY', `${name} is open read-only: ${what}`);
  if (busy) {
    throw new CoalmineError('BUSY', `an import or a pull is writing to ${name}: ${what} until it ends or is cancelled`);
  }
}
