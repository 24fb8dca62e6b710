// The API served from the service thread, as the desktop app and `coalmine web` serve it: the
// worker owns the case, validates every call, and asks this thread for dialogs and printing.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CaseInfo, JobStatus, ReviewExport } from '../../shared/api.js';
import { CoalmineError } from '../../shared/errors.js';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { type ServiceThread, type ServiceThreadHost, startServiceThread } from '../../electron/core/serviceThread.js';
import { projectRoot } from '../helpers/cli.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const fixture = path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson');

async function caseFrom(file: string, name: string): Promise<string> {
  const casePath = path.join(tempDir(), name);
  const db = openCase(casePath, { create: true });
  await importFile(db, file);
  closeCase(db);
  return casePath;
}

let running: ServiceThread | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(casePath: string, host: ServiceThreadHost = {}, readOnly = false): Promise<ServiceThread> {
  running = await startServiceThread({ served: { kind: 'file', path: casePath, readOnly, create: false }, host });
  return running;
}

/** The journal mode written in the case file's header (bytes 18 and 19: 2 for WAL, 1 for DELETE). */
function journalMode(casePath: string): 'wal' | 'delete' {
  const header = fs.readFileSync(casePath).subarray(18, 20);
  return header[0] === 2 && header[1] === 2 ? 'wal' : 'delete';
}

async function value<T>(thread: ServiceThread, method: string, input: unknown = {}): Promise<T> {
  const envelope = await thread.call(method, input);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value as T;
}

