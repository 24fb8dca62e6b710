// The desktop app's printed PDF is dated by the review, not by the moment it was printed: the
// dates are rewritten in place, the same length, and nothing else in the file moves.
import { describe, expect, it } from 'vitest';
import { pinPdfDates } from '../../electron/core/review/pdfDates.js';
import { renderPdfReview } from '../../electron/core/review/reviewPdf.js';
import { sampleReviewDocument } from '../helpers/reviewFixture.js';

const AS_OF = Date.UTC(2026, 2, 2, 10, 30, 5);

describe('pinPdfDates', () => {
  it('sets Chromium-style and pdfkit-style dates to the review’s, keeping every other byte', () => {
    const binary = Buffer.from([0x00, 0xff, 0x80, 0x9b, 0x0a]);
    const pdf = Buffer.concat([
      Buffer.from("%PDF-1.4\n<< /CreationDate (D:20261126171800+01'00') /ModDate(D:20261126171801Z) >>\n", 'latin1'),
      binary,
      Buffer.from("\n/ModDate (D:20261126171802-05'00)\n%%EOF", 'latin1'),
    ]);
    const pinned = pinPdfDates(pdf, AS_OF);
    expect(pinned.length).toBe(pdf.length);
    const text = pinned.toString('latin1');
    expect(text).toContain("/CreationDate (D:20260302103005+00'00')");
    expect(text).toContain('/ModDate(D:20260302103005Z)');
    expect(text).toContain("/ModDate (D:20260302103005+00'00)");
    expect(text).not.toContain('2026112617');
    expect(pinned.subarray(pdf.indexOf(binary), pdf.indexOf(binary) + binary.length).equals(binary)).toBe(true);
  });

  it('makes two printings at different moments the same bytes', async () => {
    const printedAt = (epochMs: number) => renderPdfReview(sampleReviewDocument({ asOf: { epochMs, uk: 'unused' } }));
    const first = pinPdfDates(await printedAt(Date.UTC(2026, 10, 26, 17, 0, 0)), AS_OF);
    const second = pinPdfDates(await printedAt(Date.UTC(2026, 10, 27, 9, 15, 0)), AS_OF);
    // pdfkit derives the file /ID from the info dictionary too; only the dates are pinned here.
    const withoutId = (b: Buffer) => b.toString('latin1').replace(/\/ID \[[^\]]*\]/, '');
    expect(withoutId(first)).toBe(withoutId(second));
  });
});
