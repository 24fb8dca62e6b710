import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReviewExport } from '../../shared/api.js';
import type { ReviewDocument, ReviewNotes } from '../../shared/review.js';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { folderPicker } from '../../electron/core/importJobs.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { type OpenCase, createService, dispatch } from '../../electron/core/service.js';
import { projectRoot } from '../helpers/cli.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

async function caseWith(file: string, name: string): Promise<OpenCase> {
  const casePath = path.join(tempDir(), name);
  const db = openCase(casePath, { create: true });
  await importFile(db, file);
  return { path: casePath, db, readOnly: false };
}

const fixture = path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson');

describe('service', () => {
  it('refuses to open another case where no chooser exists (web mode)', async () => {
    const first = await caseWith(fixture, 'a.coalmine');
    const service = createService(first);
    expect(await dispatch(service, 'case.info', {})).toMatchObject({ ok: true, value: { canOpenOther: false } });
    expect(await dispatch(service, 'case.open', { readOnly: false })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    first.db.close();
  });

  it('switches to the case the chooser opens, closing the previous one; a cancel changes nothing', async () => {
    const first = await caseWith(fixture, 'a.coalmine');
    const otherFile = writeLines('other.ndjson', [
      ecs({
        '@timestamp': '2026-02-01T10:00:00Z',
        'service.name': 'search',
        'service.version': '7',
        'labels.track': 'canary',
      }),
    ]);
    const second = await caseWith(otherFile, 'b.coalmine');
    let answer: OpenCase | null = null;
    const service = createService(first, { chooseCase: () => Promise.resolve(answer) });

    expect(await dispatch(service, 'case.open', { readOnly: true })).toEqual({ ok: true, value: null });
    expect(await dispatch(service, 'rollout.list', {})).toMatchObject({ ok: true, value: [{ id: 'payments@2.0.0' }] });

    answer = second;
    expect(await dispatch(service, 'case.open', { readOnly: false })).toMatchObject({
      ok: true,
      value: { name: 'b.coalmine', canOpenOther: true },
    });
    expect(await dispatch(service, 'rollout.list', {})).toMatchObject({ ok: true, value: [{ id: 'search@7' }] });
    expect(first.db.open).toBe(false);
    second.db.close();
  });

  it('refuses the chosen case when an import started while the dialog was open, keeping the open one', async () => {
    const first = await caseWith(fixture, 'a.coalmine');
    const second = await caseWith(fixture, 'b.coalmine');
    const folder = path.dirname(
      writeLines(
        'later.ndjson',
        Array.from({ length: 2000 }, (_, i) =>
          ecs({ '@timestamp': new Date(Date.UTC(2026, 1, 1, 10, 0, i)).toISOString(), 'service.name': 'late' }),
        ),
      ),
    );
    let jobId = '';
    const service = createService(first, {
      pickFiles: folderPicker(folder),
      chooseCase: async () => {
        // While the dialog is up, the page starts an import into the open case.
        const picked = await dispatch(service, 'ingest.pick', {});
        const files = (picked as { value: { files: { id: string }[] } }).value.files.map((f) => f.id);
        const started = await dispatch(service, 'ingest.start', { files });
        jobId = (started as { value: { jobId: string } }).value.jobId;
        return second;
      },
    });
    expect(await dispatch(service, 'case.open', { readOnly: false })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    expect(second.db.open).toBe(false);
    expect(first.db.open).toBe(true);
    expect(await dispatch(service, 'case.info', {})).toMatchObject({ ok: true, value: { name: 'a.coalmine' } });
    // The import goes on into the case that stayed open.
    let status = await dispatch(service, 'job.status', { jobId });
    while ((status as { value: { state: string } }).value.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await dispatch(service, 'job.status', { jobId });
    }
    expect(status).toMatchObject({ ok: true, value: { state: 'done', results: [{ events: 2000 }] } });
    closeCase(first.db);
  });

  it('hides internal errors behind a stable code and logs them', async () => {
    const first = await caseWith(fixture, 'a.coalmine');
    first.db.close(); // every query now throws a TypeError inside better-sqlite3
    const logged: unknown[] = [];
    const result = await dispatch(createService(first), 'rollout.list', {}, (e) => logged.push(e));
    expect(result).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'rollout.list failed inside Coalmine; see the log' },
    });
    expect(logged).toHaveLength(1);
  });

  it('exports the review in each format: text as UTF-8, the PDF as base64, with its file name and media type', async () => {
    const opened = await caseWith(fixture, 'r.coalmine');
    const service = createService(opened);
    const exported = async (format: string, pseudonymise = true) => {
      const result = await dispatch(service, 'review.export', { rolloutId: 'payments@2.0.0', format, pseudonymise });
      if (!result.ok) throw new Error(`${format}: ${result.error.code} ${result.error.message}`);
      return result.value as ReviewExport;
    };
    const md = await exported('md');
    expect(md).toMatchObject({ format: 'md', fileName: 'review-payments_2.0.0.md', encoding: 'utf8' });
    expect(md.mediaType).toMatch(/^text\/markdown/);
    expect(md.content).toMatch(/^---\n/);
    expect(md.content).toMatch(/^## .*Summary/im);

    const html = await exported('html');
    expect(html).toMatchObject({ fileName: 'review-payments_2.0.0.html', encoding: 'utf8' });
    expect(html.mediaType).toMatch(/^text\/html/);
    expect(html.content.toLowerCase()).toMatch(/^<!doctype html>/);

    const json = await exported('json');
    expect(json).toMatchObject({ fileName: 'review-payments_2.0.0.json', encoding: 'utf8' });
    expect(JSON.parse(json.content)).toMatchObject({ schemaVersion: 1, rolloutId: 'payments@2.0.0' });

    const pdf = await exported('pdf');
    expect(pdf).toMatchObject({
      fileName: 'review-payments_2.0.0.pdf',
      mediaType: 'application/pdf',
      encoding: 'base64',
    });
    expect(Buffer.from(pdf.content, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // The same case gives the same bytes.
    expect((await exported('md')).content).toBe(md.content);
    closeCase(opened.db);
  });

  it('prints the PDF from the HTML review with the host’s printer when it has one (the desktop app)', async () => {
    const opened = await caseWith(fixture, 'p.coalmine');
    const printed: string[] = [];
    const service = createService(opened, {
      printPdf: (html) => {
        printed.push(html);
        return Promise.resolve(Buffer.from('%PDF-1.7 printed'));
      },
    });
    const result = await dispatch(service, 'review.export', {
      rolloutId: 'payments@2.0.0',
      format: 'pdf',
      pseudonymise: true,
    });
    expect(result).toMatchObject({ ok: true, value: { mediaType: 'application/pdf', encoding: 'base64' } });
    expect(Buffer.from((result as { value: ReviewExport }).value.content, 'base64').toString()).toBe(
      '%PDF-1.7 printed',
    );
    expect(printed).toHaveLength(1);
    const html = await dispatch(service, 'review.export', {
      rolloutId: 'payments@2.0.0',
      format: 'html',
      pseudonymise: true,
    });
    expect(printed[0]).toBe((html as { value: ReviewExport }).value.content);
    closeCase(opened.db);
  });

  it('keeps the analyst’s notes per rollout and shows them in the review document', async () => {
    const opened = await caseWith(fixture, 'n.coalmine');
    const service = createService(opened);
    const rolloutId = 'payments@2.0.0';
    expect(await dispatch(service, 'review.notes.get', { rolloutId })).toEqual({ ok: true, value: {} });
    const notes: ReviewNotes = {
      author: 'A. Analyst',
      signOff: { name: 'B. Lead', role: 'Service owner', date: '02/06/2026' },
      actions: [{ at: '01/06/2026 11:20:00', text: 'Rolled the canary back', by: 'A. Analyst' }],
      rootCause: { whatOccurred: 'The new token validator rejected valid tokens.' },
      addedRecommendations: ['Alert on the canary’s 401 rate'],
    };
    expect(await dispatch(service, 'review.notes.save', { rolloutId, notes })).toEqual({ ok: true, value: notes });
    expect(await dispatch(service, 'review.notes.get', { rolloutId })).toEqual({ ok: true, value: notes });

    const result = await dispatch(service, 'review.document', { rolloutId, pseudonymise: true });
    if (!result.ok) throw new Error(result.error.message);
    const doc = result.value as ReviewDocument;
    expect(doc).toMatchObject({ schemaVersion: 1, rolloutId, author: 'A. Analyst', pseudonymised: true });
    expect(doc.signOff).toEqual({ name: 'B. Lead', role: 'Service owner', date: '02/06/2026' });
    // The analyst's time is Europe/London (BST on 1 June) and reads back with its zone.
    expect(doc.actions.filter((a) => a.origin === 'analyst').map((a) => [a.at?.uk, a.text, a.by])).toEqual([
      ['01/06/2026 11:20:00 BST', 'Rolled the canary back', 'A. Analyst'],
    ]);
    expect(doc.rootCause).toMatchObject({
      whatOccurred: 'The new token validator rejected valid tokens.',
      draft: false,
    });
    expect(doc.recommendations.map((r) => r.text)).toContain('Alert on the canary’s 401 rate');
    closeCase(opened.db);
  });

  it('refuses to save notes in a read-only case, and for a rollout the case does not hold', async () => {
    const writable = await caseWith(fixture, 'ro.coalmine');
    closeCase(writable.db);
    const readOnly = { path: writable.path, db: openCase(writable.path, { readOnly: true }), readOnly: true };
    const service = createService(readOnly);
    expect(
      await dispatch(service, 'review.notes.save', { rolloutId: 'payments@2.0.0', notes: { author: 'x' } }),
    ).toEqual({
      ok: false,
      error: { code: 'READ_ONLY', message: 'ro.coalmine is open read-only: review notes cannot be saved in it' },
    });
    closeCase(readOnly.db);

    const other = await caseWith(fixture, 'nf.coalmine');
    const missing = await dispatch(createService(other), 'review.notes.save', {
      rolloutId: 'search@7',
      notes: { author: 'x' },
    });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((missing as { error: { message: string } }).error.message).toContain('search@7');
    closeCase(other.db);
  });

  it('checks review input with the contract’s schemas before anything runs', async () => {
    const opened = await caseWith(fixture, 'v.coalmine');
    const service = createService(opened);
    const rolloutId = 'payments@2.0.0';
    const refused = async (method: string, input: unknown, field: string) => {
      const result = await dispatch(service, method, input);
      expect(result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      expect((result as { error: { message: string } }).error.message).toContain(field);
    };
    await refused('review.export', { rolloutId, format: 'docx', pseudonymise: true }, 'format');
    await refused('review.export', { rolloutId, format: 'md' }, 'pseudonymise');
    await refused('review.export', { rolloutId: '../../etc/passwd', format: 'md', pseudonymise: true }, 'rolloutId');
    await refused('review.document', { rolloutId, pseudonymise: 'yes' }, 'pseudonymise');
    await refused('review.notes.save', { rolloutId, notes: { author: 'x', extra: 1 } }, 'extra');
    await refused('review.notes.save', { rolloutId, notes: { signOff: { date: '2026-06-02' } } }, 'notes.signOff.date');
    await refused('review.notes.save', { rolloutId, notes: { actions: [{ at: '06/01/2026 3pm', text: 'x' }] } }, 'at');
    await refused('review.notes.save', { rolloutId, notes: { actions: [{ text: '' }] } }, 'text');
    await refused('review.notes.get', { rolloutId: '' }, 'rolloutId');
    expect(await dispatch(service, 'review.notes.get', { rolloutId })).toMatchObject({ ok: true });
    closeCase(opened.db);
  });
});
