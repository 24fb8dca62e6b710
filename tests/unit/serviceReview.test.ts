// The review's plumbing through the service, with the document model and its renderers
// replaced: what the API returns for each format, which printer draws the PDF, and that the
// pseudonymise switch and the rollout reach the model as asked. (The real documents are
// checked in service.test.ts and the format tests.)
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReviewExport } from '../../shared/api.js';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { createService, dispatch } from '../../electron/core/service.js';
import { projectRoot } from '../helpers/cli.js';
import { sampleReviewDocument } from '../helpers/reviewFixture.js';
import { tempDir } from '../helpers/tempCase.js';

const built = vi.hoisted(() => ({ options: [] as unknown[] }));

vi.mock('../../electron/core/review/reviewModel.js', () => ({
  buildReviewDocument: (_db: unknown, options: { rolloutId?: string; pseudonymise: boolean }) => {
    built.options.push(options);
    return sampleReviewDocument({ rolloutId: options.rolloutId ?? 'only@1', pseudonymised: options.pseudonymise });
  },
}));
vi.mock('../../electron/core/review/reviewMarkdown.js', () => ({ renderMarkdownReview: () => '---\n# £ review\n' }));
vi.mock('../../electron/core/review/reviewHtml.js', () => ({ renderHtmlReview: () => '<!doctype html><p>£</p>' }));
vi.mock('../../electron/core/review/reviewJson.js', () => ({ renderJsonReview: () => '{"schemaVersion":1}' }));
vi.mock('../../electron/core/review/reviewPdf.js', () => ({
  renderPdfReview: () => Promise.resolve(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x2d, 0xff, 0x00, 0x80])),
}));

async function openService(printPdf?: (html: string) => Promise<Buffer>) {
  const casePath = path.join(tempDir(), 'plumbing.coalmine');
  const db = openCase(casePath, { create: true });
  await importFile(db, path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson'));
  return { db, service: createService({ path: casePath, db, readOnly: false }, printPdf ? { printPdf } : {}) };
}

async function exported(service: Awaited<ReturnType<typeof openService>>['service'], input: object) {
  const result = await dispatch(service, 'review.export', input);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as ReviewExport;
}

beforeEach(() => {
  built.options.length = 0;
});

describe('review export plumbing', () => {
  it('returns text formats as UTF-8 text and the PDF as base64 of its exact bytes', async () => {
    const { db, service } = await openService();
    const rolloutId = 'checkout@2.5.0';
    expect(await exported(service, { rolloutId, format: 'md', pseudonymise: true })).toEqual({
      format: 'md',
      fileName: 'review-checkout_2.5.0.md',
      mediaType: 'text/markdown; charset=utf-8',
      encoding: 'utf8',
      content: '---\n# £ review\n',
    });
    expect(await exported(service, { rolloutId, format: 'html', pseudonymise: true })).toMatchObject({
      mediaType: 'text/html; charset=utf-8',
      content: '<!doctype html><p>£</p>',
    });
    expect(await exported(service, { rolloutId, format: 'json', pseudonymise: true })).toMatchObject({
      fileName: 'review-checkout_2.5.0.json',
      mediaType: 'application/json; charset=utf-8',
    });
    const pdf = await exported(service, { rolloutId, format: 'pdf', pseudonymise: true });
    expect(pdf).toMatchObject({
      fileName: 'review-checkout_2.5.0.pdf',
      mediaType: 'application/pdf',
      encoding: 'base64',
    });
    expect([...Buffer.from(pdf.content, 'base64')]).toEqual([0x25, 0x50, 0x44, 0x46, 0x2d, 0xff, 0x00, 0x80]);
    closeCase(db);
  });

  it('hands the rollout and the pseudonymise switch to the model as asked', async () => {
    const { db, service } = await openService();
    await exported(service, { rolloutId: 'checkout@2.5.0', format: 'md', pseudonymise: false });
    await dispatch(service, 'review.document', { rolloutId: 'checkout@2.5.0', pseudonymise: true });
    expect(built.options).toEqual([
      { rolloutId: 'checkout@2.5.0', pseudonymise: false },
      { rolloutId: 'checkout@2.5.0', pseudonymise: true },
    ]);
    closeCase(db);
  });

  it('prints the HTML review when the host has a printer, and never calls the PDF renderer then', async () => {
    const printed: string[] = [];
    const { db, service } = await openService((html) => {
      printed.push(html);
      return Promise.resolve(Buffer.from('%PDF-1.7 from chromium'));
    });
    const pdf = await exported(service, { rolloutId: 'checkout@2.5.0', format: 'pdf', pseudonymise: true });
    expect(printed).toEqual(['<!doctype html><p>£</p>']);
    expect(Buffer.from(pdf.content, 'base64').toString()).toBe('%PDF-1.7 from chromium');
    expect(pdf.mediaType).toBe('application/pdf');
    closeCase(db);
  });

  it('reports a printer failure as internal, its details kept for the log', async () => {
    const { db, service } = await openService(() => Promise.reject(new Error('GPU process crashed')));
    const logged: unknown[] = [];
    const result = await dispatch(
      service,
      'review.export',
      { rolloutId: 'checkout@2.5.0', format: 'pdf', pseudonymise: true },
      (e) => logged.push(e),
    );
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'review.export failed inside Coalmine; see the log' },
    });
    expect(String(logged[0])).toContain('GPU process crashed');
    closeCase(db);
  });
});
