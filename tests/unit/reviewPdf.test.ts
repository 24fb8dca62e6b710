// The PDF review read as a person reads it: poppler's pdftotext for the words in their places,
// pdftoppm for the pages as pictures. CI installs poppler-utils (.ci/run); elsewhere the tests
// that need it skip with a message saying so.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewComparisonRow, ReviewDocument, TimelineEntry } from '../../shared/review.js';
import { pdfFonts, pdfText } from '../../electron/core/review/pdfFonts.js';
import { renderPdfReview } from '../../electron/core/review/reviewPdf.js';
import { HOSTILE, emptyAffected, reviewTime, sampleReviewDocument } from '../helpers/reviewFixture.js';

const POPPLER_TOOLS = ['pdftotext', 'pdftoppm', 'pdfinfo'];
const missingTools = POPPLER_TOOLS.filter((tool) => spawnSync(tool, ['-v']).error !== undefined);
const skipPoppler = missingTools.length > 0;
if (skipPoppler && !process.env.CI) {
  console.warn(
    `reviewPdf.test.ts: skipping the tests that read the PDF: ${missingTools.join(', ')} not found (apt-get install poppler-utils)`,
  );
}

// In CI the PDF must be read: a missing poppler fails here instead of skipping unseen.
it.runIf(process.env.CI)('has poppler-utils to read the PDF with (CI installs it in .ci/run)', () => {
  expect(missingTools, 'poppler tools not found').toEqual([]);
});

let workDir = '';
beforeAll(() => {
  workDir = mkdtempSync(path.join(tmpdir(), 'coalmine-pdf-'));
});
afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

function run(tool: string, args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error) throw new Error(`${tool} could not run: ${result.error.message} (apt-get install poppler-utils)`);
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

let fileCount = 0;
async function renderToFile(doc: ReviewDocument): Promise<string> {
  const file = path.join(workDir, `review-${++fileCount}.pdf`);
  writeFileSync(file, await renderPdfReview(doc));
  return file;
}

function pageCount(file: string): number {
  const match = /^Pages:\s+(\d+)$/m.exec(run('pdfinfo', [file]));
  if (!match?.[1]) throw new Error(`pdfinfo gave no page count for ${file}`);
  return Number(match[1]);
}

/** The text of each page, laid out as on the page. */
function pagesText(file: string): string[] {
  // pdftotext ends every page with a form feed.
  return run('pdftotext', ['-layout', file, '-']).split('\f').slice(0, pageCount(file));
}

const squash = (text: string): string => text.replace(/\s+/g, '');

/** Decodes an 8-bit RGB or RGBA PNG (what pdftoppm writes) into rows of pixels. */
function readPng(file: string): { width: number; height: number; channels: number; rows: Buffer[] } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]))).toBe(true);
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8], 'bit depth').toBe(8);
      channels = data[9] === 2 ? 3 : data[9] === 6 ? 4 : data[9] === 0 ? 1 : 0;
      expect(channels, `colour type ${data[9]}`).toBeGreaterThan(0);
    } else if (type === 'IDAT') {
      idat.push(data);
    }
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const rows: Buffer[] = [];
  let previous = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const start = y * (stride + 1);
    const filter = raw[start];
    const row = Buffer.from(raw.subarray(start + 1, start + 1 + stride));
    for (let x = 0; x < stride; x++) {
      const left = x >= channels ? (row[x - channels] ?? 0) : 0;
      const up = previous[x] ?? 0;
      const upLeft = x >= channels ? (previous[x - channels] ?? 0) : 0;
      let add = 0;
      if (filter === 1) add = left;
      else if (filter === 2) add = up;
      else if (filter === 3) add = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        add = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      row[x] = ((row[x] ?? 0) + add) & 0xff;
    }
    rows.push(row);
    previous = row;
  }
  return { width, height, channels, rows };
}

function isInk(row: Buffer, x: number, channels: number): boolean {
  for (let c = 0; c < Math.min(channels, 3); c++) if ((row[x * channels + c] ?? 255) < 235) return true;
  return false;
}

