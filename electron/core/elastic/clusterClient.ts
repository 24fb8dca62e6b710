// The Elasticsearch client for one pull, and how its failures read to a person. Credentials
// live only inside the client; every message that leaves this module has them scrubbed, and
// text from the cluster (error reasons) is treated as hostile: clipped, never trusted.
import { createRequire } from 'node:module';
import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import { Client } from '@elastic/elasticsearch';

type ClientOptions = ConstructorParameters<typeof Client>[0];
import { CoalmineError } from '../../../shared/errors.js';
import { type PullAuth, type PullRequest, displayUrl } from './pullRequest.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
/** A page of 10,000 large documents stays well under this; a hostile answer cannot fill memory. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

const cjsRequire = createRequire(import.meta.url);
export const CLIENT_VERSION = (cjsRequire('@elastic/elasticsearch/package.json') as { version: string }).version;

/** Every form a secret of this pull could take in a message (as given, and as sent on the wire). */
export function secretsOf(auth: PullAuth): string[] {
  if (auth.kind === 'apiKey') {
    // The key as given, as sent, and decoded (`id:key`), and its secret half alone.
    const decoded = auth.apiKey.includes(':') ? auth.apiKey : Buffer.from(auth.apiKey, 'base64').toString('utf8');
    const forms = [auth.apiKey, apiKeyHeaderValue(auth.apiKey), Buffer.from(auth.apiKey).toString('base64')];
    if (/^[\x21-\x7e]+:[\x21-\x7e]{8,}$/.test(decoded)) forms.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
    return forms;
  }
  if (auth.kind === 'basic') {
    return [auth.password, Buffer.from(`${auth.username}:${auth.password}`).toString('base64')];
  }
  return [];
}

/** The value of `Authorization: ApiKey …`: base64 of `id:key`. */
export function apiKeyHeaderValue(apiKey: string): string {
  return apiKey.includes(':') ? Buffer.from(apiKey).toString('base64') : apiKey;
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first, so a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length > 0) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/**
 * With `--fingerprint`, the CA that the cluster presents in its chain is taken only if its
 * SHA-256 matches, and then the chain is verified against it like any CA (signatures and host
 * name). Checking the fingerprint with verification off, as often advised, would accept a forged
 * leaf certificate sent along with the real (public) CA certificate.
 */
