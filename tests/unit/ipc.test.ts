// Main's IPC registration, with Electron's ipcMain replaced: every contract method gets a
// handler; a call from another frame or origin is refused; input is parsed by the schema.
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { API_METHODS, apiMethods } from '../../shared/api.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { createService, inProcessCaller } from '../../electron/core/service.js';
import { projectRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempCase.js';

type Handler = (event: unknown, input: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: { handle: (channel: string, handler: Handler) => handlers.set(channel, handler) },
}));

const rendererUrl = 'file:///opt/Coalmine/resources/app.asar/out/renderer/index.html';

function eventFrom(url: string, { subFrame = false } = {}) {
  const mainFrame = { url };
  const senderFrame = subFrame ? { url } : mainFrame;
  return { senderFrame, sender: { mainFrame } };
}

beforeAll(async () => {
  const { registerApi } = await import('../../electron/main/ipc.js');
  const casePath = path.join(tempDir(), 'ipc.coalmine');
  const db = openCase(casePath, { create: true });
  await importFile(db, path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson'));
  const service = createService({ path: casePath, db, readOnly: false });
  registerApi(inProcessCaller(service), rendererUrl);
});

const call = (method: keyof typeof apiMethods, event: unknown, input: unknown) => {
  const handler = handlers.get(apiMethods[method].channel);
  if (!handler) throw new Error(`no handler for ${method}`);
  return handler(event, input);
};

describe('IPC', () => {
  it('registers one handler per contract method on its coalmine:<domain>:[<subject>:]<verb> channel', () => {
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map((m) => apiMethods[m].channel).sort());
    for (const method of API_METHODS) {
      // The channel spells the method: review.notes.save → coalmine:review:notes:save.
      expect(apiMethods[method].channel).toBe(`coalmine:${method.replace(/\./g, ':')}`);
      expect(apiMethods[method].channel).toMatch(/^coalmine:[a-z]+(:[a-z]+){1,2}$/);
    }
  });

  it('answers our renderer’s top frame', async () => {
    await expect(call('rollout.list', eventFrom(rendererUrl), {})).resolves.toMatchObject({
      ok: true,
      value: [{ id: 'payments@2.0.0' }],
    });
  });

  it('refuses a sub-frame, another page and another origin', async () => {
    const forbidden = { ok: false, error: { code: 'FORBIDDEN' } };
    await expect(call('rollout.list', eventFrom(rendererUrl, { subFrame: true }), {})).resolves.toMatchObject(
      forbidden,
    );
    await expect(call('rollout.list', eventFrom('https://evil.example/index.html'), {})).resolves.toMatchObject(
      forbidden,
    );
    await expect(call('rollout.list', eventFrom('file:///tmp/other.html'), {})).resolves.toMatchObject(forbidden);
    await expect(call('rollout.list', { sender: { mainFrame: null }, senderFrame: null }, {})).resolves.toMatchObject(
      forbidden,
    );
  });

  it('parses the input with the method’s schema', async () => {
    const rolloutId = 'payments@2.0.0';
    const badInput = { ok: false, error: { code: 'BAD_INPUT' } };
    await expect(
      call('review.export', eventFrom(rendererUrl), { rolloutId, format: 'exe', pseudonymise: true }),
    ).resolves.toMatchObject(badInput);
    await expect(call('review.export', eventFrom(rendererUrl), { rolloutId, format: 'md' })).resolves.toMatchObject(
      badInput,
    );
    await expect(
      call('review.notes.save', eventFrom(rendererUrl), { rolloutId, notes: { author: 1 } }),
    ).resolves.toMatchObject(badInput);
    await expect(
      call('review.notes.save', eventFrom(rendererUrl), { rolloutId, notes: {}, path: '/etc/passwd' }),
    ).resolves.toMatchObject(badInput);
    await expect(call('review.notes.get', eventFrom(rendererUrl), { rolloutId })).resolves.toEqual({
      ok: true,
      value: {},
    });
    await expect(
      call('review.export', eventFrom(rendererUrl), { rolloutId, format: 'md', pseudonymise: true }),
    ).resolves.toMatchObject({ ok: true, value: { fileName: 'review-payments_2.0.0.md', encoding: 'utf8' } });
  });

  it('refuses review calls from another frame before reading the input', async () => {
    await expect(
      call('review.notes.save', eventFrom('https://evil.example/'), { rolloutId: 'payments@2.0.0', notes: {} }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
  });
});