/** How many pixels are not white, and how many pixel rows are mostly ink (drawn rules). */
function inkOf(png: ReturnType<typeof readPng>): { inkPixels: number; ruleRows: number } {
  let inkPixels = 0;
  let ruleRows = 0;
  for (const row of png.rows) {
    let rowInk = 0;
    for (let x = 0; x < png.width; x++) if (isInk(row, x, png.channels)) rowInk++;
    inkPixels += rowInk;
    // The page's text column is about 83 % of its width; a table rule spans all of it.
    if (rowInk > png.width * 0.7) ruleRows++;
  }
  return { inkPixels, ruleRows };
}

function renderPngs(file: string, name: string): string[] {
  const prefix = path.join(workDir, name);
  run('pdftoppm', ['-png', '-r', '50', file, prefix]);
  return readdirSync(workDir)
    .filter((entry) => entry.startsWith(`${name}-`) && entry.endsWith('.png'))
    .sort()
    .map((entry) => path.join(workDir, entry));
}

function comparisonRow(i: number): ReviewComparisonRow {
  return {
    metric: `business:m${i}`,
    label: `Measure ${String(i).padStart(2, '0')}`,
    stable: `${i}.0 % (${i} of 500)`,
    canary: `${i + 1}.5 % (${i + 2} of 120)`,
    variance: `+${i}.1 %`,
    pValue: '0.04',
    action: i % 2 === 0 ? 'hold' : 'none',
    actionRequired: i % 2 === 0 ? 'Hold' : 'None',
  };
}

function timelineEntry(i: number): TimelineEntry {
  const at = reviewTime(Date.UTC(2026, 2, 2, 9, 30, 0) + i * 30_000);
  return {
    at,
    until: null,
    kind: 'threshold',
    title: `Finding number ${String(i).padStart(2, '0')}`,
    detail: `The error rate crossed its threshold for the ${i}th time. ${i % 10 === 0 ? HOSTILE : ''}`,
    evidence: {
      counts: `${i} events`,
      sample: { text: `line ${i} ${'x'.repeat(i * 3)}`, at, sourceId: 1, sourceName: 'app.log', line: i * 10 },
    },
  };
}

describe('pdfText', () => {
  const { regular, mono } = pdfFonts();

  it('keeps what the fonts can show, the fixture’s arrows, minus signs and apostrophes included', () => {
    const text = 'checkout 2.4.0 → 2.5.0, −81.9 %, stable’s, Ωμέγα, Привет, “quoted”, é, ß';
    expect(pdfText(text, regular)).toBe(text);
    expect(pdfText('→ − ’', mono)).toBe('→ − ’');
  });

  it('shows what no font has, control and bidi characters as visible code points', () => {
    expect(pdfText('日本 🦀 ok', regular)).toBe('[U+65E5][U+672C] [U+1F980] ok');
    expect(pdfText('a\u0007b\u001b[31mc\u0085d', regular)).toBe('a[U+0007]b[U+001B][31mc[U+0085]d');
    expect(pdfText('user \u202Egnp.exe', regular)).toBe('user [U+202E]gnp.exe');
    expect(pdfText('lone \uD800 half', regular)).toBe('lone [U+D800] half');
  });

  it('turns line breaks and tabs into spaces unless the lines are kept', () => {
    expect(pdfText('a\r\nb\tc\rd\u2028e', regular)).toBe('a b c d e');
    expect(pdfText('SELECT 1\r\nFROM t', mono, { keepLines: true })).toBe('SELECT 1\nFROM t');
  });
});

