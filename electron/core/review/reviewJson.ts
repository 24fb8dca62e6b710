// The JSON rendering of the review: the document model as it stands, checked by
// docs/schema/review.schema.json. Keys come out in the model's own order and the model holds
// no clock time, so the same case and notes give the same bytes. Two-space indent and a final
// newline, for diffs and text tools.
import type { ReviewDocument } from '../../../shared/review.js';

// JSON.stringify escapes C0 controls but leaves C1 controls (a terminal reads U+009B as CSI),
// bidi overrides and line separators as they are: written as \uXXXX, they keep their value
// for a JSON reader and cannot act on a terminal or reorder what a person sees.
const INVISIBLE_ACTORS = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

export function renderJsonReview(doc: ReviewDocument): string {
  const json = JSON.stringify(doc, null, 2).replace(
    INVISIBLE_ACTORS,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${json}\n`;
}
