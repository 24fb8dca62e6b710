// "Who was affected" for the page: the review's own section (reviewAffected.ts), built from the
// same analysis in the same read transaction, with names in clear as the page shows them
// everywhere else (the review pseudonymises them on export unless asked not to).
import type { ReviewAffected } from '../../../shared/review.js';
import { analyseRollout } from '../analysis/analyse.js';
import type { CaseDb } from '../case/caseStore.js';
import { CLEAR } from './pseudonymise.js';
import { affectedOf } from './reviewAffected.js';

export function affectedInClear(db: CaseDb, rolloutId: string): ReviewAffected {
  return db.transaction(() => affectedOf(db, analyseRollout(db, rolloutId), CLEAR))();
}