describe('the service thread', () => {
  it('serves the case and refuses bad input with the method schema, in the worker', async () => {
    const thread = await serve(await caseFrom(fixture, 'served.coalmine'));
    const info = await value<CaseInfo>(thread, 'case.info');
    expect(info).toMatchObject({ name: 'served.coalmine', readOnly: false, canOpenOther: false, canImport: false });
    expect(info.events).toBeGreaterThan(0);
    expect(await thread.call('rollout.analyse', { rolloutId: 42 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await thread.call('case.drop', {})).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Input that cannot cross to the worker is refused, not thrown at the caller.
    expect(await thread.call('case.info', { f: () => 1 })).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('serves the demo case read-only when asked (web --read-only with no case): the auditor’s view of it', async () => {
    const demoPath = path.join(tempDir(), 'demo.coalmine');
    const logsDir = path.join(projectRoot, 'resources/demo');
    const writable = await startServiceThread({ served: { kind: 'demo', path: demoPath, logsDir, readOnly: false } });
    expect(await value<CaseInfo>(writable, 'case.info')).toMatchObject({ readOnly: false });
    await writable.close();
    running = await startServiceThread({ served: { kind: 'demo', path: demoPath, logsDir, readOnly: true } });
    expect(await value<CaseInfo>(running, 'case.info')).toMatchObject({ readOnly: true });
    expect(await running.call('settings.reset', { keys: ['alpha'] })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
  });

  it('refuses to start on a file that is not a case, with the reason', async () => {
    const notACase = writeLines('notes.coalmine', ['just text']);
    await expect(
      startServiceThread({ served: { kind: 'file', path: notACase, readOnly: false, create: false } }),
    ).rejects.toMatchObject({ code: 'NOT_A_CASE' });
    await expect(
      startServiceThread({
        served: { kind: 'file', path: path.join(tempDir(), 'none.coalmine'), readOnly: true, create: false },
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('imports the files the host picks, in the worker, reporting progress to the caller', async () => {
    const casePath = await caseFrom(fixture, 'import.coalmine');
    const folder = tempDir();
    const log = path.join(folder, 'canary.ndjson');
    fs.writeFileSync(
      log,
      Array.from({ length: 300 }, (_, i) =>
        ecs({
          '@timestamp': new Date(Date.UTC(2026, 1, 1, 10, 0, i)).toISOString(),
          'service.name': 'search',
          'service.version': '7',
          'labels.track': 'canary',
          message: `request ${i}`,
        }),
      ).join('\n') + '\n',
    );
    let picks = 0;
    const thread = await serve(casePath, {
      pickFiles: () => {
        picks += 1;
        return Promise.resolve({ paths: [log], folder });
      },
    });
    const picked = await value<{ files: { id: string; name: string }[] }>(thread, 'ingest.pick');
    expect(picks).toBe(1);
    expect(picked.files.map((f) => f.name)).toEqual(['canary.ndjson']);
    const { jobId } = await value<{ jobId: string }>(thread, 'ingest.start', { files: picked.files.map((f) => f.id) });
    let status = await value<JobStatus>(thread, 'job.status', { jobId });
    while (status.state === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 20));
      status = await value<JobStatus>(thread, 'job.status', { jobId });
    }
    expect(status).toMatchObject({
      state: 'done',
      results: [{ name: 'canary.ndjson', state: 'complete', events: 300 }],
    });
    expect((await value<CaseInfo>(thread, 'case.info')).sources.map((s) => s.name)).toContain('canary.ndjson');
  });

  it('opens the case the host chooses, and keeps the open one when the choice is no case', async () => {
    const first = await caseFrom(fixture, 'first.coalmine');
    const second = await caseFrom(
      writeLines('other.ndjson', [
        ecs({
          '@timestamp': '2026-02-01T10:00:00Z',
          'service.name': 'search',
          'service.version': '7',
          'labels.track': 'canary',
        }),
      ]),
      'second.coalmine',
    );
    let answer: string | null = null;
    const asked: boolean[] = [];
    const thread = await serve(first, {
      chooseCase: ({ readOnly }) => {
        asked.push(readOnly);
        if (answer === 'refuse') throw new CoalmineError('FORBIDDEN', 'the dialog is closed');
        return Promise.resolve(answer);
      },
    });
    expect(await value(thread, 'case.open', { readOnly: true })).toBeNull();

    answer = writeLines('stray.coalmine', ['not sqlite']);
    expect(await thread.call('case.open', { readOnly: false })).toMatchObject({
      ok: false,
      error: { code: 'NOT_A_CASE' },
    });
    answer = 'refuse';
    expect(await thread.call('case.open', { readOnly: false })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN', message: 'the dialog is closed' },
    });
    expect((await value<CaseInfo>(thread, 'case.info')).name).toBe('first.coalmine');

    answer = second;
    expect(await value<CaseInfo>(thread, 'case.open', { readOnly: true })).toMatchObject({
      name: 'second.coalmine',
      readOnly: true,
    });
    expect(await value(thread, 'rollout.list')).toMatchObject([{ id: 'search@7' }]);
    expect(asked).toEqual([true, false, false, true]);
  });

  it("prints a PDF review through the host's printer and dates it by the review", async () => {
    const printed: string[] = [];
    const thread = await serve(await caseFrom(fixture, 'print.coalmine'), {
      printPdf: (html) => {
        printed.push(html);
        return Promise.resolve(Buffer.from('%PDF-1.4\n<< /CreationDate (D:20991231235959Z) >>\n%%EOF\n', 'latin1'));
      },
    });
    const [rollout] = await value<{ id: string }[]>(thread, 'rollout.list');
    const review = await value<ReviewExport>(thread, 'review.export', {
      rolloutId: rollout?.id,
      format: 'pdf',
      pseudonymise: true,
    });
    expect(printed).toHaveLength(1);
    expect(printed[0]).toMatch(/^<!DOCTYPE html>/i);
    const pdf = Buffer.from(review.content, 'base64').toString('latin1');
    expect(review).toMatchObject({ format: 'pdf', encoding: 'base64', mediaType: 'application/pdf' });
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf).not.toContain('D:20991231235959');
  });

  it('closes the case whole (journal back to DELETE, no WAL) once, however often asked, and answers later calls with why', async () => {
    const casePath = await caseFrom(fixture, 'close.coalmine');
    const thread = await serve(casePath);
    await value(thread, 'rollout.list');
    expect(journalMode(casePath)).toBe('wal');
    await Promise.all([thread.close(), thread.close()]);
    running = undefined;
    // Ending the thread without closing the case would also remove the -wal file; only
    // closeCase sets the journal back, so the file is whole for a copy or a read-only open.
    expect(journalMode(casePath)).toBe('delete');
    expect(fs.existsSync(`${casePath}-wal`)).toBe(false);
    expect(await thread.call('case.info', {})).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: 'the case is closed' },
    });
  });

  it('tells the host once when the thread dies, and answers the call it died in and later ones without its insides', async () => {
    // A service worker that starts, then dies in the first call it gets.
    const entries = tempDir();
    fs.writeFileSync(
      path.join(entries, 'serviceWorker.js'),
      `import { parentPort } from 'node:worker_threads';
       parentPort.postMessage({ type: 'ready' });
       parentPort.on('message', (m) => { if (m.type === 'call') process.exit(3); });`,
    );
    const stops: string[] = [];
    const thread = await startServiceThread({
      served: { kind: 'file', path: 'unused.coalmine', readOnly: true, create: false },
      workerEntryDir: entries,
      onStopped: (reason) => stops.push(reason),
    });
    const answer = await thread.call('case.info', {});
    expect(answer).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    const reason = (answer as { error: { message: string } }).error.message;
    expect(reason).toMatch(/stopped unexpectedly/);
    expect(reason).not.toMatch(/exit code|\/|Error/);
    expect(await thread.call('rollout.list', {})).toEqual(answer);
    expect(stops).toEqual([reason]);
    await thread.close(); // closing a dead thread just ends
    expect(stops).toHaveLength(1);
  });
});
