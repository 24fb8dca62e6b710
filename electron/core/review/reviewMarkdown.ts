// STUB: the Markdown rendering of the review document, being written.
import type { ReviewDocument } from '../../../shared/review.js';

export function renderMarkdownReview(doc: ReviewDocument): string {
  void doc;
  throw new Error('renderMarkdownReview: not built yet');
}
