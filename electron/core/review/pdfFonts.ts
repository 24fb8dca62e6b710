// The fonts of the PDF review, and what they can show. PDF's standard fonts (Helvetica,
// Courier) only cover WinAnsi, and log text is any Unicode: the review embeds DejaVu Sans and
// DejaVu Sans Mono (Bitstream Vera licence: free to bundle and redistribute), which pdfkit
// subsets. A character neither font has (CJK, emoji) is written as a visible `[U+XXXX]`, never
// as an empty box or silent garbage, and control characters never reach the page.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as fontkit from 'fontkit';

export type PdfFontRole = 'regular' | 'bold' | 'mono';

export interface PdfFont {
  /** The name the PDF document registers the font under. */
  name: string;
  bytes: Buffer;
  hasGlyph(codePoint: number): boolean;
}

export type PdfFonts = Record<PdfFontRole, PdfFont>;

const FONT_FILES: Record<PdfFontRole, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
  mono: 'DejaVuSansMono.ttf',
};

/**
 * The fonts ship in the `dejavu-fonts-ttf` package, resolved through Node's module lookup so
 * the same code finds them under vitest (sources), the built CLI (out/node) and the app's
 * main bundle (out/main, where dependencies stay external in node_modules, inside the asar).
 */
function fontFolder(): string {
  const packageJson = createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json');
  return path.join(path.dirname(packageJson), 'ttf');
}

function loadFont(role: PdfFontRole, folder: string): PdfFont {
  const file = path.join(folder, FONT_FILES[role]);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new Error(`PDF review: cannot read the font ${file} (is the dejavu-fonts-ttf package installed?)`, {
      cause: error,
    });
  }
  const font = fontkit.create(bytes);
  if (!('hasGlyphForCodePoint' in font)) throw new Error(`PDF review: ${file} is a font collection, not one font`);
  // The cmap lookup is cheap but runs for every character of the review: remember the answers.
  const known = new Map<number, boolean>();
  return {
    name: `Coalmine-${role}`,
    bytes,
    hasGlyph(codePoint) {
      let has = known.get(codePoint);
      if (has === undefined) {
        has = font.hasGlyphForCodePoint(codePoint);
        known.set(codePoint, has);
      }
      return has;
    },
  };
}

let cached: PdfFonts | null = null;

/** The three fonts, read from disk once per process. */
export function pdfFonts(): PdfFonts {
  cached ??= (() => {
    const folder = fontFolder();
    return { regular: loadFont('regular', folder), bold: loadFont('bold', folder), mono: loadFont('mono', folder) };
  })();
  return cached;
}

/** Characters that would move text around or hide it: bidi marks, overrides and isolates. */
function isBidiControl(cp: number): boolean {
  return (
    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp === 0x200e || cp === 0x200f || cp === 0x061c
  );
}

/** Zero-width spaces, joiners and variation selectors only shape what is around them: drop them. */
function isShapingOnly(cp: number): boolean {
  return (cp >= 0x200b && cp <= 0x200d) || cp === 0x2060 || (cp >= 0xfe00 && cp <= 0xfe0f) || cp === 0xfeff;
}

/**
 * Text as the page may show it: line breaks and tabs become spaces unless `keepLines`, other
 * control characters and bidi controls become a visible `[U+XXXX]` (so a reader sees they were
 * there), as does any character the font has no glyph for.
 */
export function pdfText(text: string, font: PdfFont, options: { keepLines?: boolean } = {}): string {
  let out = '';
  // CR LF, a lone CR and the Unicode line and paragraph separators all end a line.
  for (const char of text.replace(/\r\n?|\u2028|\u2029/g, '\n')) {
    const cp = char.codePointAt(0) ?? 0;
    if (char === '\n' || char === '\t') {
      out += options.keepLines && char === '\n' ? '\n' : ' ';
    } else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || isBidiControl(cp)) {
      out += codePointLabel(cp);
    } else if (isShapingOnly(cp)) {
      continue;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate is not a character at all.
      out += codePointLabel(cp);
    } else {
      out += font.hasGlyph(cp) ? char : codePointLabel(cp);
    }
  }
  return out;
}

function codePointLabel(cp: number): string {
  return `[U+${cp.toString(16).toUpperCase().padStart(4, '0')}]`;
}
