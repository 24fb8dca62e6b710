// Issue 5's "done when", read as a person would: a rollout with a 401 surge driven by one user
// and a new token exception is reviewed in all four formats; each shows the sections, the
// table's numbers as the analysis has them, UK times, no e-mail address or client IP in clear
// (unless asked), and the evidence hash that `sha256sum` gives for the imported file; the PDF
// renders to pages and the table's page is not blank; the same case gives the same bytes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { DECISION_WORDS } from '../../electron/core/analysis/verdict.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { renderReview } from '../../electron/core/review/renderReview.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { formatComparisonCell } from '../../shared/metricFormat.js';
import type { Analysis } from '../../shared/api.js';
import type { ReviewDocument, ReviewFormat } from '../../shared/review.js';
import { formatUkWithZone } from '../../shared/ukTime.js';
import { HEALTHY, scenario, scenarioLines } from '../helpers/scenario.js';
import { tempDir } from '../helpers/tempCase.js';

const hasPoppler = ((): boolean => {
  try {
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
if (!hasPoppler && process.env.CI) throw new Error('pdftotext/pdftoppm (poppler-utils) are needed in CI');

const ISO_DATE = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const US_DATE = /\b\d{1,2}\/\d{1,2}\/\d{4},? \d{1,2}:\d{2}(:\d{2})? ?(AM|PM)\b/i;
const EMAIL = /[\w.+-]+@example\.com/;
const SCENARIO_IP = /203\.0\.113\.\d+/;

interface Reviewed {
  file: string;
  sha256: string;
  analysis: Analysis;
  text: Record<ReviewFormat, string>;
  clear: Record<ReviewFormat, string>;
  bytes: Record<ReviewFormat, Buffer>;
  casePath: string;
}

function pdfText(pdf: Buffer): string {
  const file = path.join(tempDir(), 'review.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
}

async function renderAll(casePath: string, pseudonymise: boolean): Promise<Record<ReviewFormat, Buffer>> {
  const db = openCase(casePath, { readOnly: true });
  try {
    const doc = buildReviewDocument(db, { pseudonymise });
    const out = {} as Record<ReviewFormat, Buffer>;
    for (const format of ['md', 'html', 'json', 'pdf'] as const) out[format] = (await renderReview(doc, format)).bytes;
    return out;
  } finally {
    db.close();
  }
}

function asText(bytes: Record<ReviewFormat, Buffer>): Record<ReviewFormat, string> {
  return {
    md: bytes.md.toString('utf8'),
    html: bytes.html.toString('utf8'),
    json: bytes.json.toString('utf8'),
    pdf: hasPoppler ? pdfText(bytes.pdf) : '',
  };
}

let reviewed: Reviewed;
let keptDir = '';

afterAll(() => {
  if (keptDir) fs.rmSync(keptDir, { recursive: true, force: true });
});

beforeAll(async () => {
  const s = scenario({
    canary: { ...HEALTHY, rpm: 60 },
    surges: [{ status: 401, fromMinute: 20, toMinute: 32, rate: 0.3, path: '/api/cart', user: 'mallory@example.com' }],
    exceptions: [
      {
        track: 'canary',
        rate: 0.01,
        type: 'io.jsonwebtoken.security.SignatureException',
        message: (n) => `JWT signature does not match locally computed signature for kid k${n}`,
        stack: '\tat io.jsonwebtoken.impl.DefaultJwtParser.parse(DefaultJwtParser.java:354)',
      },
    ],
  });
  // Kept for the whole file (tempDir's folders go after each test): the case is reread below.
  keptDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-review-'));
  const file = path.join(keptDir, 'canary-rollout.ndjson');
  fs.writeFileSync(file, scenarioLines(s).join('\n') + '\n');
  const casePath = path.join(keptDir, 'review.coalmine');
  const db = openCase(casePath, { create: true });
  await importFile(db, file);
  const analysis = analyseRollout(db);
  db.close();
  const bytes = await renderAll(casePath, true);
  reviewed = {
    file,
    sha256: execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0] ?? '',
    analysis,
    bytes,
    text: asText(bytes),
    clear: asText(await renderAll(casePath, false)),
    casePath,
  };
}, 120_000);

const FORMATS: ReviewFormat[] = ['md', 'html', 'json', 'pdf'];

describe.each(FORMATS)('the %s review', (format) => {
  it.skipIf(format === 'pdf' && !hasPoppler)('holds every section, in order', () => {
    if (format === 'json') {
      const doc = JSON.parse(reviewed.text.json) as Record<string, unknown>;
      for (const key of [
        'summary',
        'comparison',
        'timeline',
        'affected',
        'actions',
        'rootCause',
        'recommendations',
        'evidence',
      ]) {
        expect(doc).toHaveProperty(key);
      }
      return;
    }
    const text = reviewed.text[format].toLowerCase();
    const sections = [
      'summary',
      'canary vs stable',
      'what occurred',
      'who was affected',
      'actions taken',
      'root cause',
      'recommendations',
      'evidence',
    ];
    let from = 0;
    for (const section of sections) {
      const at = text.indexOf(section, from);
      expect(at, `"${section}" after offset ${from}`).toBeGreaterThanOrEqual(0);
      from = at + section.length;
    }
  });

  it.skipIf(format === 'pdf' && !hasPoppler)('shows the table’s numbers as the analysis has them', () => {
    const row401 = reviewed.analysis.comparison.find((r) => r.metric === 'rate401');
    expect(row401).toBeDefined();
    if (!row401) return;
    const text = reviewed.text[format].replace(/\s+/g, ' ');
    expect(text).toContain(formatComparisonCell(row401, 'canary'));
    expect(text).toContain(formatComparisonCell(row401, 'stable'));
    expect(reviewed.analysis.verdict.decision).toBe('rollback');
    expect(text).toContain(DECISION_WORDS.rollback);
  });

  it.skipIf(format === 'pdf' && !hasPoppler)('writes times as UK times only, outside the quoted log lines', () => {
    const text = reviewed.text[format];
    const surge = reviewed.analysis.surges[0];
    expect(surge).toBeDefined();
    expect(text).toContain(formatUkWithZone(Date.parse(surge?.start ?? '')));
    expect(text).toContain(reviewed.analysis.rollout.fromUk);
    // A sample event is quoted as logged (evidence is not reworded), so its own ISO time stays;
    // no other ISO or US-style date may appear.
    const doc = JSON.parse(reviewed.text.json) as ReviewDocument;
    const quoted = [...doc.timeline, ...doc.actions].flatMap((e) =>
      e.evidence?.sample ? [e.evidence.sample.text] : [],
    );
    const isoDates = text.match(new RegExp(ISO_DATE.source, 'g')) ?? [];
    for (const date of isoDates)
      expect(
        quoted.some((q) => q.includes(date)),
        date,
      ).toBe(true);
    expect(text).not.toMatch(US_DATE);
  });

  it.skipIf(format === 'pdf' && !hasPoppler)('shows no e-mail address or client IP in clear, unless asked', () => {
    expect(reviewed.text[format]).not.toMatch(EMAIL);
    expect(reviewed.text[format]).not.toMatch(SCENARIO_IP);
    expect(reviewed.clear[format]).toMatch(/mallory@example\.com/);
  });

  it.skipIf(format === 'pdf' && !hasPoppler)(
    'says who was affected by the pseudonym the timeline uses, and by name only when asked',
    () => {
      const doc = JSON.parse(reviewed.text.json) as ReviewDocument;
      // mallory@example.com drives the surge and never fails on stable: she leads the list.
      const mallory = doc.affected.canaryOnly[0];
      expect(mallory?.kind).toBe('user');
      const hex = /^email-([0-9a-f]{12})@pseudonym\.invalid$/.exec(mallory?.name ?? '')?.[1];
      expect(hex).toBeDefined();
      const text = reviewed.text[format];
      const slice = (from: string, to: string): string => {
        const start = format === 'json' ? text.indexOf(`"${from}"`) : text.indexOf(from);
        const end = format === 'json' ? text.indexOf(`"${to}"`) : text.indexOf(to, start);
        expect(start, from).toBeGreaterThanOrEqual(0);
        expect(end, to).toBeGreaterThan(start);
        return text.slice(start, end);
      };
      const [timeline, affected] =
        format === 'json'
          ? [slice('timeline', 'affected'), slice('affected', 'actions')]
          : [slice('What occurred', 'Who was affected'), slice('Who was affected', 'Actions taken')];
      expect(affected).toContain(`email-${hex}`);
      expect(timeline).toContain(`email-${hex}`);
      expect(affected).not.toMatch(EMAIL);
      expect(affected).not.toMatch(SCENARIO_IP);
      expect(affected).toMatch(/ip-[0-9a-f]{12}/);
      const clear = reviewed.clear[format];
      const clearAffected = clear.slice(
        clear.indexOf(format === 'json' ? '"affected"' : 'Who was affected'),
        clear.indexOf(format === 'json' ? '"actions"' : 'Actions taken'),
      );
      expect(clearAffected).toMatch(/mallory\\?@example\.com/);
      expect(clearAffected).toMatch(SCENARIO_IP);
    },
  );

  it.skipIf(format === 'pdf' && !hasPoppler)('gives the evidence hash sha256sum gives for the file', () => {
    expect(reviewed.sha256).toMatch(/^[0-9a-f]{64}$/);
    // A PDF may wrap the hash over two lines.
    const text = format === 'pdf' ? reviewed.text.pdf.replace(/\s+/g, '') : reviewed.text[format];
    expect(text).toContain(reviewed.sha256);
  });

  it('is the same bytes from the same case', async () => {
    const again = await renderAll(reviewed.casePath, true);
    expect(again[format].equals(reviewed.bytes[format])).toBe(true);
  });
});

describe.skipIf(!hasPoppler)('the PDF review on paper', () => {
  it('renders to pages, and the page with the table is not blank', () => {
    const dir = tempDir();
    const pdf = path.join(dir, 'review.pdf');
    fs.writeFileSync(pdf, reviewed.bytes.pdf);
    execFileSync('pdftoppm', ['-png', '-r', '40', pdf, path.join(dir, 'page')]);
    const pages = fs.readdirSync(dir).filter((f) => f.endsWith('.png'));
    expect(pages.length).toBeGreaterThan(0);
    // The page that holds the table: pdftotext page by page, then that page's PNG.
    const tablePage = pages.findIndex((_, i) =>
      execFileSync('pdftotext', ['-f', String(i + 1), '-l', String(i + 1), pdf, '-'], { encoding: 'utf8' }).includes(
        '401 rate',
      ),
    );
    expect(tablePage).toBeGreaterThanOrEqual(0);
    const png = fs.readFileSync(path.join(dir, pages.sort()[tablePage] ?? ''));
    // A blank page compresses to almost nothing; a page of text and rules does not.
    expect(png.length).toBeGreaterThan(5_000);
  });
});
