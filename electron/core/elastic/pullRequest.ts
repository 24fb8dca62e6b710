// What a pull asks of the cluster, checked before anything connects: the cluster URL (never
// with credentials in it), the index pattern, the time window and the query, and the exact
// search body they make. The CLI and the API both build their request here.
import { CoalmineError } from '../../../shared/errors.js';
import { DEFAULT_ZONE, checkZone, parseTypedTime } from '../ingest/time.js';

export const DEFAULT_PAGE_SIZE = 1000;
/** Elasticsearch refuses pages above `index.max_result_window` (10,000 unless raised). */
export const MAX_PAGE_SIZE = 10_000;
export const PIT_KEEP_ALIVE = '5m';

export interface PullWindow {
  /** UTC epoch ms: `from` is included, `to` is not ([from, to)). */
  from: number;
  to: number;
  /** The window as the person gave it, for the record. */
  given: { from: string; to: string; zone: string };
}

/**
 * Elasticsearch indexes a `@timestamp` written without an offset as UTC; the pull reads
 * `_source` the same way, so that an event's time is the one the cluster filtered and sorted on.
 */
export const PULL_SOURCE_ZONE = 'UTC';

/** Credentials: kept in memory for the pull only, never written anywhere. */
export type PullAuth =
  { kind: 'none' } | { kind: 'apiKey'; apiKey: string } | { kind: 'basic'; username: string; password: string };

export interface PullTls {
  /** PEM text of the CA that signs the cluster's certificate (`--ca FILE`). */
  ca?: { pem: string; label: string };
  /** SHA-256 fingerprint of that CA certificate (`--fingerprint`). */
  fingerprint?: string;
  /** Turns certificate verification off; only by name, and warned about. */
  insecureSkipVerify?: boolean;
}

export interface PullRequest {
  /** The cluster's URL as given, without credentials (checked by `parseClusterUrl`). */
  url: URL;
  index: string;
  window: PullWindow;
  /** A Lucene query string, ANDed with the window; null for every document in it. */
  query: string | null;
  pageSize: number;
  /** Zone of `DD/MM/YYYY HH:mm:ss` window times. */
  zone: string;
  auth: PullAuth;
  tls: PullTls;
  track: 'canary' | 'stable' | null;
  service: string | null;
  version: string | null;
  /** For the hits that name no environment (their own is kept). */
  environment: string | null;
}

/**
 * The cluster URL: http or https, no user name or password in it (they would end up in shell
 * history, logs and the case), no query or fragment. The message never repeats the URL when
 * it might hold a secret.
 */
