// The review document of one rollout, built from the case (shared/review.ts). STUB: being
// written; the contract below is what the renderers and surfaces call.
import type { ReviewDocument } from '../../../shared/review.js';
import type { CaseDb } from '../case/caseStore.js';

export interface ReviewOptions {
  /** The rollout to review; the only one when left out. */
  rolloutId?: string;
  /** Pseudonymise client IPs, e-mail addresses and user names (the default). */
  pseudonymise: boolean;
}

export function buildReviewDocument(db: CaseDb, options: ReviewOptions): ReviewDocument {
  void db;
  void options;
  throw new Error('buildReviewDocument: not built yet');
}
