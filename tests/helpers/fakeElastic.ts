// A small in-memory Elasticsearch for pull tests: info, point in time (open, close), and
// `_search` with a PIT, the `@timestamp` range, sort by `@timestamp` then `_shard_doc`, and
// `search_after`. The same cluster answers through @elastic/elasticsearch-mock (in process)
// and through a real HTTP server on 127.0.0.1 (the client's whole code path).
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

export interface FakeDoc {
  _index: string;
  _id: string;
  /** The `@timestamp` sort value as the cluster formats it (strict_date_optional_time_nanos). */
  ts: string;
  _source?: unknown;
}

export interface FakeRequest {
  method: string;
  path: string;
  querystring: Record<string, unknown>;
  body: Record<string, unknown> | null;
}

export interface FakeAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Answers the request instead of the cluster when it returns something; `'timeout'` makes the mock time out. */
export type Interceptor = (request: FakeRequest, searchPage: number) => FakeAnswer | 'timeout' | undefined;

export const CLUSTER = { name: 'prod-logs', uuid: 'abc123uuid', version: '8.15.0' };

export class FakeCluster {
  readonly requests: FakeRequest[] = [];
  readonly openedPits: string[] = [];
  readonly closedPits: string[] = [];
  readonly livePits = new Set<string>();
  /** Search requests answered so far (1-based page numbers for interceptors). */
  searches = 0;
  interceptor: Interceptor | null = null;
  private pitCounter = 0;

  constructor(readonly docs: FakeDoc[]) {
    // Cluster order: @timestamp, then the order of the list (its `_shard_doc`).
  }

  handle(request: FakeRequest): FakeAnswer | 'timeout' {
    this.requests.push(request);
    const isSearch = request.method === 'POST' && request.path === '/_search';
    if (isSearch) this.searches += 1;
    const intercepted = this.interceptor?.(request, this.searches);
    if (intercepted !== undefined) return intercepted;

    if (request.method === 'GET' && request.path === '/') {
      return {
        status: 200,
        body: {
          name: 'node-1',
          cluster_name: CLUSTER.name,
          cluster_uuid: CLUSTER.uuid,
          version: { number: CLUSTER.version },
          tagline: 'You Know, for Search',
        },
      };
    }
    if (request.method === 'POST' && /^\/[^/]+\/_pit$/.test(request.path)) {
      this.pitCounter += 1;
      const id = `pit-${this.pitCounter}`;
      this.openedPits.push(id);
      this.livePits.add(id);
      return { status: 200, body: { id, _shards: { total: 1, successful: 1, failed: 0 } } };
    }
    if (request.method === 'DELETE' && request.path === '/_pit') {
      const given = (request.body as { id?: unknown } | null)?.id;
      const id = typeof given === 'string' ? given : '';
      this.closedPits.push(id);
      const known = this.livePits.delete(id.split('~')[0] ?? '');
      return { status: known ? 200 : 404, body: { succeeded: known, num_freed: known ? 1 : 0 } };
    }
    if (isSearch) return this.search(request.body ?? {});
    return { status: 404, body: { error: { type: 'no_handler', reason: `no ${request.method} ${request.path}` } } };
  }

  private search(body: Record<string, unknown>): FakeAnswer {
    const pit = body.pit as { id?: string } | undefined;
    // An id this cluster gave, possibly rotated: "pit-2" then "pit-2~1", "pit-2~2", …
    const base = String(pit?.id ?? '').split('~')[0] ?? '';
    if (!this.livePits.has(base)) {
      return {
        status: 404,
        body: {
          error: {
            root_cause: [
              { type: 'search_context_missing_exception', reason: `No search context found for id [${base}]` },
            ],
            type: 'search_phase_execution_exception',
            reason: 'all shards failed',
          },
          status: 404,
        },
      };
    }
    const filter = ((body.query as { bool?: { filter?: unknown[] } })?.bool?.filter ?? []) as Record<string, unknown>[];
    const range = (filter[0]?.range as Record<string, { gte: string; lt: string }> | undefined)?.['@timestamp'];
    const from = range ? Date.parse(range.gte) : -Infinity;
    const to = range ? Date.parse(range.lt) : Infinity;
    const size = Number(body.size ?? 10);
    const after = body.search_after as [string, number] | undefined;
    const ordered = this.docs
      .map((doc, shardDoc) => ({ doc, shardDoc }))
      .filter(({ doc }) => Date.parse(doc.ts) >= from && Date.parse(doc.ts) < to)
      .sort((a, b) => (a.doc.ts < b.doc.ts ? -1 : a.doc.ts > b.doc.ts ? 1 : a.shardDoc - b.shardDoc));
    const total = ordered.length;
    const rest = after
      ? ordered.filter(({ doc, shardDoc }) => doc.ts > after[0] || (doc.ts === after[0] && shardDoc > after[1]))
      : ordered;
    const page = rest.slice(0, size).map(({ doc, shardDoc }) => ({
      _index: doc._index,
      _id: doc._id,
      _score: null,
      ...(doc._source === undefined ? {} : { _source: doc._source }),
      sort: [doc.ts, shardDoc],
    }));
    return {
      status: 200,
      body: {
        pit_id: `${base}~${this.searches}`,
        took: 1,
        timed_out: false,
        _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
        hits: {
          ...(body.track_total_hits === true ? { total: { value: total, relation: 'eq' } } : {}),
          max_score: null,
          hits: page,
        },
      },
    };
  }

