import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { listSources } from '../../electron/core/case/sources.js';
import { CLIENT_VERSION, apiKeyHeaderValue, scrub, secretsOf } from '../../electron/core/elastic/clusterClient.js';
import { type PullOptions, pullIntoCase } from '../../electron/core/elastic/pull.js';
import { type PullFields, buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import type { PullProgress } from '../../shared/api.js';
import { CoalmineError } from '../../shared/errors.js';
import { CLUSTER, FakeCluster, type FakeDoc, ecsDocs, mockConnection } from '../helpers/fakeElastic.js';
import { tempDir } from '../helpers/tempCase.js';

const API_KEY = 'c2VjcmV0LWtleS1pZDpzM2NyM3Q=XYZ-very-secret-api-key';

const fields: PullFields = {
  url: 'https://es.example.test:9200',
  index: 'logs-checkout-*',
  from: '2026-03-29T00:00:00Z',
  to: '2026-03-29T01:00:00Z',
  query: 'service.name:checkout AND NOT labels.track:test',
  pageSize: 3,
  auth: { kind: 'apiKey', apiKey: API_KEY },
};

function newCase(): { db: CaseDb; file: string } {
  const file = path.join(tempDir(), 'pull.coalmine');
  return { db: openCase(file, { create: true }), file };
}

interface Run {
  cluster: FakeCluster;
  waits: number[];
  options: PullOptions;
}

function setup(docs: FakeDoc[], extra: Partial<PullOptions> = {}): Run {
  const cluster = new FakeCluster(docs);
  const waits: number[] = [];
  return {
    cluster,
    waits,
    options: {
      Connection: mockConnection(cluster) as PullOptions['Connection'],
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
      ...extra,
    },
  };
}

/** The SHA-256 a pull must record, computed here from the documents themselves. */
function expectedSha256(docs: FakeDoc[]): string {
  const lines = docs
    .map((d) => ({ ts: d.ts, text: JSON.stringify(d._source) }))
    .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : Buffer.compare(Buffer.from(a.text), Buffer.from(b.text))));
  return createHash('sha256')
    .update(lines.map((l) => `${l.text}\n`).join(''))
    .digest('hex');
}

function serverError(status: number, type = 'internal_error', headers: Record<string, string> = {}) {
  return { status, body: { error: { type, reason: `failure ${status}` }, status }, headers };
}

async function failure(promise: Promise<unknown>): Promise<CoalmineError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CoalmineError) return error;
    throw error;
  }
  throw new Error('expected the pull to fail');
}