export function parseClusterUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new CoalmineError('BAD_INPUT', 'the cluster URL is not a URL (expected https://host:9200)');
  }
  if (url.username !== '' || url.password !== '') {
    throw new CoalmineError(
      'BAD_INPUT',
      'the cluster URL holds a user name or password; give them with --user and --password-env (or --api-key) instead, so that they are never recorded',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new CoalmineError('BAD_INPUT', `the cluster URL must start with https:// or http://, not ${url.protocol}//`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new CoalmineError('BAD_INPUT', 'the cluster URL must not have a query (?…) or fragment (#…)');
  }
  return url;
}

/** The URL as recorded and shown: scheme, host, port and path prefix, nothing else. */
export function displayUrl(url: URL): string {
  const pathPart = url.pathname === '/' ? '' : url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.host}${pathPart}`;
}

// Index names cannot hold these (Elasticsearch's own rule); a pattern may hold * and commas.
const BAD_INDEX = /[\\/?"<>| #\s]/;

export function checkIndexPattern(index: string): string {
  const trimmed = index.trim();
  if (trimmed === '' || trimmed.length > 1000) throw new CoalmineError('BAD_INPUT', 'the index pattern is empty');
  if (BAD_INDEX.test(trimmed)) {
    throw new CoalmineError(
      'BAD_INPUT',
      'the index pattern may not hold spaces or any of \\ / ? " < > | # (use * and commas: logs-*,audit-*)',
    );
  }
  return trimmed;
}

export function parseWindow(from: string, to: string, zone: string): PullWindow {
  checkZone(zone);
  const window = {
    from: parseTypedTime(from, zone, '--from'),
    to: parseTypedTime(to, zone, '--to'),
    given: { from: from.trim(), to: to.trim(), zone },
  };
  if (window.to <= window.from) {
    throw new CoalmineError('BAD_INPUT', '--to must be after --from (the window is [from, to))');
  }
  return window;
}

export function checkPageSize(size: number): number {
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new CoalmineError('BAD_INPUT', `the page size must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** A SHA-256 fingerprint as `openssl x509 -fingerprint -sha256` or Kibana print it. */
export function checkFingerprint(text: string): string {
  const hex = text
    .trim()
    .replace(/^sha256\s*fingerprint\s*=\s*/i, '')
    .replace(/:/g, '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
    throw new CoalmineError('BAD_INPUT', '--fingerprint must be a SHA-256 fingerprint: 64 hex digits, colons allowed');
  }
  return hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
}

/** The query of every page: the window on `@timestamp` AND the analyst's query string. */
export function searchQuery(request: Pick<PullRequest, 'window' | 'query'>): Record<string, unknown> {
  const filter: Record<string, unknown>[] = [
    {
      range: {
        '@timestamp': {
          gte: new Date(request.window.from).toISOString(),
          lt: new Date(request.window.to).toISOString(),
          format: 'strict_date_optional_time',
        },
      },
    },
  ];
  if (request.query !== null) {
    filter.push({ query_string: { query: request.query } });
  }
  return { bool: { filter } };
}

/**
 * The sort of every page. `_shard_doc` is the point-in-time tiebreaker; `@timestamp` comes back
 * as text with nanoseconds, because a `date_nanos` sort value as a number loses precision in
 * JSON and `search_after` would then skip or repeat hits. `unmapped_type`: an index of the
 * pattern without the field must not fail the whole search.
 */
export const PULL_SORT = [
  { '@timestamp': { order: 'asc', format: 'strict_date_optional_time_nanos', unmapped_type: 'date' } },
  { _shard_doc: 'asc' },
] as const;

/** A pull as the CLI and the API describe it, before it is checked. */
export interface PullFields {
  url: string;
  index: string;
  from: string;
  to: string;
  query?: string | undefined;
  zone?: string | undefined;
  pageSize?: number | undefined;
  auth?: PullAuth | undefined;
  tls?: PullTls | undefined;
  track?: 'canary' | 'stable' | undefined;
  service?: string | undefined;
  version?: string | undefined;
  /** The deployment environment of the hits that name none. */
  environment?: string | undefined;
}

export function checkCaPem(pem: string, label: string): { pem: string; label: string } {
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new CoalmineError('BAD_INPUT', `${label} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return { pem, label };
}

export function buildPullRequest(fields: PullFields): PullRequest {
  const zone = checkZone(fields.zone ?? DEFAULT_ZONE);
  const auth = fields.auth ?? { kind: 'none' };
  if (auth.kind === 'basic' && (auth.username.includes(':') || auth.username.trim() === '')) {
    throw new CoalmineError('BAD_INPUT', 'the user name must not be empty or hold a colon');
  }
  const tlsIn = fields.tls ?? {};
  const tlsOut: PullTls = {
    ...(tlsIn.ca ? { ca: tlsIn.ca } : {}),
    ...(tlsIn.fingerprint ? { fingerprint: checkFingerprint(tlsIn.fingerprint) } : {}),
    ...(tlsIn.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
  };
  const url = parseClusterUrl(fields.url);
  // Pinning a CA while verification is off would record a check that is not made.
  if (tlsOut.fingerprint && tlsOut.insecureSkipVerify) {
    throw new CoalmineError(
      'BAD_INPUT',
      'a pinned CA fingerprint (--fingerprint) and --insecure-skip-tls-verify contradict each other: give one',
    );
  }
  if (url.protocol !== 'https:' && (tlsOut.ca || tlsOut.fingerprint)) {
    throw new CoalmineError('BAD_INPUT', 'a CA (--ca) or fingerprint (--fingerprint) needs an https:// cluster URL');
  }
  const query = fields.query?.trim() ? fields.query.trim() : null;
  return {
    url,
    index: checkIndexPattern(fields.index),
    window: parseWindow(fields.from, fields.to, zone),
    query,
    pageSize: checkPageSize(fields.pageSize ?? DEFAULT_PAGE_SIZE),
    zone,
    auth,
    tls: tlsOut,
    track: fields.track ?? null,
    service: fields.service?.trim() || null,
    version: fields.version?.trim() || null,
    environment: fields.environment?.trim() || null,
  };
}
