import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
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
});