export async function fetchPinnedCa(url: URL, fingerprint: string, timeoutMs: number): Promise<string> {
  const want = fingerprint.replace(/:/g, '').toUpperCase();
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 443);
  const socket = tls.connect({
    host,
    port,
    ...(net.isIP(host) ? {} : { servername: host }),
    // Only to read the chain; nothing is sent on this connection.
    rejectUnauthorized: false,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no TLS handshake within ${timeoutMs} ms`)), timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    let cert: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
    const seen = new Set<string>();
    while (cert && cert.raw && !seen.has(cert.fingerprint256)) {
      seen.add(cert.fingerprint256);
      if (cert.fingerprint256.replace(/:/g, '').toUpperCase() === want) {
        return new X509Certificate(cert.raw).toString();
      }
      cert = cert.issuerCertificate;
    }
  } catch (error) {
    throw new CoalmineError(
      'REMOTE_FAILED',
      `cannot reach ${displayUrl(url)} over TLS to check --fingerprint (${clip((error as Error).message)})`,
      { cause: error },
    );
  } finally {
    socket.destroy();
  }
  throw new CoalmineError(
    'REMOTE_FAILED',
    `no certificate in the chain that ${displayUrl(url)} presents has the SHA-256 fingerprint given with --fingerprint; nothing was sent to it`,
  );
}

export interface ClientSetup {
  requestTimeoutMs?: number;
  /** Tests hand the mock's connection class here. */
  Connection?: ClientOptions['Connection'];
  /** The CA fetched for `--fingerprint` (see fetchPinnedCa). */
  pinnedCa?: string;
}

export function createClusterClient(request: PullRequest, setup: ClientSetup = {}): Client {
  const { auth } = request;
  const verify = request.tls.insecureSkipVerify !== true;
  const ca = [request.tls.ca?.pem, setup.pinnedCa].filter((x): x is string => typeof x === 'string');
  const options: ClientOptions = {
    node: displayUrl(request.url),
    requestTimeout: setup.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    // Retries are ours (pull.ts): bounded, with backoff, and named in the messages.
    maxRetries: 0,
    maxResponseSize: MAX_RESPONSE_BYTES,
    compression: false,
    tls: { rejectUnauthorized: verify, ...(ca.length > 0 ? { ca } : {}) },
    ...(request.tls.fingerprint && request.url.protocol === 'https:' ? { caFingerprint: request.tls.fingerprint } : {}),
    // Kibana shows the key encoded; `id:key` as the API returns it is encoded here.
    ...(auth.kind === 'apiKey' ? { auth: { apiKey: apiKeyHeaderValue(auth.apiKey) } } : {}),
    ...(auth.kind === 'basic' ? { auth: { username: auth.username, password: auth.password } } : {}),
    ...(setup.Connection ? { Connection: setup.Connection } : {}),
    // Errors carry request metadata; the client replaces auth headers in it (and we never print it).
    redaction: { type: 'replace' },
  };
  return new Client(options);
}

function clip(text: string, max = 300): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max)}…` : one;
}

/** The parts of a client error we act on; by name, since the client's ESM and CJS builds differ in class. */
export interface ClusterFailure {
  kind: 'response' | 'timeout' | 'connection' | 'aborted' | 'other';
  status: number | null;
  /** The cluster's own error type and reason, clipped (hostile text). */
  reason: string;
  /** Seconds from a Retry-After header, if the cluster sent one. */
  retryAfterSeconds: number | null;
  pitMissing: boolean;
}

export function describeFailure(error: unknown): ClusterFailure {
  const e = error as {
    name?: unknown;
    message?: unknown;
    meta?: { statusCode?: unknown; body?: unknown; headers?: Record<string, unknown> };
  };
  const name = typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (name === 'RequestAbortedError') {
    return { kind: 'aborted', status: null, reason: 'cancelled', retryAfterSeconds: null, pitMissing: false };
  }
  if (name === 'TimeoutError') {
    return { kind: 'timeout', status: null, reason: clip(message), retryAfterSeconds: null, pitMissing: false };
  }
  if (name === 'ConnectionError') {
    return { kind: 'connection', status: null, reason: clip(message), retryAfterSeconds: null, pitMissing: false };
  }
  if (name === 'ResponseError') {
    const status = typeof e.meta?.statusCode === 'number' ? e.meta.statusCode : null;
    const body = e.meta?.body;
    let bodyText: string;
    try {
      bodyText = typeof body === 'string' ? body : JSON.stringify(body ?? '');
    } catch {
      bodyText = '';
    }
    const err = (body as { error?: { type?: unknown; reason?: unknown } } | null)?.error;
    const reason =
      err && typeof err === 'object'
        ? [err.type, err.reason].filter((x) => typeof x === 'string').join(': ')
        : typeof err === 'string'
          ? err
          : bodyText;
    const retryHeader = e.meta?.headers?.['retry-after'];
    const retryAfter = typeof retryHeader === 'string' && /^\d{1,5}$/.test(retryHeader) ? Number(retryHeader) : null;
    return {
      kind: 'response',
      status,
      reason: clip(reason || message),
      retryAfterSeconds: retryAfter,
      pitMissing:
        bodyText.includes('search_context_missing_exception') ||
        bodyText.includes('No search context found') ||
        (status === 404 && bodyText.includes('point in time')),
    };
  }
  return { kind: 'other', status: null, reason: clip(message), retryAfterSeconds: null, pitMissing: false };
}

/** Whether trying the same request again may succeed. */
export function isTransient(failure: ClusterFailure): boolean {
  if (failure.kind === 'timeout' || failure.kind === 'connection') return true;
  return failure.kind === 'response' && failure.status !== null && [429, 500, 502, 503, 504].includes(failure.status);
}

/** One line a person can act on, naming the cluster and never the credentials. */
export function failureMessage(failure: ClusterFailure, url: URL, requestTimeoutMs: number): string {
  const where = displayUrl(url);
  switch (failure.kind) {
    case 'timeout':
      return `${where} did not answer within ${requestTimeoutMs / 1000} s (--timeout)`;
    case 'connection': {
      const tlsHint = /certificate|self[- ]signed|CERT_|SSL|TLS/i.test(failure.reason)
        ? '; give the cluster CA with --ca FILE or --fingerprint SHA256'
        : '';
      return `cannot reach ${where} (${failure.reason})${tlsHint}`;
    }
    case 'response':
      if (failure.status === 401) {
        return `${where} refused the credentials (401 Unauthorized: ${failure.reason})`;
      }
      if (failure.status === 403) {
        return `${where} refused access (403 Forbidden: ${failure.reason}); the credentials need the read and view_index_metadata privileges on the index pattern`;
      }
      return `${where} answered ${failure.status ?? 'an error'} (${failure.reason})`;
    case 'aborted':
      return 'cancelled';
    case 'other':
      return `request to ${where} failed (${failure.reason})`;
  }
}