describe('renderPdfReview bytes', () => {
  it('gives the same bytes for the same document, and its dates come from the document', async () => {
    const doc = sampleReviewDocument();
    const first = await renderPdfReview(doc);
    const second = await renderPdfReview(sampleReviewDocument());
    expect(first.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(first.equals(second)).toBe(true);
    // 02/03/2026 10:30:00 GMT, the fixture's asOf, in the info dictionary (not compressed).
    expect(first.toString('latin1')).toMatch(/^\d+ 0 obj\n\(D:20260302103000Z\)$/m);
    const later = await renderPdfReview({ ...doc, asOf: reviewTime(doc.asOf.epochMs + 1000) });
    expect(later.equals(first)).toBe(false);
  });

  it('refuses a document whose date is not a time', async () => {
    await expect(renderPdfReview({ ...sampleReviewDocument(), asOf: { epochMs: Number.NaN, uk: '' } })).rejects.toThrow(
      /asOf/,
    );
  });
});

describe.skipIf(skipPoppler)('the PDF review as a reader sees it', () => {
  it('has the title in its metadata, A4 pages and Page n of m footers', async () => {
    const file = await renderToFile(sampleReviewDocument());
    const info = run('pdfinfo', [file]);
    expect(info).toMatch(/^Title:\s+Post-deployment review: checkout 2\.4\.0 → 2\.5\.0$/m);
    expect(info).toMatch(/^Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)$/m);
    expect(info).toMatch(/^CreationDate:\s+Mon Mar {2}2 10:30:00 2026 UTC$/m);
    const pages = pagesText(file);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    pages.forEach((page, i) => expect(page).toMatch(new RegExp(`Page ${i + 1} of ${pages.length}\\s*$`)));
  });

  it('writes the sections in order, with the table’s numbers in their rows and UK times', async () => {
    const sha = createHash('sha256').update('canary log').digest('hex');
    const fixture = sampleReviewDocument();
    const [first, second] = fixture.evidence.sources;
    if (!first || !second) throw new Error('the fixture has two sources');
    const doc = sampleReviewDocument({
      evidence: { ...fixture.evidence, sources: [{ ...first, sha256: sha }, second] },
    });
    const file = await renderToFile(doc);
    const text = pagesText(file).join('\n');
    const lines = text.split('\n').map((line) => line.trim());

    expect(lines[0]).toBe('Post-deployment review: checkout 2.4.0 → 2.5.0');
    const headings = [
      'Verdict',
      'Author and sign-off',
      'Summary',
      'Canary vs stable',
      'What occurred',
      'Who was affected',
      'Failed only on the canary',
      'Behind the 401 and 403 surges',
      'Actions taken',
      'Root cause (draft)',
      'What occurred',
      'Why it occurred',
      'How to prevent it',
      'Recommendations',
      'Evidence appendix',
      'Sources',
      'Elasticsearch pulls',
      'Sources left out',
      'Reproducing the figures',
      'Thresholds',
    ];
    let at = 0;
    for (const heading of headings) {
      const found = lines.indexOf(heading, at);
      expect(found, `heading "${heading}" after line ${at}`).toBeGreaterThan(at - 1);
      at = found + 1;
    }

    const header = lines.find((line) => line.startsWith('Metric'));
    expect(header).toMatch(/^Metric\s+Stable\s+Canary\s+Variance\s+p-value\s+Action required$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^401 rate\s+0\.5 % \(3 of 653\)\s+19\.5 % \(23 of 118\)\s+\+4,143\.2 %\s+< 0\.0001\s+Roll back$/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^Requests\s+653\s+118\s+−81\.9 %\s+—\s+None$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^p95 latency\s+178\.2 ms\s+239\.4 ms\s+\+34\.3 %\s+< 0\.0001\s+Hold$/),
    );

    expect(text).toContain('02/03/2026 09:52:00 GMT until 02/03/2026 10:04:00 GMT');
    expect(text).toContain('Sample event: source canary-<i>1</i>.ndjson, line 412, logged at 02/03/2026 09:53:00 GMT');
    expect(text).toMatch(/Window\s+02\/03\/2026 09:30:00 GMT to 02\/03\/2026 10:30:00 GMT \(1 h 00 min\)/);
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/);
    expect(text).toMatch(/Signed off by\s+_{10,}/);
    expect(text).toContain('stable’s 3 of 653');

    const flat = squash(text);
    expect(flat).toContain(sha);
    expect(flat).toContain('b'.repeat(64));
    expect(flat).toContain(squash(`GET /api/pay 401 user=user-7f3a2c91 ${HOSTILE}`));
    // A table cell wraps over several lines beside its neighbours: read it in drawing order.
    expect(squash(run('pdftotext', ['-raw', file, '-']))).toContain(squash(`Checkouts ${HOSTILE}`));
    expect(flat).toContain(squash(`Add a JWKS canary check ${HOSTILE}`));
    expect(text).toContain("SELECT count(status), sum(status = 401) FROM events WHERE service = 'checkout'");
  });

  it('shows characters the fonts lack as visible code points and keeps long unbroken text on the page', async () => {
    const fixture = sampleReviewDocument();
    const longToken = 'Z'.repeat(400);
    const doc = sampleReviewDocument({
      summary: ['Ωμέγα Привет 日本 🦀 \u0007bell \u202Eevil.'],
      comparison: {
        rows: [...fixture.comparison.rows, { ...fixture.comparison.rows[0]!, label: `L${'M'.repeat(300)}` }],
        notes: [],
      },
      timeline: [
        ...fixture.timeline,
        {
          ...fixture.timeline[0]!,
          title: 'A log line with no spaces',
          evidence: { counts: '1 event', sample: { ...fixture.timeline[0]!.evidence.sample!, text: longToken } },
        },
      ],
    });
    const file = await renderToFile(doc);
    const text = pagesText(file).join('\n');
    expect(text).toContain('Ωμέγα Привет [U+65E5][U+672C] [U+1F980] [U+0007]bell [U+202E]evil.');
    expect(squash(text)).toContain(longToken);
    // Wrapped to the text column: no line of the page runs past it.
    const tokenLines = text.split('\n').filter((line) => /^\s*Z+\s*$/.test(line));
    expect(tokenLines.length).toBeGreaterThan(3);
    for (const line of tokenLines) expect(line.trim().length).toBeLessThanOrEqual(102);
    // The long word wraps inside its table cell, line after line with no gap between them.
    const lines = text.split('\n');
    const first = lines.findIndex((line) => /^LM+\s/.test(line));
    expect(first).toBeGreaterThanOrEqual(0);
    const cellLines = [lines[first]!.trim().split(/\s/)[0]!];
    for (let i = first + 1; /^M+$/.test(lines[i]?.trim() ?? ''); i++) cellLines.push(lines[i]!.trim());
    expect(cellLines.length).toBeGreaterThan(2);
    expect(cellLines.join('')).toBe(`L${'M'.repeat(300)}`);
  });

  it('says so when a section is empty', async () => {
    const fixture = sampleReviewDocument();
    const doc = sampleReviewDocument({
      summary: [],
      verdict: { ...fixture.verdict, reasons: [] },
      comparison: { rows: [], notes: [] },
      timeline: [],
      affected: emptyAffected(),
      actions: [],
      rootCause: { whatOccurred: '', why: '', prevention: '', draft: false },
      recommendations: [],
      evidence: { sources: [], excludedSources: [], queries: [], thresholds: [] },
    });
    const text = pagesText(await renderToFile(doc)).join('\n');
    for (const sentence of [
      'No rule gave a reason for the verdict.',
      'No summary was written.',
      'No figures to compare in the window.',
      'No findings in the window.',
      'No principal or client IP failed authentication on the canary in the window, so nobody failed only on the canary.',
      'Nobody failed authentication only on the canary.',
      'No 401 or 403 surge on the canary.',
      'No actions were recorded by the analyst or found in the logs.',
      'Not written yet.',
      'No recommendations: no rule applies to the findings and the analyst added none.',
      'No source in the case.',
      'No source came from an Elasticsearch pull.',
      'No source was left out: every import finished.',
      'No reproduction queries.',
      'No thresholds were recorded.',
    ]) {
      expect(squash(text), sentence).toContain(squash(sentence));
    }
    expect(text).not.toContain('(draft)');
  });

  it('renders every page to a picture, the table’s page with its drawn rules', async () => {
    const file = await renderToFile(sampleReviewDocument());
    const pages = pagesText(file);
    const pngs = renderPngs(file, 'fixture');
    expect(pngs).toHaveLength(pages.length);
    const inks = pngs.map((png) => inkOf(readPng(png)));
    for (const ink of inks) expect(ink.inkPixels).toBeGreaterThan(2000);
    const tablePage = pages.findIndex((page) => /^\s*401 rate\s/m.test(page));
    expect(tablePage).toBeGreaterThanOrEqual(0);
    const png = readPng(pngs[tablePage]!);
    expect(Math.abs(png.width - (595.28 / 72) * 50)).toBeLessThan(1.5);
    // The header's and four rows' five rules across the text column (a 0.5 pt rule covers one
    // or two pixel rows at 50 dpi), beyond the few heading rules a page without a table has.
    expect(inks[tablePage]!.ruleRows).toBeGreaterThanOrEqual(10);
  });

  it('breaks a long review across pages, repeating the table header and splitting no row', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => comparisonRow(i + 1));
    const entries = Array.from({ length: 80 }, (_, i) => timelineEntry(i + 1));
    const file = await renderToFile(sampleReviewDocument({ comparison: { rows, notes: [] }, timeline: entries }));
    const pages = pagesText(file);
    expect(pages.length).toBeGreaterThan(8);

    const tablePages = pages.filter((page) => /^\s*Measure \d\d\s/m.test(page));
    expect(tablePages.length).toBeGreaterThanOrEqual(2);
    for (const page of tablePages) {
      const pageLines = page.split('\n').map((line) => line.trim());
      const headerAt = pageLines.findIndex(
        (line) =>
          /^Metric\s+Stable\s+Canary\s+Variance\s+p-value\s+Action$/.test(line) ||
          /^Metric\s+Stable\s+Canary\s+Variance\s+p-value\s+Action required$/.test(line),
      );
      const firstRowAt = pageLines.findIndex((line) => /^Measure \d\d\s/.test(line));
      expect(headerAt, 'the header row on every page of the table').toBeGreaterThanOrEqual(0);
      expect(headerAt).toBeLessThan(firstRowAt);
    }
    const text = pages.join('\n');
    for (const row of rows) {
      // Each row whole on one line of one page.
      const pattern = new RegExp(
        `^\\s*${row.label}\\s+${row.stable.replace(/[().]/g, '\\$&')}\\s+${row.canary.replace(/[().]/g, '\\$&')}\\s+\\${row.variance.replace(/\./g, '\\.')}\\s+0\\.04\\s+${row.actionRequired}$`,
        'm',
      );
      expect(text, row.label).toMatch(pattern);
    }
    let at = -1;
    for (const entry of entries) {
      const found = text.indexOf(entry.title);
      expect(found, entry.title).toBeGreaterThan(at);
      at = found;
    }
    // No timeline entry is split: each title's page also holds its sample's source line.
    for (const entry of entries) {
      const page = pages.find((p) => p.includes(entry.title));
      expect(page, entry.title).toContain(
        `line ${entry.evidence.sample!.line.toLocaleString('en-GB')}, logged at ${entry.at.uk}`,
      );
    }
    const pngs = renderPngs(file, 'long');
    expect(pngs).toHaveLength(pages.length);
    for (const png of pngs) expect(inkOf(readPng(png)).inkPixels).toBeGreaterThan(2000);
  });
});

