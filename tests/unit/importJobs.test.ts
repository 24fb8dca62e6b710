// Imports started from the UI: files are picked (here, web mode's folder), imported by the
// ids the core handed out, and followed to the end through the job's status.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobStatus } from '../../shared/api.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { folderPicker } from '../../electron/core/importJobs.js';
import { type Service, createService, dispatch } from '../../electron/core/service.js';
import { ecs, tempDir } from '../helpers/tempCase.js';

function logsFolder(): string {
  const dir = fs.mkdtempSync(path.join(tempDir(), 'logs-'));
  const line = (i: number, status: number): string =>
    ecs({
      '@timestamp': new Date(Date.UTC(2026, 10, 19, 9, 0, i)).toISOString(),
      'service.name': 'checkout',
      'service.version': '2',
      'labels.track': 'canary',
      'http.response.status_code': status,
    });
  fs.writeFileSync(path.join(dir, 'canary.ndjson'), [line(1, 200), line(2, 401), 'not json'].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'more.ndjson'), [line(3, 200)].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, '.hidden.ndjson'), line(4, 200) + '\n');
  return dir;
}

async function until(service: Service, jobId: string): Promise<JobStatus> {
  for (;;) {
    const status = await service['job.status']({ jobId });
    if (status.state !== 'running') return status;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function newService(readOnly = false, folder = logsFolder()): { service: Service; casePath: string } {
  const casePath = path.join(tempDir(), 'jobs.coalmine');
  const db = openCase(casePath, { create: true, readOnly: false });
  if (readOnly) db.close();
  const opened = readOnly ? openCase(casePath, { readOnly: true }) : db;
  return {
    service: createService({ path: casePath, db: opened, readOnly }, { pickFiles: folderPicker(folder) }),
    casePath,
  };
}

describe('import jobs', () => {
  it('lists the folder, imports the picked files by id and reports what each held', async () => {
    const { service, casePath } = newService();
    const picked = await service['ingest.pick']({});
    expect(picked?.files.map((f) => f.name)).toEqual(['canary.ndjson', 'more.ndjson']);
    const ids = picked?.files.map((f) => f.id) ?? [];
    const { jobId } = await service['ingest.start']({ files: ids });
    const status = await until(service, jobId);
    expect(status).toMatchObject({ state: 'done', filesTotal: 2, filesDone: 2, error: null });
    expect(status.results).toEqual([
      expect.objectContaining({ name: 'canary.ndjson', state: 'complete', events: 2, rejects: 1, authFailures: 1 }),
      expect.objectContaining({ name: 'more.ndjson', state: 'complete', events: 1, rejects: 0 }),
    ]);
    expect(status.results[0]?.rejectSample).toEqual([
      { line: 3, reason: expect.stringMatching(/not valid JSON/) as unknown },
    ]);
    const db = openCase(casePath, { readOnly: true });
    expect(listSources(db).map((s) => s.name)).toEqual(['canary.ndjson', 'more.ndjson']);
    db.close();
  });

  it('refuses ids it never handed out, a second job while one runs, and any import into a read-only case', async () => {
    const { service } = newService();
    expect(await dispatch(service, 'ingest.start', { files: ['../../etc/passwd'] })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT' },
    });
    expect(await dispatch(service, 'ingest.start', { files: ['AAAAAAAAAAAA'] })).toMatchObject({
      ok: false,
      error: { code: 'BAD_INPUT', message: expect.stringMatching(/pick the files again/) as unknown },
    });
    const picked = await service['ingest.pick']({});
    const ids = picked?.files.map((f) => f.id) ?? [];
    const { jobId } = await service['ingest.start']({ files: ids });
    expect(await dispatch(service, 'ingest.start', { files: ids })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    await until(service, jobId);

    const auditor = newService(true).service;
    const again = await auditor['ingest.pick']({});
    expect(await dispatch(auditor, 'ingest.start', { files: again?.files.map((f) => f.id) ?? [] })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
  });

  it('stops at cancel, leaving what was not finished incomplete and saying so', async () => {
    const folder = fs.mkdtempSync(path.join(tempDir(), 'big-'));
    const lines = Array.from({ length: 150_000 }, (_, i) =>
      ecs({ '@timestamp': new Date(Date.UTC(2026, 10, 19, 9) + i).toISOString(), message: `m${i}` }),
    );
    fs.writeFileSync(path.join(folder, 'big.ndjson'), lines.join('\n') + '\n');
    const { service } = newService(false, folder);
    const picked = await service['ingest.pick']({});
    const { jobId } = await service['ingest.start']({ files: picked?.files.map((f) => f.id) ?? [] });
    // Cancel once the first batch is written, as a person would mid-import.
    while ((await service['job.status']({ jobId })).progress === null) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await service['job.cancel']({ jobId });
    const status = await until(service, jobId);
    expect(status.state).toBe('cancelled');
    expect(status.results).toEqual([expect.objectContaining({ name: 'big.ndjson', state: 'incomplete' })]);
    expect(status.results[0]?.events).toBeLessThan(150_000);
  }, 60_000);

  it('has nothing to pick where the window cannot pick files', async () => {
    const casePath = path.join(tempDir(), 'none.coalmine');
    const service = createService({ path: casePath, db: openCase(casePath, { create: true }), readOnly: false });
    expect(await service['ingest.pick']({})).toBeNull();
  });
});
