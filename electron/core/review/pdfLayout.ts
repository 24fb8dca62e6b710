// A small flow layout over pdfkit for the review: blocks of text that are measured before they
// are drawn, so headings stay with what follows them, an entry is not split across pages when
// it fits on one, and a table repeats its header row on every page it runs onto. Every string
// passes through pdfText() on its way to the page: log text cannot break the layout or show
// as garbage.
import { pdfText, type PdfFontRole, type PdfFonts } from './pdfFonts.js';

export interface TextBlock {
  text: string;
  role?: PdfFontRole;
  size?: number;
  color?: string;
  /** Points from the left margin. */
  indent?: number;
  /** Points of space after the block. */
  gapAfter?: number;
  /** Keep the text's own line breaks (SQL); otherwise they become spaces. */
  keepLines?: boolean;
}

export interface TableColumn {
  header: string;
  align?: 'left' | 'right';
}

export interface TableCell {
  text: string;
  role?: PdfFontRole;
  color?: string;
}

const BODY_SIZE = 10;
const LINE_GAP = 1.5;
const TEXT_COLOR = '#1a1a1a';
const RULE_COLOR = '#9a9a9a';
const HEADER_FILL = '#e8e8e8';

export class PdfFlow {
  constructor(
    private readonly doc: PDFKit.PDFDocument,
    private readonly fonts: PdfFonts,
  ) {}

  get left(): number {
    return this.doc.page.margins.left;
  }

  get width(): number {
    return this.doc.page.width - this.doc.page.margins.left - this.doc.page.margins.right;
  }

  private get bottom(): number {
    return this.doc.page.height - this.doc.page.margins.bottom;
  }

  private get pageRoom(): number {
    return this.bottom - this.doc.page.margins.top;
  }

  /** The font and size in use, as a key for the character widths measured in it. */
  private inUse = '';

  private use(role: PdfFontRole, size: number): void {
    this.doc.font(this.fonts[role].name).fontSize(size);
    this.inUse = `${role}|${size}|`;
  }

  private clean(text: string, role: PdfFontRole, keepLines = false): string {
    return pdfText(text, this.fonts[role], { keepLines });
  }

  private readonly charWidths = new Map<string, number>();

  /**
   * Breaks each word wider than `width` (a hash, a raw log line without spaces) into lines that
   * fit, in the font and size in use. pdfkit can chop such a word itself, but its way is
   * quadratic in the word's length (seconds for 16,000 characters): here it is one pass.
   */
  private fit(text: string, width: number): string {
    if (!/\S{12}/.test(text)) return text;
    const key = this.inUse;
    const charWidth = (char: string): number => {
      let w = this.charWidths.get(key + char);
      if (w === undefined) {
        w = this.doc.widthOfString(char);
        this.charWidths.set(key + char, w);
      }
      return w;
    };
    // pdfkit counts the line break that ends each piece as a character of its width, and the
    // sum of single characters does not see kerning: leave room for both.
    const room = width * 0.98 - charWidth('\n');
    return text.replace(/\S{12,}/g, (word) => {
      const pieces: string[] = [];
      let piece = '';
      let pieceWidth = 0;
      for (const char of word) {
        const w = charWidth(char);
        if (piece !== '' && pieceWidth + w > room) {
          pieces.push(piece);
          piece = '';
          pieceWidth = 0;
        }
        piece += char;
        pieceWidth += w;
      }
      pieces.push(piece);
      return pieces.join('\n');
    });
  }

  /** Cleaned for the role's font, long words broken to `width`; sets the font and size. */
  private prepare(text: string, role: PdfFontRole, size: number, width: number, keepLines = false): string {
    this.use(role, size);
    return this.fit(this.clean(text, role, keepLines), width);
  }

  private blockOptions(width: number): PDFKit.Mixins.TextOptions {
    return { width, lineGap: LINE_GAP, align: 'left' };
  }

  measure(block: TextBlock): number {
    const width = this.width - (block.indent ?? 0);
    const text = this.prepare(block.text, block.role ?? 'regular', block.size ?? BODY_SIZE, width, block.keepLines);
    return this.doc.heightOfString(text, this.blockOptions(width)) + (block.gapAfter ?? 0);
  }

  /** Starts a new page unless `height` points fit below the cursor (or could not fit on any page). */
  ensureRoom(height: number): void {
    if (this.doc.y + height > this.bottom && height <= this.pageRoom && this.doc.y > this.doc.page.margins.top) {
      this.doc.addPage();
    }
  }

  draw(block: TextBlock): void {
    const width = this.width - (block.indent ?? 0);
    const text = this.prepare(block.text, block.role ?? 'regular', block.size ?? BODY_SIZE, width, block.keepLines);
    this.doc
      .fillColor(block.color ?? TEXT_COLOR)
      .text(text, this.left + (block.indent ?? 0), this.doc.y, this.blockOptions(width));
    this.doc.y += block.gapAfter ?? 0;
  }

