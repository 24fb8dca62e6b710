// The JSON rendering of the review: the document model as it stands, checked by
// docs/schema/review.schema.json. Keys come out in the model's own order and the model holds
// no clock time, so the same case and notes give the same bytes. Two-space indent and a final
// newline, for diffs and text tools.
import type { ReviewDocument } from '../../../shared/review.js';

export function renderJsonReview(doc: ReviewDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