describe('Elasticsearch pull (mock client)', () => {
  it('pages through a point in time with search_after and stores every hit once, in order', async () => {
    const docs = ecsDocs(7);
    const { cluster, options } = setup(docs);
    const { db } = newCase();
    const progress: PullProgress[] = [];
    const result = await pullIntoCase(db, buildPullRequest(fields), {
      ...options,
      onProgress: (p) => progress.push(p),
    });

    expect(result).toMatchObject({ state: 'complete', lines: 7, events: 7, rejects: 0, hitsTotal: 7, pages: 4 });
    const rows = db.prepare(`SELECT source_line AS line, message, track, raw FROM events ORDER BY id`).all() as {
      line: number;
      message: string;
      track: string;
      raw: string;
    }[];
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(rows.map((r) => r.message)).toEqual(docs.map((_, i) => `request ${i + 1}`));
    expect(rows[0]?.track).toBe('canary');
    expect(rows[1]?.track).toBe('stable');
    expect(rows[2]?.raw).toBe(JSON.stringify(docs[2]?._source));

    const bodies = cluster.searchBodies();
    expect(bodies).toHaveLength(4);
    expect(bodies[0]).toMatchObject({
      size: 3,
      track_total_hits: true,
      query: {
        bool: {
          filter: [
            {
              range: {
                '@timestamp': {
                  gte: '2026-03-29T00:00:00.000Z',
                  lt: '2026-03-29T01:00:00.000Z',
                  format: 'strict_date_optional_time',
                },
              },
            },
            { query_string: { query: 'service.name:checkout AND NOT labels.track:test' } },
          ],
        },
      },
      sort: [
        { '@timestamp': { order: 'asc', format: 'strict_date_optional_time_nanos', unmapped_type: 'date' } },
        { _shard_doc: 'asc' },
      ],
      pit: { id: 'pit-1', keep_alive: '5m' },
    });
    expect(bodies[0]).not.toHaveProperty('search_after');
    // Each page goes on from the last hit of the one before, with the id the cluster last gave.
    expect(bodies[1]).toMatchObject({
      search_after: [docs[2]?.ts, 2],
      track_total_hits: false,
      pit: { id: 'pit-1~1' },
    });
    expect(bodies[2]).toMatchObject({ search_after: [docs[5]?.ts, 5], pit: { id: 'pit-1~2' } });
    expect(bodies[3]).toMatchObject({ search_after: [docs[6]?.ts, 6] });

    // The point in time is closed at the end, with its latest id.
    expect(cluster.openedPits).toEqual(['pit-1']);
    expect(cluster.closedPits).toEqual(['pit-1~4']);
    expect(cluster.livePits.size).toBe(0);

    const [source] = listSources(db);
    expect(source).toMatchObject({
      state: 'complete',
      format: 'elasticsearch',
      lines: 7,
      events: 7,
      sha256: expectedSha256(docs),
      path: 'elasticsearch+https://es.example.test:9200/logs-checkout-*?from=2026-03-29T00%3A00%3A00.000Z&to=2026-03-29T01%3A00%3A00.000Z&q=service.name%3Acheckout+AND+NOT+labels.track%3Atest',
    });
    expect(source?.details).toMatchObject({
      kind: 'elasticsearch-pull',
      cluster: { name: CLUSTER.name, uuid: CLUSTER.uuid, version: CLUSTER.version },
      url: 'https://es.example.test:9200',
      index: 'logs-checkout-*',
      query: 'service.name:checkout AND NOT labels.track:test',
      window: { from: '2026-03-29T00:00:00.000Z', to: '2026-03-29T01:00:00.000Z' },
      pageSize: 3,
      hitsTotal: 7,
      hits: 7,
      auth: 'apiKey',
      client: `@elastic/elasticsearch ${CLIENT_VERSION}`,
      outcome: 'complete',
    });
    expect(progress.map((p) => [p.hitsDone, p.hitsTotal])).toEqual([
      [3, 7],
      [6, 7],
      [7, 7],
    ]);
    expect(progress[0]?.secondsLeft).not.toBeNull();
    closeCase(db);
  });

  it('keeps the window: documents outside [from, to) are not asked for', async () => {
    const docs = ecsDocs(6, '2026-03-29T00:59:57.000Z'); // 00:59:57 … 01:00:02
    const { options } = setup(docs);
    const { db } = newCase();
    const result = await pullIntoCase(db, buildPullRequest(fields), options);
    expect(result).toMatchObject({ lines: 3, events: 3, hitsTotal: 3 });
    closeCase(db);
  });

  it('retries a failed page with backoff, then names the page and what was kept', async () => {
    const docs = ecsDocs(7);
    const { cluster, waits, options } = setup(docs);
    cluster.interceptor = (req, page) => (req.path === '/_search' && page >= 2 ? serverError(500) : undefined);
    const { db } = newCase();
    const error = await failure(pullIntoCase(db, buildPullRequest(fields), options));
    expect(error.code).toBe('REMOTE_FAILED');
    expect(error.message).toContain('page 2 (from hit 4) failed after 4 attempts');
    expect(error.message).toContain('answered 500 (internal_error: failure 500)');
    expect(error.message).toContain('the 3 events (and 0 rejects) of the 3 hits before it are kept');
    expect(error.message).toMatch(/source #\d+ is marked incomplete/);
    expect(waits).toEqual([500, 1000, 2000]);
    const [source] = listSources(db);
    expect(source).toMatchObject({ state: 'incomplete', events: 3, lines: 3 });
    expect(String(source?.details?.outcome)).toContain('page 2');
    expect(db.prepare(`SELECT count(*) AS n FROM events`).get()).toEqual({ n: 3 });
    expect(cluster.livePits.size).toBe(0);
    closeCase(db);
  });

  it('never takes a page with failed shards: retried, then a clear error', async () => {
    const docs = ecsDocs(5);
    const { cluster, options } = setup(docs);
    cluster.interceptor = (req, page) =>
      req.path === '/_search' && page >= 2
        ? {
            status: 200,
            body: { pit_id: 'pit-1', timed_out: false, _shards: { total: 3, failed: 1 }, hits: { hits: [] } },
          }
        : undefined;
    const { db } = newCase();
    const error = await failure(pullIntoCase(db, buildPullRequest(fields), options));
    expect(error.message).toContain('page 2 (from hit 4) failed after 4 attempts');
    expect(error.message).toContain('1 shard(s) failed to answer');
    const firstSearch = cluster.requests.find((r) => r.path === '/_search');
    expect(firstSearch?.querystring).toMatchObject({ allow_partial_search_results: 'false' });
    expect(listSources(db)[0]).toMatchObject({ state: 'incomplete', events: 3 });
    closeCase(db);
  });

  it('backs off after a 429, then goes on', async () => {
    const docs = ecsDocs(5);
    const { cluster, waits, options } = setup(docs);
    let refused = 0;
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2 && refused === 0) {
        refused += 1;
        return serverError(429, 'es_rejected_execution_exception');
      }
      return undefined;
    };
    const { db } = newCase();
    const result = await pullIntoCase(db, buildPullRequest(fields), options);
    expect(result).toMatchObject({ state: 'complete', events: 5 });
    expect(waits).toEqual([500]);
    closeCase(db);
  });

  it('retries a page that timed out, and fails clearly when it keeps timing out', async () => {
    const docs = ecsDocs(5);
    const once = setup(docs);
    let timedOut = false;
    once.cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 1 && !timedOut) {
        timedOut = true;
        return 'timeout';
      }
      return undefined;
    };
    const first = newCase();
    expect(await pullIntoCase(first.db, buildPullRequest(fields), once.options)).toMatchObject({ events: 5 });
    closeCase(first.db);

    const always = setup(docs, { requestTimeoutMs: 1500 });
    always.cluster.interceptor = (req) => (req.path === '/_search' ? 'timeout' : undefined);
    const second = newCase();
    const error = await failure(pullIntoCase(second.db, buildPullRequest(fields), always.options));
    expect(error.message).toContain('page 1 (from hit 1) failed after 4 attempts');
    expect(error.message).toContain('did not answer within 1.5 s');
    expect(listSources(second.db)[0]).toMatchObject({ state: 'incomplete', events: 0 });
    closeCase(second.db);
  });

  it('reopens an expired point in time and goes on from the last timestamp without losing or repeating hits', async () => {
    // Hits 3 to 5 share one timestamp, across the end of page 1: the reopened point in time
    // restarts at that timestamp and skips the one already stored.
    const docs = ecsDocs(8);
    for (const i of [3, 4]) {
      const doc = docs[i]!;
      doc.ts = docs[2]!.ts;
      (doc._source as Record<string, unknown>)['@timestamp'] = (docs[2]!._source as Record<string, unknown>)[
        '@timestamp'
      ];
    }
    const { cluster, options } = setup(docs);
    let expired = false;
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2 && !expired) {
        expired = true;
        cluster.livePits.clear(); // the cluster forgot it
      }
      return undefined;
    };
    const { db } = newCase();
    const result = await pullIntoCase(db, buildPullRequest(fields), options);
    expect(result).toMatchObject({ state: 'complete', events: 8, lines: 8, pitReopened: 1 });
    const messages = (db.prepare(`SELECT message FROM events ORDER BY source_line`).all() as { message: string }[]).map(
      (r) => r.message,
    );
    expect(messages).toEqual(docs.map((_, i) => `request ${i + 1}`));
    const bodies = cluster.searchBodies();
    expect(bodies[2]).toMatchObject({ pit: { id: 'pit-2' }, search_after: [docs[2]?.ts, -1] });
    expect(cluster.openedPits).toEqual(['pit-1', 'pit-2']);
    expect(cluster.livePits.size).toBe(0);
    expect(listSources(db)[0]?.sha256).toBe(expectedSha256(docs));
    expect(listSources(db)[0]?.details).toMatchObject({ pitReopened: 1 });
    closeCase(db);
  });

  it('fails clearly when the expired point in time cannot be reopened', async () => {
    const docs = ecsDocs(7);
    const { cluster, options } = setup(docs);
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2) cluster.livePits.clear();
      if (req.path.endsWith('/_pit') && req.method === 'POST' && cluster.openedPits.length > 0) {
        return serverError(404, 'index_not_found_exception');
      }
      return undefined;
    };
    const { db } = newCase();
    const error = await failure(pullIntoCase(db, buildPullRequest(fields), options));
    expect(error.message).toContain('the point in time expired at page 2 and could not be reopened');
    expect(error.message).toContain('index_not_found_exception');
    expect(error.message).toContain('the 3 events');
    expect(listSources(db)[0]).toMatchObject({ state: 'incomplete', events: 3 });
    closeCase(db);
  });

  it('reports refused credentials without the secret, even when the cluster echoes it, and adds nothing', async () => {
    const { cluster, options } = setup(ecsDocs(3));
    cluster.interceptor = () => ({
      status: 401,
      body: { error: { type: 'security_exception', reason: `unable to authenticate with key [${API_KEY}]` } },
    });
    const { db, file } = newCase();
    const error = await failure(pullIntoCase(db, buildPullRequest(fields), options));
    expect(error.code).toBe('AUTH_FAILED');
    expect(error.message).toContain('refused the credentials (401 Unauthorized');
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain(API_KEY);
    expect(listSources(db)).toEqual([]);
    closeCase(db);
    expect(fs.readFileSync(file).includes(API_KEY)).toBe(false);
  });

  it('pulls with credentials that may read the indices but not the cluster info, and says so', async () => {
    const { cluster, options } = setup(ecsDocs(4));
    cluster.interceptor = (req) =>
      req.method === 'GET' && req.path === '/'
        ? serverError(403, 'security_exception: action [cluster:monitor/main] is unauthorized')
        : undefined;
    const { db } = newCase();
    const result = await pullIntoCase(db, buildPullRequest(fields), options);
    expect(result).toMatchObject({ state: 'complete', events: 4, cluster: { name: '', uuid: '' } });
    expect(listSources(db)[0]?.details).toMatchObject({
      cluster: { name: null, uuid: null, unknown: expect.stringContaining('GET / refused with 403') as string },
    });
    closeCase(db);
  });

  it('keeps what was read when cancelled, marks the source incomplete and closes the point in time', async () => {
    const docs = ecsDocs(9);
    const controller = new AbortController();
    const { cluster, options } = setup(docs, { signal: controller.signal });
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2) controller.abort();
      return undefined;
    };
    const { db } = newCase();
    const result = await pullIntoCase(db, buildPullRequest(fields), options);
    // Page 2 was already on its way when the cancel came: it is stored, and no page 3 is asked for.
    expect(result.state).toBe('incomplete');
    expect(result.message).toMatch(/^cancelled after 6 hits/);
    expect(result.events).toBe(6);
    expect(cluster.searches).toBe(2);
    expect(listSources(db)[0]).toMatchObject({ state: 'incomplete', events: 6 });
    expect(listSources(db)[0]?.details).toMatchObject({ outcome: 'cancelled' });
    expect(cluster.livePits.size).toBe(0);
    closeCase(db);
  });

  it('finds a repeat pull of the same hits to be a duplicate and adds nothing', async () => {
    const docs = ecsDocs(5);
    const { db } = newCase();
    const first = await pullIntoCase(db, buildPullRequest(fields), setup(docs).options);
    // The same documents in another shard order (ties broken differently): still the same hits.
    const shuffled = [docs[1]!, docs[0]!, docs[4]!, docs[3]!, docs[2]!];
    const second = await pullIntoCase(
      db,
      buildPullRequest({ ...fields, to: '2026-03-29T02:00:00Z' }),
      setup(shuffled).options,
    );
    expect(second).toMatchObject({ state: 'skipped', sourceId: null, sha256: first.sha256 });
    expect(second.duplicateOf?.id).toBe(first.sourceId);
    expect(listSources(db)).toHaveLength(1);
    expect(db.prepare(`SELECT count(*) AS n FROM events`).get()).toEqual({ n: 5 });

    // A pull that found nothing is kept as the record of that search, every time.
    const empty = { ...fields, from: '2027-01-01T00:00:00Z', to: '2027-01-02T00:00:00Z' };
    await pullIntoCase(db, buildPullRequest(empty), setup(docs).options);
    const again = await pullIntoCase(db, buildPullRequest(empty), setup(docs).options);
    expect(again.state).toBe('complete');
    expect(listSources(db)).toHaveLength(3);
    closeCase(db);
  });

  it('treats every hit as hostile: rejects what cannot be an event, with its ordinal as the line', async () => {
    const docs = ecsDocs(7);
    docs[1]!._source = undefined;
    docs[2]!._source = ['not', 'an', 'object'];
    docs[3]!._source = { '@timestamp': 'yesterday', message: '\u001b[2Jwipe' };
    docs[4]!._source = { ...(docs[4]!._source as object), 'http.response.status_code': 'abc' };
    // Indexed inside the window, but its _source says otherwise: the cluster is not trusted.
    docs[5]!._source = { ...(docs[5]!._source as object), '@timestamp': '2026-03-29T05:00:00Z' };
    // Without an offset, read as UTC as Elasticsearch indexed it (not in --zone).
    docs[6]!._source = { ...(docs[6]!._source as object), '@timestamp': '2026-03-29T00:00:06' };
    const { options } = setup(docs);
    const { db } = newCase();
    const request = buildPullRequest({ ...fields, zone: 'America/New_York' });
    const result = await pullIntoCase(db, request, options);
    expect(result).toMatchObject({ state: 'complete', lines: 7, events: 2, rejects: 5 });
    const rejects = listRejects(db, result.sourceId ?? -1);
    expect(rejects.map((r) => [r.line, r.reason])).toEqual([
      [2, 'the hit has no _source (the index does not keep it, or it was filtered out)'],
      [3, '_source is not a JSON object'],
      [4, '@timestamp: time "yesterday" is not ISO 8601'],
      [5, 'http.response.status_code is not a number: "abc"'],
      [6, '@timestamp 2026-03-29T05:00:00.000Z is outside the window asked for'],
    ]);
    expect(db.prepare(`SELECT source_line AS line, ts FROM events ORDER BY id`).all()).toEqual([
      { line: 1, ts: Date.parse('2026-03-29T00:00:00Z') },
      { line: 7, ts: Date.parse('2026-03-29T00:00:06Z') },
    ]);
    expect(listSources(db)[0]).toMatchObject({ zone: 'UTC' });
    expect(listSources(db)[0]?.details).toMatchObject({
      window: { given: { from: fields.from, to: fields.to, zone: 'America/New_York' } },
    });
    closeCase(db);
  });

  it('reads a Metricbeat document as metric samples, as an ECS file would', async () => {
    const docs = ecsDocs(2);
    docs[1]!._source = {
      '@timestamp': '2026-03-29T00:00:01Z',
      'metricset.name': 'cpu',
      'service.name': 'checkout',
      'labels.track': 'canary',
      'system.cpu.total.norm.pct': 0.75,
    };
    const { options } = setup(docs);
    const { db } = newCase();
    const result = await pullIntoCase(db, buildPullRequest(fields), options);
    expect(result).toMatchObject({ lines: 2, events: 1, metrics: 1, rejects: 0 });
    expect(db.prepare(`SELECT source_line AS line, name, value, track FROM metrics`).all()).toEqual([
      { line: 2, name: 'system.cpu.total.norm.pct', value: 0.75, track: 'canary' },
    ]);
    closeCase(db);
  });

  it('stops with a clear error on a hit without sort values, keeping the pages before', async () => {
    const docs = ecsDocs(5);
    const { cluster, options } = setup(docs);
    cluster.interceptor = (req, page) =>
      req.path === '/_search' && page === 2
        ? { status: 200, body: { pit_id: 'pit-1', timed_out: false, hits: { hits: [{ _id: 'x', _source: {} }] } } }
        : undefined;
    const { db } = newCase();
    const error = await failure(pullIntoCase(db, buildPullRequest(fields), options));
    expect(error.message).toContain('a hit of page 2 has no sort values');
    expect(listSources(db)[0]).toMatchObject({ state: 'incomplete', events: 3 });
    closeCase(db);
  });

  it('stores nothing when the cluster cannot be reached', async () => {
    const { db } = newCase();
    const error = await failure(
      pullIntoCase(db, buildPullRequest({ ...fields, url: 'http://127.0.0.1:9' }), {
        sleep: () => Promise.resolve(),
      }),
    );
    expect(error.code).toBe('REMOTE_FAILED');
    expect(error.message).toMatch(/^pulling logs-checkout-\* from http:\/\/127\.0\.0\.1:9: cannot reach/);
    expect(error.message).toContain('nothing was added to the case');
    expect(listSources(db)).toEqual([]);
    closeCase(db);
  });
});

