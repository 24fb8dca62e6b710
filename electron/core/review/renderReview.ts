// One review document, in the format asked for: what the CLI writes and the API returns.
import type { ReviewDocument, ReviewFormat } from '../../../shared/review.js';
import { pinPdfDates } from './pdfDates.js';
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

/** Prints a self-contained HTML page to PDF bytes (the desktop app: Chromium's printing). */
export type PdfPrinter = (html: string) => Promise<Buffer>;

/**
 * A PDF is drawn by the PDF renderer, or, where the host can print (the desktop app), is the
 * HTML review printed, so it looks like the HTML; printed at some moment, it is dated by the
 * review, so the same case gives the same dates.
 */
async function pdfOf(doc: ReviewDocument, printPdf: PdfPrinter | undefined): Promise<Buffer> {
  if (printPdf === undefined) return renderPdfReview(doc);
  return pinPdfDates(await printPdf(renderHtmlReview(doc)), doc.asOf.epochMs);
}

export async function renderReview(
  doc: ReviewDocument,
  format: ReviewFormat,
  printPdf?: PdfPrinter,
): Promise<RenderedReview> {
  const bytes =
    format === 'pdf'
      ? await pdfOf(doc, printPdf)
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