  /** The height of blocks drawn one after the other. */
  measureAll(blocks: TextBlock[]): number {
    return blocks.reduce((sum, block) => sum + this.measure(block), 0);
  }

  /** Draws the blocks on one page when they fit on one. */
  group(blocks: TextBlock[], gapAfter = 0): void {
    this.ensureRoom(this.measureAll(blocks));
    for (const block of blocks) this.draw(block);
    this.space(gapAfter);
  }

  space(points: number): void {
    this.doc.y += points;
  }

  /**
   * A heading kept on the page with `keepWith` points of what follows it (the first entry of
   * its section, which is never split), so no heading is left alone at the foot of a page.
   */
  heading(text: string, level: 1 | 2 | 3 | 4, keepWith = 40): void {
    const size = [18, 14, 11.5, 10.5][level - 1] ?? 10;
    const block: TextBlock = { text, role: 'bold', size, gapAfter: level === 1 ? 8 : level === 4 ? 2 : 4 };
    const before = [0, 12, 6, 4][level - 1] ?? 0;
    if (this.doc.y > this.doc.page.margins.top) this.space(before);
    this.ensureRoom(this.measure(block) + Math.min(keepWith, this.pageRoom / 2));
    this.draw(block);
    if (level === 2) {
      const y = this.doc.y - 2;
      this.doc
        .moveTo(this.left, y)
        .lineTo(this.left + this.width, y)
        .lineWidth(0.5)
        .strokeColor(RULE_COLOR)
        .stroke();
      this.space(2);
    }
  }

  /** Label and value side by side ("Service  checkout"), the value wrapping in its column. */
  fields(rows: { label: string; value: string; role?: PdfFontRole; color?: string }[], labelWidth = 110): void {
    for (const row of rows) {
      const valueRole = row.role ?? 'regular';
      const valueWidth = this.width - labelWidth;
      const label = this.prepare(row.label, 'bold', BODY_SIZE, labelWidth - 6);
      const labelHeight = this.doc.heightOfString(label, { width: labelWidth - 6, lineGap: LINE_GAP });
      const value = this.prepare(row.value, valueRole, valueRole === 'mono' ? 9 : BODY_SIZE, valueWidth);
      const valueHeight = this.doc.heightOfString(value, { width: valueWidth, lineGap: LINE_GAP });
      const height = Math.max(labelHeight, valueHeight) + 2;
      this.ensureRoom(height);
      const page = this.doc.page;
      const y = this.doc.y;
      this.use('bold', BODY_SIZE);
      this.doc.fillColor(TEXT_COLOR).text(label, this.left, y, { width: labelWidth - 6, lineGap: LINE_GAP });
      this.use(valueRole, valueRole === 'mono' ? 9 : BODY_SIZE);
      this.doc
        .fillColor(row.color ?? TEXT_COLOR)
        .text(value, this.left + labelWidth, y, { width: valueWidth, lineGap: LINE_GAP });
      // A value longer than a page has flowed on to the next: go on below where it ended.
      if (this.doc.page === page) this.doc.y = y + height;
    }
  }