describe.skipIf(skipPoppler)('the PDF review: who was affected', () => {
  it('writes the figures, the names (hostile ones as visible text) and the surges between the timeline and the actions', async () => {
    const doc = sampleReviewDocument();
    const text = pagesText(await renderToFile(doc)).join('\n');
    const lines = text.split('\n').map((line) => line.trim());
    const from = lines.indexOf('Who was affected');
    const to = lines.indexOf('Actions taken');
    expect(from).toBeGreaterThan(lines.indexOf('What occurred'));
    expect(to).toBeGreaterThan(from);
    const section = lines.slice(from, to);
    const flat = squash(section.join('\n'));
    expect(flat).toContain(squash(doc.affected.summary.join(' ')));
    expect(section).toContainEqual(expect.stringMatching(/^Principals \(users\)\s+12\s+5\s+8$/));
    expect(section).toContainEqual(expect.stringMatching(/^Client IPs\s+3\s+4\s+1$/));
    expect(section).toContainEqual(expect.stringMatching(/^Principal\s+user-7f3a2c91d0e4\s+19$/));
    expect(section).toContainEqual(expect.stringMatching(/^Client IP\s+ip-0a1b2c3d4e5f\s+4$/));
    // Markup and Markdown are plain text here; the line break and the bidi override are visible.
    for (const name of ['<script>alert(1)</script>', '| pipe |', '**bold**', '```fence']) {
      expect(flat).toContain(squash(name));
    }
    // ␊ where the font has it, else its code point: either way visible, on one line.
    expect(flat).toMatch(/line(?:\u240a|\[U\+240A\])break/);
    expect(flat).toContain('evil\ufffdgnp.exe');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(flat).toContain(squash('And 1 more principal failed only on the canary'));
    expect(section).toContain('401 surge, 02/03/2026 09:52:00 GMT until 02/03/2026 10:04:00 GMT');
    expect(flat).toContain(
      squash(
        'In all the canary answered 401 to 3 principals and 1 client IP during the surge; 1 more principal is not listed.',
      ),
    );
  });
});
