// STUB: the Html rendering of the review document, being written.
import type { ReviewDocument } from '../../../shared/review.js';

export function renderHtmlReview(doc: ReviewDocument): string {
  void doc;
  throw new Error('renderHtmlReview: not built yet');
}
