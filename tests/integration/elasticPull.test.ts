// `coalmine pull` end to end: the built CLI, the real client over real HTTP to a fake cluster
// on 127.0.0.1, and the case file read back with SQLite.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { pullIntoCase } from '../../electron/core/elastic/pull.js';
import { buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { type OpenCase, createService, dispatch } from '../../electron/core/service.js';
import type { PullJobStatus } from '../../shared/api.js';
import { coalmineAsync } from '../helpers/cliAsync.js';
import { CLUSTER, FakeCluster, type FakeServer, ecsDocs, startFakeServer } from '../helpers/fakeElastic.js';
import { tempDir } from '../helpers/tempCase.js';

const PASSWORD = 'Tr0ub4dor&3-horse-battery';
const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';

const servers: FakeServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function serve(cluster: FakeCluster): Promise<FakeServer> {
  const server = await startFakeServer(cluster);
  servers.push(server);
  return server;
}

describe('coalmine pull (built CLI, fake cluster over HTTP)', () => {
  it('pulls every page into the case, records the request, and never writes or prints the password', async () => {
    const docs = ecsDocs(25, '2026-10-25T00:30:00.000Z', { 'event.duration': 12_000_000 });
    docs[7]!._source = { '@timestamp': 'not a time\u001b]0;retitled\u0007', message: 'hostile' };
    const cluster = new FakeCluster(docs);
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'pulled.coalmine');

    const run = await coalmineAsync(
      [
        'pull',
        casePath,
        '--url',
        server.url,
        '--index',
        'logs-checkout-*',
        // 25/10/2026 is the autumn change in London: 01:00 comes twice, and the first (BST) is 00:00 UTC.
        '--from',
        '25/10/2026 01:00:00',
        '--to',
        '2026-10-25T01:00:00Z',
        '--query',
        'labels.track:(canary OR stable)',
        '--user',
        'analyst',
        '--password-env',
        'ES_TEST_PASSWORD',
        '--page-size',
        '10',
      ],
      { ES_TEST_PASSWORD: PASSWORD },
    );
    expect(run.stderr).toContain(
      `${CLUSTER.name} (${server.url}): 24 events from 25 of 25 hits in 4 pages, 1 rejected`,
    );
    expect(run.stderr).toContain('hit 8: @timestamp: time "not a time');
    expect(run.stderr).toContain('warning: ' + server.url + ' is plain http');
    expect(run.code).toBe(1); // done, with a rejected hit

    // Basic authentication reached the cluster on every request.
    const basic = `Basic ${Buffer.from(`analyst:${PASSWORD}`).toString('base64')}`;
    expect(server.authorizations.length).toBeGreaterThan(4);
    expect(server.authorizations.every((a) => a === basic)).toBe(true);
    expect(cluster.livePits.size).toBe(0);
    expect(cluster.searchBodies()[0]).toMatchObject({
      query: {
        bool: {
          filter: [
            { range: { '@timestamp': { gte: '2026-10-25T00:00:00.000Z', lt: '2026-10-25T01:00:00.000Z' } } },
            { query_string: { query: 'labels.track:(canary OR stable)' } },
          ],
        },
      },
    });

    const db = new Database(casePath, { readonly: true });
    const source = db.prepare(`SELECT * FROM sources`).get() as Record<string, unknown>;
    expect(source).toMatchObject({ format: 'elasticsearch', state: 'complete', lines: 25, events: 24, rejects: 1 });
    expect(String(source.path)).toMatch(/^elasticsearch\+http:\/\/127\.0\.0\.1:\d+\/logs-checkout-\*\?from=/);
    expect(String(source.sha256)).toMatch(/^[0-9a-f]{64}$/);
    const details = JSON.parse(String(source.details)) as Record<string, unknown>;
    expect(details).toMatchObject({
      cluster: { name: CLUSTER.name, uuid: CLUSTER.uuid },
      url: server.url,
      index: 'logs-checkout-*',
      query: 'labels.track:(canary OR stable)',
      window: { from: '2026-10-25T00:00:00.000Z', to: '2026-10-25T01:00:00.000Z' },
      hitsTotal: 25,
      hits: 25,
      pageSize: 10,
      auth: 'basic',
    });
    const durations = db.prepare(`SELECT DISTINCT duration_ms AS d FROM events`).all();
    expect(durations).toEqual([{ d: 12 }]);
    db.close();

    // The secret is nowhere: not in the case file (nor its WAL), not on the screen.
    for (const file of [casePath, `${casePath}-wal`]) {
      if (!fs.existsSync(file)) continue;
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(PASSWORD)).toBe(false);
      expect(bytes.includes(Buffer.from(`analyst:${PASSWORD}`).toString('base64'))).toBe(false);
    }
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    expect(run.stderr).not.toContain('\u001b]0;');

    // What an auditor lists afterwards: the request as recorded, and no secret in it.
    const listed = await coalmineAsync(['sources', casePath, '--json']);
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toMatchObject([
      { format: 'elasticsearch', zone: 'UTC', details: { url: server.url, index: 'logs-checkout-*', hits: 25 } },
    ]);
    expect(listed.stdout).not.toContain(PASSWORD);
  });

  it('pulling the same window again adds nothing (same SHA-256)', async () => {
    const cluster = new FakeCluster(ecsDocs(6));
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'twice.coalmine');
    const args = ['pull', casePath, '--url', server.url, '--index', 'logs-*', '--from', '2026-03-29T00:00:00Z'];
    const first = await coalmineAsync([...args, '--to', '2026-03-29T01:00:00Z', '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ state: 'complete', events: 6 });
    const second = await coalmineAsync([...args, '--to', '2026-03-29T02:00:00+01:00']);
    expect(second.stderr).toMatch(/the 6 hits are those of source #1 \(same SHA-256\); nothing added/);
    expect(second.code).toBe(0);
    const db = new Database(casePath, { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM events`).get()).toEqual({ n: 6 });
    db.close();
  });

  it('reports refused credentials without the API key and leaves no source', async () => {
    const cluster = new FakeCluster(ecsDocs(3));
    cluster.interceptor = () => ({
      status: 401,
      body: { error: { type: 'security_exception', reason: `bad key ${API_KEY} for REST request` }, status: 401 },
    });
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'refused.coalmine');
    const run = await coalmineAsync(
      [
        'pull',
        casePath,
        '--url',
        server.url,
        '--index',
        'logs-*',
        '--from',
        '2026-03-29T00:00:00Z',
        '--to',
        '2026-03-29T01:00:00Z',
        '--api-key-env',
        'ES_TEST_KEY',
      ],
      { ES_TEST_KEY: API_KEY },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('refused the credentials (401 Unauthorized: security_exception: bad key [redacted]');
    expect(run.stdout + run.stderr).not.toContain(API_KEY);
    expect(server.authorizations[0]).toBe(`ApiKey ${API_KEY}`);
    const db = new Database(casePath, { readonly: true });
    expect(db.prepare(`SELECT count(*) AS n FROM sources`).get()).toEqual({ n: 0 });
    db.close();
    expect(fs.readFileSync(casePath).includes(API_KEY)).toBe(false);
  });

  it('Ctrl-C stops the pull: the pages read are kept, the source is incomplete, the point in time closed', async () => {
    const cluster = new FakeCluster(ecsDocs(9));
    let child: ChildProcess | undefined;
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2) {
        child?.kill('SIGINT'); // while the cluster sits on page 2
        return 'timeout';
      }
      return undefined;
    };
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'interrupted.coalmine');
    const args = ['pull', casePath, '--url', server.url, '--index', 'logs-*', '--page-size', '4'];
    const run = await coalmineAsync(
      [...args, '--from', '2026-03-29T00:00:00Z', '--to', '2026-03-29T01:00:00Z'],
      {},
      (c) => (child = c),
    );
    expect(run.stderr).toContain('4 events from 4 of 9 hits in 1 page, 0 rejected, as source #1 (incomplete)');
    expect(run.stderr).toContain('cancelled after 4 hits');
    expect(run.code).toBe(130);
    expect(cluster.livePits.size).toBe(0);
    const db = new Database(casePath, { readonly: true });
    expect(db.prepare(`SELECT state, events FROM sources`).get()).toEqual({ state: 'incomplete', events: 4 });
    db.close();
  });

  it('refuses a password on the command line and an unset password variable, before touching the case', async () => {
    const casePath = path.join(tempDir(), 'never.coalmine');
    const base = ['pull', casePath, '--url', 'http://127.0.0.1:9', '--index', 'x', '--from', '2026-03-29T00:00:00Z'];
    const flag = await coalmineAsync([...base, '--to', '2026-03-29T01:00:00Z', '--user', 'u', '--password', PASSWORD]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--password'");
    expect(flag.stderr).not.toContain(PASSWORD);
    const unset = await coalmineAsync([
      ...base,
      '--to',
      '2026-03-29T01:00:00Z',
      '--user',
      'u',
      '--password-env',
      'NO_SUCH_VAR_X',
    ]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('the environment variable NO_SUCH_VAR_X is not set or empty');
    const inUrl = await coalmineAsync([
      ...base.slice(0, 3),
      `http://u:${PASSWORD}@127.0.0.1:9`,
      ...base.slice(4),
      '--to',
      '2026-03-29T01:00:00Z',
    ]);
    expect(inUrl.code).toBe(2);
    expect(inUrl.stderr).toContain('holds a user name or password');
    expect(inUrl.stderr).not.toContain(PASSWORD);
    expect(fs.existsSync(casePath)).toBe(false);
  });
});

describe('pull over real HTTP (core and API)', () => {
  it('honours Retry-After on a 429 and cancels a request in flight, closing the point in time', async () => {
    const docs = ecsDocs(9);
    const cluster = new FakeCluster(docs);
    const controller = new AbortController();
    let refused = false;
    cluster.interceptor = (req, page) => {
      if (req.path !== '/_search') return undefined;
      if (page === 2 && !refused) {
        refused = true;
        return {
          status: 429,
          body: { error: { type: 'es_rejected_execution_exception', reason: 'busy' } },
          headers: { 'retry-after': '3' },
        };
      }
      if (page === 4) {
        setImmediate(() => controller.abort()); // while the cluster sits on the request
        return 'timeout';
      }
      return undefined;
    };
    const server = await serve(cluster);
    const db = openCase(path.join(tempDir(), 'http.coalmine'), { create: true });
    const waits: number[] = [];
    const request = buildPullRequest({
      url: server.url,
      index: 'logs-*',
      from: '2026-03-29T00:00:00Z',
      to: '2026-03-29T01:00:00Z',
      pageSize: 3,
    });
    const result = await pullIntoCase(db, request, {
      signal: controller.signal,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect(waits).toEqual([3000]);
    expect(result).toMatchObject({ state: 'incomplete', events: 6, lines: 6 });
    expect(listSources(db)[0]).toMatchObject({ state: 'incomplete', events: 6 });
    expect(cluster.livePits.size).toBe(0);
    closeCase(db);
  });

  it('checkpoints the log from its own thread while it writes, and leaves the log empty at the end', async () => {
    const cluster = new FakeCluster(ecsDocs(9));
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'checkpointed.coalmine');
    const db = openCase(casePath, { create: true });
    const during: number[] = [];
    const result = await pullIntoCase(
      db,
      buildPullRequest({
        url: server.url,
        index: 'logs-*',
        from: '2026-03-29T00:00:00Z',
        to: '2026-03-29T01:00:00Z',
        pageSize: 3,
      }),
      // The writer's own automatic checkpoints are off while the thread does them.
      { onProgress: () => during.push(db.pragma('wal_autocheckpoint', { simple: true }) as number) },
    );
    expect(result).toMatchObject({ state: 'complete', events: 9 });
    expect(during.length).toBeGreaterThan(0);
    expect(new Set(during)).toEqual(new Set([0]));
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(fs.statSync(`${casePath}-wal`).size).toBe(0);
    closeCase(db);
  });

  it('pull.start runs a pull as a job through the API and never hands the credentials back', async () => {
    const cluster = new FakeCluster(ecsDocs(4));
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'api.coalmine');
    const opened: OpenCase = { path: casePath, db: openCase(casePath, { create: true }), readOnly: false };
    const service = createService(opened);
    const input = {
      url: server.url,
      index: 'logs-*',
      from: '29/03/2026 00:00:00',
      to: '29/03/2026 03:00:00',
      auth: { kind: 'basic', username: 'analyst', password: PASSWORD },
    };
    const started = await dispatch(service, 'pull.start', input);
    expect(started).toMatchObject({ ok: true, value: { jobId: expect.any(String) as string } });
    const { jobId } = (started as { value: { jobId: string } }).value;
    let status = await dispatch(service, 'pull.status', { jobId });
    while ((status as { value: PullJobStatus }).value.state === 'running') {
      await new Promise((resolve) => setImmediate(resolve));
      status = await dispatch(service, 'pull.status', { jobId });
    }
    expect(status).toMatchObject({
      ok: true,
      value: {
        state: 'done',
        error: null,
        progress: { hitsDone: 4, hitsTotal: 4 },
        result: { state: 'complete', events: 4, hits: 4, hitsTotal: 4, cluster: { name: CLUSTER.name } },
      },
    });
    expect(JSON.stringify(started) + JSON.stringify(status)).not.toContain(PASSWORD);
    expect(await dispatch(service, 'pull.status', { jobId: 'no-such-job' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });

    // A bad input names the field, not the secret next to it.
    const bad = await dispatch(service, 'pull.start', { ...input, pageSize: 0 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
    expect(JSON.stringify(bad)).not.toContain(PASSWORD);
    closeCase(opened.db);
    expect(fs.readFileSync(casePath).includes(PASSWORD)).toBe(false);

    const readOnly = createService({ path: casePath, db: openCase(casePath, { readOnly: true }), readOnly: true });
    const refused = await dispatch(readOnly, 'pull.start', input);
    expect(refused).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
  });

  it('pull.status reports a failed pull without the secret, and pull.cancel stops one', async () => {
    const cluster = new FakeCluster(ecsDocs(9));
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'api2.coalmine');
    const db = openCase(casePath, { create: true });
    const service = createService({ path: casePath, db, readOnly: false });
    const base = { url: server.url, index: 'logs-*', from: '2026-03-29T00:00:00Z', to: '2026-03-29T01:00:00Z' };

    cluster.interceptor = () => ({
      status: 403,
      body: { error: { type: 'security_exception', reason: `key ${API_KEY} lacks read on [logs-*]` } },
    });
    const failed = await service['pull.start']({ ...base, auth: { kind: 'apiKey', apiKey: API_KEY } });
    let status = await service['pull.status'](failed);
    while (status.state === 'running') {
      await new Promise((resolve) => setImmediate(resolve));
      status = await service['pull.status'](failed);
    }
    expect(status.state).toBe('failed');
    expect(status.error).toContain('refused access (403 Forbidden');
    expect(status.error).not.toContain(API_KEY);

    let cancelledOnce = false;
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2 && !cancelledOnce) {
        cancelledOnce = true;
        void service['pull.cancel'](job);
        return 'timeout';
      }
      return undefined;
    };
    cluster.searches = 0;
    const job = await service['pull.start']({ ...base, pageSize: 3 });
    status = await service['pull.status'](job);
    while (status.state === 'running') {
      await new Promise((resolve) => setImmediate(resolve));
      status = await service['pull.status'](job);
    }
    expect(status).toMatchObject({ state: 'cancelled', result: { state: 'incomplete', events: 3 } });
    expect(cluster.livePits.size).toBe(0);
    closeCase(db);
  });
  it('a second pull with an overlapping window says how many hits the case already held, and stores them once', async () => {
    const cluster = new FakeCluster(ecsDocs(10, '2026-03-29T00:00:00.000Z'));
    const server = await serve(cluster);
    const casePath = path.join(tempDir(), 'overlap.coalmine');
    const pullWindow = (from: string, to: string) =>
      coalmineAsync(['pull', casePath, '--url', server.url, '--index', 'logs-checkout-*', '--from', from, '--to', to]);
    const first = await pullWindow('2026-03-29T00:00:00Z', '2026-03-29T00:00:06Z');
    expect(first.code).toBe(0);
    const second = await pullWindow('2026-03-29T00:00:03Z', '2026-03-29T00:00:10Z');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain('4 events from 7 of 7 hits');
    expect(second.stderr).toContain(
      '3 hits were already in the case (held by source #1): stored once, not counted twice',
    );
    const listed = await coalmineAsync(['sources', casePath, '--json']);
    const sources = JSON.parse(listed.stdout) as { id: number; events: number; duplicates: number }[];
    expect(sources.map((s) => [s.id, s.events, s.duplicates])).toEqual([
      [1, 6, 0],
      [2, 4, 3],
    ]);
    const table = await coalmineAsync(['sources', casePath]);
    expect(table.stdout).toMatch(/Metrics\s+Duplicates\s+State/);
    expect(table.stdout).toMatch(/^2\s.*\s3\s+complete\s*$/m);
    const db = new Database(casePath, { readonly: true });
    expect(db.prepare(`SELECT count(*), count(DISTINCT doc_key) FROM events`).raw().get()).toEqual([10, 10]);
    db.close();
  });
});