  searchBodies(): Record<string, unknown>[] {
    return this.requests.filter((r) => r.path === '/_search').map((r) => r.body ?? {});
  }
}

const cjs = createRequire(import.meta.url);
// The mock require()s the client's CommonJS build: its errors must come from there (TOOLCHAIN.md).
const cjsErrors = (cjs('@elastic/elasticsearch') as { errors: Record<string, new (...args: unknown[]) => Error> })
  .errors;

interface MockLike {
  add(pattern: { method: string | string[]; path: string | string[] }, fn: (params: unknown) => unknown): unknown;
  getConnection(): unknown;
}

/** The cluster behind @elastic/elasticsearch-mock; returns the connection class for the client. */
export function mockConnection(cluster: FakeCluster): unknown {
  const Mock = cjs('@elastic/elasticsearch-mock') as new () => MockLike;
  const mock = new Mock();
  const answer = (params: unknown): unknown => {
    const p = params as { method: string; path: string; querystring: Record<string, unknown>; body: unknown };
    const result = cluster.handle({
      method: p.method,
      path: p.path,
      querystring: p.querystring,
      body: (p.body ?? null) as Record<string, unknown> | null,
    });
    if (result === 'timeout') return new cjsErrors.TimeoutError!('Request timed out');
    if (result.status >= 400) {
      return new cjsErrors.ResponseError!({
        body: result.body,
        statusCode: result.status,
        headers: result.headers ?? {},
      });
    }
    return result.body;
  };
  mock.add({ method: 'GET', path: '/' }, answer);
  mock.add({ method: 'POST', path: '/:index/_pit' }, answer);
  mock.add({ method: 'POST', path: '/_search' }, answer);
  mock.add({ method: 'DELETE', path: '/_pit' }, answer);
  return mock.getConnection();
}

export interface FakeServer {
  url: string;
  /** Authorization headers as received. */
  authorizations: string[];
  close(): Promise<void>;
}

/**
 * The cluster over real HTTP on 127.0.0.1, with the product header the client insists on;
 * over HTTPS when given a key and certificate chain (PEM).
 */
export async function startFakeServer(cluster: FakeCluster, tls?: { key: string; cert: string }): Promise<FakeServer> {
  const authorizations: string[] = [];
  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      authorizations.push(String(req.headers.authorization ?? ''));
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      const result = cluster.handle({
        method: req.method ?? 'GET',
        path: url.pathname,
        querystring: Object.fromEntries(url.searchParams),
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      });
      if (result === 'timeout') return; // never answers: the client's requestTimeout ends it
      res.writeHead(result.status, {
        'content-type': 'application/json',
        'x-elastic-product': 'Elasticsearch',
        ...result.headers,
      });
      res.end(JSON.stringify(result.body));
    });
  };
  const server = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** ECS documents, `n` of them, one second apart from `start` (ISO, UTC). */
export function ecsDocs(n: number, start = '2026-03-29T00:00:00.000Z', extra: Record<string, unknown> = {}): FakeDoc[] {
  const t0 = Date.parse(start);
  return Array.from({ length: n }, (_, i) => {
    const ts = new Date(t0 + i * 1000).toISOString();
    return {
      _index: 'logs-checkout-2026.03.29',
      _id: `doc-${i + 1}`,
      ts: ts.replace('Z', '000000Z'),
      _source: {
        '@timestamp': ts,
        'service.name': 'checkout',
        'service.version': '2.4.0',
        'labels.track': i % 2 === 0 ? 'canary' : 'stable',
        'http.response.status_code': 200,
        message: `request ${i + 1}`,
        ...extra,
      },
    };
  });
}
