// A rollout as the page shows it (`rollout.analyse`): the judge's analysis and the review's own
// "Who was affected" section (reviewAffected.ts), built from that same analysis in the same
// read transaction, so the comparison and the list of people come from one snapshot. Names are
// in clear, as the page shows them everywhere else (the review pseudonymises them on export
// unless asked not to).
import type { RolloutAnalysis } from '../../../shared/api.js';
import { analyseRollout } from '../analysis/analyse.js';
import type { CaseDb } from '../case/caseStore.js';
import { CLEAR } from './pseudonymise.js';
import { affectedOf } from './reviewAffected.js';

export function analyseRolloutForPage(db: CaseDb, rolloutId: string | undefined): RolloutAnalysis {
  return db.transaction(() => {
    const analysis = analyseRollout(db, rolloutId);
    return { ...analysis, affected: affectedOf(db, analysis, CLEAR) };
  })();
}
