// What the analyst writes into a rollout's review (shared/review.ts, reviewNotesSchema), kept in
// the case. STUB: being written.
import type { ReviewNotes } from '../../../shared/review.js';
import type { CaseDb } from './caseStore.js';

/** The notes saved for the rollout; `{}` when none are. */
export function readReviewNotes(db: CaseDb, rolloutId: string): ReviewNotes {
  void db;
  void rolloutId;
  throw new Error('readReviewNotes: not built yet');
}

/** Replaces the rollout's notes with `notes` (checked first) and returns what was saved. */
export function saveReviewNotes(db: CaseDb, rolloutId: string, notes: ReviewNotes): ReviewNotes {
  void db;
  void rolloutId;
  void notes;
  throw new Error('saveReviewNotes: not built yet');
}