describe('pull request checks', () => {
  it('refuses credentials in the URL without repeating them', () => {
    expect(() => buildPullRequest({ ...fields, url: 'https://elastic:hunter2@es:9200' })).toThrow(
      /holds a user name or password/,
    );
    try {
      buildPullRequest({ ...fields, url: 'https://elastic:hunter2@es:9200' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });

  it('reads UK times in the zone, ISO times only with an offset, and wants to after from', () => {
    // 29/03/2026 is the spring change in London: 00:30 is GMT, 02:30 is BST.
    const bst = buildPullRequest({ ...fields, from: '29/03/2026 00:30:00', to: '29/03/2026 02:30:00' });
    expect(new Date(bst.window.from).toISOString()).toBe('2026-03-29T00:30:00.000Z');
    expect(new Date(bst.window.to).toISOString()).toBe('2026-03-29T01:30:00.000Z');
    const ny = buildPullRequest({
      ...fields,
      from: '01/07/2026 09:00:00',
      to: '01/07/2026 10:00:00',
      zone: 'America/New_York',
    });
    expect(new Date(ny.window.from).toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(() => buildPullRequest({ ...fields, from: '2026-03-29T00:00:00' })).toThrow(/with an offset/);
    expect(() => buildPullRequest({ ...fields, from: '31/02/2026 00:00:00' })).toThrow(/not a real date/);
    expect(() => buildPullRequest({ ...fields, from: fields.to })).toThrow(/--to must be after --from/);
  });

  it('bounds the page size and checks the index pattern and fingerprint', () => {
    expect(() => buildPullRequest({ ...fields, pageSize: 10_001 })).toThrow(/1 to 10000/);
    expect(() => buildPullRequest({ ...fields, pageSize: 0 })).toThrow(/1 to 10000/);
    expect(() => buildPullRequest({ ...fields, index: 'logs/../x' })).toThrow(/index pattern/);
    expect(() => buildPullRequest({ ...fields, tls: { fingerprint: 'abc' } })).toThrow(/64 hex digits/);
    expect(() => buildPullRequest({ ...fields, url: 'http://es:9200', tls: { fingerprint: 'ab'.repeat(32) } })).toThrow(
      /needs an https/,
    );
    const pinned = buildPullRequest({ ...fields, tls: { fingerprint: 'ab'.repeat(32) } });
    expect(pinned.tls.fingerprint).toBe(Array(32).fill('AB').join(':'));
  });

  it('sends an id:key API key encoded, and scrubs every form of a key', () => {
    expect(apiKeyHeaderValue('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw')).toBe(
      Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64'),
    );
    expect(apiKeyHeaderValue(API_KEY)).toBe(API_KEY);
    const encoded = Buffer.from('VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw').toString('base64');
    const secrets = secretsOf({ kind: 'apiKey', apiKey: encoded });
    expect(scrub(`key ${encoded}, decoded VuaCfGcBCdbkQm-e5aOx:ui2lp2axTNmsyakw9tvNnw`, secrets)).toBe(
      'key [redacted], decoded [redacted]',
    );
    expect(scrub('only the secret half ui2lp2axTNmsyakw9tvNnw', secrets)).toBe('only the secret half [redacted]');
  });
});

describe('pull request checks', () => {
  it('refuses a pinned CA fingerprint together with verification turned off', () => {
    expect(() =>
      buildPullRequest({
        ...fields,
        url: 'https://127.0.0.1:9200',
        tls: { fingerprint: 'ab'.repeat(32), insecureSkipVerify: true },
      }),
    ).toThrow(/contradict each other/);
  });
});
