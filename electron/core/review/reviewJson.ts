// STUB: the Json rendering of the review document, being written.
import type { ReviewDocument } from '../../../shared/review.js';

export function renderJsonReview(doc: ReviewDocument): string {
  void doc;
  throw new Error('renderJsonReview: not built yet');
}
