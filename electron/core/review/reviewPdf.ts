// STUB: the PDF rendering of the review document, being written.
import type { ReviewDocument } from '../../../shared/review.js';

export function renderPdfReview(doc: ReviewDocument): Promise<Buffer> {
  void doc;
  return Promise.reject(new Error('renderPdfReview: not built yet'));
}