  /**
   * A drawn table: column widths from the content (as a browser lays out a table), a header
   * row repeated at the top of every page the table runs onto, and no row split across pages.
   */
  table(columns: TableColumn[], rows: TableCell[][], size = 8.5): void {
    const padding = 4;
    const header: TableCell[] = columns.map((column) => ({ text: column.header, role: 'bold' }));
    const cells = (row: TableCell[]): { text: string; role: PdfFontRole; color: string }[] =>
      columns.map((_, i) => {
        const cell = row[i] ?? { text: '' };
        const role = cell.role ?? 'regular';
        return { text: this.clean(cell.text, role), role, color: cell.color ?? TEXT_COLOR };
      });
    const widths = this.columnWidths([cells(header), ...rows.map(cells)], size, padding);
    const fitted = (row: TableCell[]): ReturnType<typeof cells> =>
      cells(row).map((cell, i) => {
        this.use(cell.role, size);
        return { ...cell, text: this.fit(cell.text, (widths[i] ?? 0) - 2 * padding) };
      });
    const prepared = rows.map(fitted);
    const headerCells = fitted(header);

    const rowHeight = (row: ReturnType<typeof cells>): number =>
      Math.max(
        ...row.map((cell, i) => {
          this.use(cell.role, size);
          return this.doc.heightOfString(cell.text, { width: (widths[i] ?? 0) - 2 * padding, lineGap: 1 });
        }),
      ) +
      2 * padding;

    const headerHeight = rowHeight(headerCells);
    // A row taller than a whole page is cut to the page with an ellipsis: only a pathological
    // log line could make one, and a split row would be worse to read.
    const maxRowHeight = this.pageRoom - headerHeight;
    const drawRow = (row: ReturnType<typeof cells>, height: number, fill: string | null): void => {
      const y = this.doc.y;
      let x = this.left;
      row.forEach((cell, i) => {
        const width = widths[i] ?? 0;
        if (fill) this.doc.rect(x, y, width, height).fill(fill);
        this.doc.rect(x, y, width, height).lineWidth(0.5).strokeColor(RULE_COLOR).stroke();
        this.use(cell.role, size);
        this.doc.fillColor(cell.color).text(cell.text, x + padding, y + padding, {
          width: width - 2 * padding,
          height: height - 2 * padding,
          lineGap: 1,
          ellipsis: true,
          align: columns[i]?.align ?? 'left',
        });
        x += width;
      });
      this.doc.y = y + height;
    };

    const firstHeight = prepared[0] ? Math.min(rowHeight(prepared[0]), maxRowHeight) : 0;
    this.ensureRoom(headerHeight + firstHeight);
    drawRow(headerCells, headerHeight, HEADER_FILL);
    for (const row of prepared) {
      const height = Math.min(rowHeight(row), maxRowHeight);
      if (this.doc.y + height > this.bottom) {
        this.doc.addPage();
        drawRow(headerCells, headerHeight, HEADER_FILL);
      }
      drawRow(row, height, null);
    }
    this.doc.x = this.left;
    this.space(6);
  }

  /**
   * Each column gets its longest line when the table has room for it; otherwise the widest
   * columns are capped at one level (found by bisection) so short columns such as the numbers
   * stay on one line and long text wraps, never below a column's longest word.
   */
  private columnWidths(rows: { text: string; role: PdfFontRole }[][], size: number, padding: number): number[] {
    const count = rows[0]?.length ?? 0;
    const natural = new Array<number>(count).fill(0);
    const minimum = new Array<number>(count).fill(0);
    for (const row of rows) {
      row.forEach((cell, i) => {
        this.use(cell.role, size);
        const whole = this.doc.widthOfString(cell.text) + 2 * padding + 1;
        const longestWord = Math.max(0, ...cell.text.split(/\s+/).map((word) => this.doc.widthOfString(word)));
        natural[i] = Math.max(natural[i] ?? 0, whole);
        minimum[i] = Math.max(minimum[i] ?? 0, Math.min(longestWord + 2 * padding + 1, this.width / count));
      });
    }
    const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);
    const total = this.width;
    if (sum(natural) <= total) {
      const extra = (total - sum(natural)) / count;
      return natural.map((w) => w + extra);
    }
    if (sum(minimum) >= total) return minimum.map((w) => (w / sum(minimum)) * total);
    const capped = (level: number): number[] => natural.map((w, i) => Math.max(minimum[i] ?? 0, Math.min(w, level)));
    let low = 0;
    let high = Math.max(...natural);
    for (let step = 0; step < 40; step++) {
      const mid = (low + high) / 2;
      if (sum(capped(mid)) > total) high = mid;
      else low = mid;
    }
    const widths = capped(low);
    const extra = (total - sum(widths)) / count;
    return widths.map((w) => w + extra);
  }

  /** The text cut short with an ellipsis to fit one line of `width` (never inside a surrogate pair). */
  private oneLine(text: string, width: number): string {
    const chars = Array.from(this.clean(text, 'regular'));
    if (this.doc.widthOfString(chars.join('')) <= width) return chars.join('');
    let keep = chars.length;
    while (keep > 0 && this.doc.widthOfString(`${chars.slice(0, keep).join('')}…`) > width) {
      keep = Math.min(keep - 1, Math.floor(keep * 0.9));
    }
    return `${chars.slice(0, keep).join('')}…`;
  }

  /** "Page n of m" at the foot of every page, written once the page count is known. */
  footers(leftText: string): void {
    const range = this.doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      this.doc.switchToPage(i);
      const { margins } = this.doc.page;
      const bottomMargin = margins.bottom;
      // Text below the bottom margin would make pdfkit start a new page: lift it while writing.
      margins.bottom = 0;
      const y = this.doc.page.height - bottomMargin + 14;
      this.use('regular', 8);
      this.doc.fillColor('#555555').text(this.oneLine(leftText, this.width * 0.75), this.left, y, { lineBreak: false });
      this.doc.text(`Page ${i - range.start + 1} of ${range.count}`, this.left, y, {
        width: this.width,
        align: 'right',
        lineBreak: false,
      });
      margins.bottom = bottomMargin;
    }
  }
}
