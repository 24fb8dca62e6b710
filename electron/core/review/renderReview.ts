// One review document, in the format asked for: what the CLI writes and the API returns.
import type { ReviewDocument, ReviewFormat } from '../../../shared/review.js';
import { renderHtmlReview } from './reviewHtml.js';
import { renderJsonReview } from './reviewJson.js';
import { renderMarkdownReview } from './reviewMarkdown.js';
import { renderPdfReview } from './reviewPdf.js';

export interface RenderedReview {
  format: ReviewFormat;
  mediaType: string;
  extension: string;
  bytes: Buffer;
}

const MEDIA_TYPES: Record<ReviewFormat, string> = {
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
  json: 'application/json; charset=utf-8',
};

export async function renderReview(doc: ReviewDocument, format: ReviewFormat): Promise<RenderedReview> {
  const bytes =
    format === 'pdf'
      ? await renderPdfReview(doc)
      : Buffer.from(
          format === 'md'
            ? renderMarkdownReview(doc)
            : format === 'html'
              ? renderHtmlReview(doc)
              : renderJsonReview(doc),
          'utf8',
        );
  return { format, mediaType: MEDIA_TYPES[format], extension: format, bytes };
}

/** `review-<rollout>.<ext>`, safe as a file name on every system. */
export function reviewFileName(rolloutId: string, format: ReviewFormat): string {
  return `review-${rolloutId.replace(/[^\w.-]/g, '_')}.${format}`;
}
