// Web mode's guard rails: token, host, origin, input schema, and the renderer folder's bounds,
// with the API served from the service thread as `coalmine web` serves it.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { type ServiceThread, startServiceThread } from '../../electron/core/serviceThread.js';
import { startWebServer, type WebServer } from '../../electron/web/webServer.js';
import { projectRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempCase.js';

let server: (WebServer & { token: string }) | undefined;
let service: ServiceThread | undefined;
afterEach(async () => {
  await server?.close();
  await service?.close();
  server = undefined;
  service = undefined;
});

async function start({ readOnly = false } = {}) {
  const dir = tempDir();
  const renderer = path.join(dir, 'renderer');
  fs.mkdirSync(renderer);
  fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside');
  const casePath = path.join(dir, 'w.coalmine');
  const db = openCase(casePath, { create: true });
  await importFile(db, path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson'));
  closeCase(db);
  service = await startServiceThread({ served: { kind: 'file', path: casePath, readOnly, create: false } });
  server = await startWebServer({ call: service.call, rendererDir: renderer });
  return server;
}

function request(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = (token: string) => ({ 'Content-Type': 'application/json', Authorization: `Bearer ${token}` });

describe('web mode', () => {
  it('listens on 127.0.0.1 and puts the token in the URL fragment', async () => {
    const s = await start();
    expect(s.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${s.port}/#token=[\\w-]{43}$`));
  });

  it('answers API calls with the token, in the envelope', async () => {
    const s = await start();
    const res = await request(s.port, {
      method: 'POST',
      path: '/api/rollout.list',
      headers: json(s.token),
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ ok: true, value: [{ id: 'payments@2.0.0' }] });
  });

  it('refuses a missing or wrong token, a foreign Origin and a foreign Host', async () => {
    const s = await start();
    const call = (headers: Record<string, string>) =>
      request(s.port, { method: 'POST', path: '/api/rollout.list', headers, body: '{}' });
    expect((await call({ 'Content-Type': 'application/json' })).status).toBe(401);
    expect((await call(json('x'.repeat(43)))).status).toBe(401);
    expect((await call({ ...json(s.token), Origin: 'http://evil.example' })).status).toBe(403);
    expect((await call({ ...json(s.token), Host: 'evil.example' })).status).toBe(421);
    expect((await call({ ...json(s.token), Origin: `https://127.0.0.1:${s.port}` })).status).toBe(403);
    // The same app reached as localhost works: both the Host and the Origin are ours.
    const local = await call({ ...json(s.token), Host: `localhost:${s.port}`, Origin: `http://localhost:${s.port}` });
    expect(local.status).toBe(200);
  });

  it('parses input with the method schema and names what is wrong', async () => {
    const s = await start();
    const res = await request(s.port, {
      method: 'POST',
      path: '/api/rollout.analyse',
      headers: json(s.token),
      body: JSON.stringify({ rolloutId: "x'; DROP TABLE events; --" }),
    });
    const envelope = JSON.parse(res.body) as { ok: boolean; error: { code: string; message: string } };
    expect(envelope).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(envelope.error.message).toContain('rolloutId');
    const unknown = await request(s.port, {
      method: 'POST',
      path: '/api/case.delete',
      headers: json(s.token),
      body: '{}',
    });
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const extra = await request(s.port, {
      method: 'POST',
      path: '/api/rollout.list',
      headers: json(s.token),
      body: JSON.stringify({ sql: 'SELECT 1' }),
    });
    expect(JSON.parse(extra.body)).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
  });

  it('serves the renderer with a strict CSP and nothing outside its folder', async () => {
    const s = await start();
    const index = await request(s.port, { path: '/' });
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toContain("default-src 'none'");
    expect((await request(s.port, { path: '/../secret.txt' })).body).not.toContain('outside');
    expect((await request(s.port, { path: '/%2e%2e/secret.txt' })).status).toBe(404);
    expect((await request(s.port, { path: '/..%2fsecret.txt' })).status).toBe(404);
  });

  it('saves review notes and exports the review over HTTP, the PDF as base64', async () => {
    const s = await start();
    const call = async (method: string, input: unknown) =>
      JSON.parse(
        (
          await request(s.port, {
            method: 'POST',
            path: `/api/${method}`,
            headers: json(s.token),
            body: JSON.stringify(input),
          })
        ).body,
      ) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    const rolloutId = 'payments@2.0.0';
    const notes = { author: 'A. Analyst', actions: [{ at: '01/06/2026 11:20:00', text: 'Rolled back' }] };
    expect(await call('review.notes.save', { rolloutId, notes })).toEqual({ ok: true, value: notes });
    expect(await call('review.notes.get', { rolloutId })).toEqual({ ok: true, value: notes });
    const pdf = await call('review.export', { rolloutId, format: 'pdf', pseudonymise: true });
    expect(pdf).toMatchObject({ ok: true, value: { encoding: 'base64', mediaType: 'application/pdf' } });
    const content = (pdf.value as { content: string }).content;
    expect(Buffer.from(content, 'base64').subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it('refuses to save review notes in a case served read-only', async () => {
    const s = await start({ readOnly: true });
    const res = await request(s.port, {
      method: 'POST',
      path: '/api/review.notes.save',
      headers: json(s.token),
      body: JSON.stringify({ rolloutId: 'payments@2.0.0', notes: { author: 'x' } }),
    });
    expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
  });
});
