// One Elasticsearch pull into the case: a point in time over the index pattern, pages in
// `search_after` order (`@timestamp`, then `_shard_doc`), each hit's `_source` mapped like an
// ECS file's line and written through the same batched source writer as a file import.
//
// - The "line" of an event or reject is the hit's ordinal in the pull, from 1.
// - `raw` is the hit's `_source` as JSON text (the client's parse, written back by
//   JSON.stringify: key order kept; integers beyond 2^53 come back rounded).
// - The source's SHA-256 is that of the NDJSON of every hit's `_source` text (each followed by
//   "\n"), in `@timestamp` order and, among hits with the same `@timestamp`, in UTF-8 byte order
//   of the text. `_shard_doc` is not used for the order: it changes when segments merge, and a
//   repeat pull of the same documents must give the same SHA-256, so that it is found to be a
//   duplicate and adds nothing. A pull with no hits is never a duplicate: it is kept as the
//   record of a search that found nothing.
// - Pages are retried a bounded number of times on 429/5xx, timeouts and dropped connections;
//   an expired point in time is reopened and the pull continues from the start of the last
//   `@timestamp` read, skipping the hits (by index and id) already stored.
// - Whatever stops the pull (a failure, a cancel), the pages stored are kept, the source is
//   marked incomplete with the reason in its details, and the point in time is closed.
// - Each hit keeps its document's `<_index>/<_id>`. A hit whose document the case already holds
//   (an earlier pull with an overlapping window or another query, a saved `_search` file) is not
//   stored again: it is counted as a duplicate on the source, so no figure counts it twice
//   (case/documents.ts). The SHA-256 is still of every hit.
import { createHash } from 'node:crypto';
import type { Client, estypes } from '@elastic/elasticsearch';
import type { PullProgress, SourceCounts, SourceSummary } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { duplicateHolders } from '../case/documents.js';
import { caseTaggingRules } from '../case/retag.js';
import type { Reject } from '../case/rejects.js';
import {
  completeSource,
  deleteSource,
  endImportHere,
  findSourcesBySha256,
  insertSource,
  listSources,
  mergeSourceDetails,
  setSourceContentHash,
  setSourceDetails,
  setSourceState,
} from '../case/sources.js';
import { isObject } from '../ingest/fieldAccess.js';
import { ecsDocumentRecords } from '../ingest/formats/ecsNdjson.js';
import { documentKey } from '../ingest/formats/esSearch.js';
import type { NormaliseContext } from '../ingest/normalise.js';
import { createSourceWriter } from '../ingest/sourceWriter.js';
import { type WalCheckpointer, startWalCheckpointer } from '../case/walCheckpointer.js';
import { guardedWrite, refuseCaseWrite } from '../caseWrites.js';
import {
  CLIENT_VERSION,
  type ClientSetup,
  type ClusterFailure,
  DEFAULT_REQUEST_TIMEOUT_MS,
  createClusterClient,
  describeFailure,
  failureMessage,
  fetchPinnedCa,
  isTransient,
  scrub,
  secretsOf,
} from './clusterClient.js';
import {
  PIT_KEEP_ALIVE,
  PULL_SORT,
  PULL_SOURCE_ZONE,
  type PullRequest,
  displayUrl,
  searchQuery,
} from './pullRequest.js';

export const PULL_FORMAT = 'elasticsearch';
export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_MAX_PIT_REOPENS = 3;

export interface PullOptions {
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  requestTimeoutMs?: number;
  /** Attempts per request (the first and its retries) on 429/5xx, timeouts, dropped connections. */
  maxAttempts?: number;
  maxPitReopens?: number;
  /** Waits between retries; tests inject one that does not wait. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  /** Tests: the mock's connection class. */
  Connection?: ClientSetup['Connection'];
}

export interface PullResult extends SourceCounts {
  sourceId: number | null;
  path: string;
  sha256: string;
  format: typeof PULL_FORMAT;
  cluster: { name: string; uuid: string };
  /** `hits.total` as the cluster counted it on the first page; null if it did not say. */
  hitsTotal: number | null;
  rejectSample: Reject[];
  pages: number;
  pitReopened: number;
  /** Hits whose document the case already held: not stored again (SourceCounts.duplicates). */
  duplicates: number;
  /** The sources that hold those documents. */
  duplicatesHeldBy: number[];
  duplicateOf: SourceSummary | null;
  /** Interrupted pulls of the same request that this pull replaced. */
  replaced: number[];
  /**
   * Complete earlier pulls of the same request with other hits (late documents): the hits both
   * hold are stored once, with the earlier pull (this one counts them as duplicates).
   */
  overlaps: number[];
  state: 'complete' | 'incomplete' | 'skipped';
  /** Why the pull is incomplete (cancelled), else null. */
  message: string | null;
}

/** A wait that ends early when the pull is cancelled. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** The source's `path`: a URL-like name of the request, without credentials. */
export function pullPath(request: PullRequest): string {
  const params = new URLSearchParams({
    from: new Date(request.window.from).toISOString(),
    to: new Date(request.window.to).toISOString(),
  });
  if (request.query !== null) params.set('q', request.query);
  return `elasticsearch+${displayUrl(request.url)}/${encodeURIComponent(request.index)}?${params.toString()}`;
}

/** SHA-256 of the hits' `_source` text: `@timestamp` order, ties in UTF-8 byte order (see top). */
class PullDigest {
  private readonly hash = createHash('sha256');
  private key: string | null = null;
  private group: Buffer[] = [];
  bytes = 0;

  add(timestampKey: string, text: string): void {
    if (timestampKey !== this.key) {
      this.drain();
      this.key = timestampKey;
    }
    const bytes = Buffer.from(text, 'utf8');
    this.bytes += bytes.length;
    this.group.push(bytes);
  }

  private drain(): void {
    this.group.sort((a, b) => Buffer.compare(a, b));
    for (const bytes of this.group) {
      this.hash.update(bytes);
      this.hash.update('\n');
    }
    this.group = [];
  }

  digest(): string {
    this.drain();
    return this.hash.digest('hex');
  }
}

class Cancelled extends Error {}

class RequestFailed extends Error {
  constructor(
    readonly failure: ClusterFailure,
    readonly attempts: number,
  ) {
    super(failure.reason);
  }
}

function clipText(value: unknown, max = 200): string {
  const text = typeof value === 'string' ? value : '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function totalOf(value: unknown): number | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (isObject(value) && typeof value.value === 'number' && Number.isSafeInteger(value.value) && value.value >= 0) {
    return value.value;
  }
  return null;
}

type SortValue = string | number;

function sortValuesOf(hit: Record<string, unknown>): [SortValue, SortValue] | null {
  const sort = hit.sort;
  if (!Array.isArray(sort) || sort.length !== 2) return null;
  const [a, b] = sort as unknown[];
  const ok = (v: unknown): v is SortValue => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));
  return ok(a) && ok(b) ? [a, b] : null;
}

export async function pullIntoCase(db: CaseDb, request: PullRequest, options: PullOptions = {}): Promise<PullResult> {
  const secrets = secretsOf(request.auth);
  const { signal } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? abortableSleep;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const where = displayUrl(request.url);
  const sourcePath = pullPath(request);
  const safe = (text: string): string => scrub(text, secrets);
  // One importer at a time (caseWrites.ts): asked before the cluster is reached, and decided
  // in the transaction that creates the source.
  const caseToWrite = { path: db.name, db, readOnly: false };
  const refusal = 'nothing can be pulled into it';
  refuseCaseWrite(caseToWrite, false, refusal);

  const connectFailure = (failure: ClusterFailure, what: string): CoalmineError => {
    const auth = failure.status === 401 || failure.status === 403;
    return new CoalmineError(
      auth ? 'AUTH_FAILED' : 'REMOTE_FAILED',
      safe(`${what}: ${failureMessage(failure, request.url, requestTimeoutMs)}; nothing was added to the case`),
    );
  };

  /** One request, retried with backoff while the failure may pass. */
  const attempt = async <T>(call: () => Promise<T>): Promise<T> => {
    for (let n = 1; ; n += 1) {
      if (signal?.aborted) throw new Cancelled();
      try {
        return await call();
      } catch (error) {
        const failure = describeFailure(error);
        if (failure.kind === 'aborted' || signal?.aborted) throw new Cancelled();
        if (!isTransient(failure) || n >= maxAttempts) throw new RequestFailed(failure, n);
        const backoff = Math.min(500 * 2 ** (n - 1), 8000);
        const wait = failure.retryAfterSeconds !== null ? Math.min(failure.retryAfterSeconds * 1000, 30_000) : backoff;
        await sleep(wait, signal);
      }
    }
  };
  const requestOptions = { ...(signal ? { signal } : {}) };

  let pinnedCa: string | undefined;
  if (request.tls.fingerprint && request.url.protocol === 'https:' && request.tls.insecureSkipVerify !== true) {
    pinnedCa = await fetchPinnedCa(request.url, request.tls.fingerprint, requestTimeoutMs);
  }
  const client: Client = createClusterClient(request, {
    requestTimeoutMs,
    ...(options.Connection ? { Connection: options.Connection } : {}),
    ...(pinnedCa ? { pinnedCa } : {}),
  });

  let pitId: string | null = null;
  const openPit = async (): Promise<string> => {
    const opened = await attempt(() =>
      client.openPointInTime({ index: request.index, keep_alive: PIT_KEEP_ALIVE }, requestOptions),
    );
    const id = (opened as { id?: unknown }).id;
    if (typeof id !== 'string' || id === '') {
      throw new RequestFailed(
        {
          kind: 'other',
          status: null,
          reason: 'no point-in-time id in the answer',
          retryAfterSeconds: null,
          pitMissing: false,
        },
        1,
      );
    }
    return id;
  };
  const closePit = async (): Promise<boolean> => {
    if (pitId === null) return true;
    const id = pitId;
    pitId = null;
    try {
      // Never with the pull's signal: a cancelled pull still closes its point in time.
      await client.closePointInTime({ id }, { requestTimeout: 10_000 });
      return true;
    } catch {
      return false; // it expires by itself after its keep_alive
    }
  };

  // Started once the source exists; stopped however the pull ends.
  let checkpointer: WalCheckpointer | null = null;
  // The source this pull writes to, once it exists: its import ends however the pull does.
  let pulling: number | null = null;
  try {
    let cluster: { name: string; uuid: string; version: string } = { name: '', uuid: '', version: '' };
    // Why the cluster's name and uuid are not recorded, when they are not.
    let clusterUnknown: string | null = null;
    try {
      try {
        const info = (await attempt(() => client.info({}, requestOptions))) as unknown as Record<string, unknown>;
        const version = isObject(info.version) ? clipText(info.version.number, 40) : '';
        cluster = { name: clipText(info.cluster_name), uuid: clipText(info.cluster_uuid, 100), version };
      } catch (error) {
        // Credentials that may read the indices but not `GET /` (no cluster:monitor/main) are
        // common for analysts: the pull goes on, and the record says why the cluster is unnamed.
        if (!(error instanceof RequestFailed && error.failure.status === 403)) throw error;
        clusterUnknown = safe(`GET / refused with 403 (${error.failure.reason})`);
      }
      pitId = await openPit();
    } catch (error) {
      if (error instanceof Cancelled) throw new CoalmineError('BAD_INPUT', 'the pull was cancelled before it started');
      if (error instanceof RequestFailed) throw connectFailure(error.failure, `pulling ${request.index} from ${where}`);
      throw error;
    }

    const pulledAt = now();
    // One IMMEDIATE transaction: no other import or pull is live, the tagging rules this pull
    // tags by, and its `importing` row. No rules can change, and no import start, between them.
    const { sourceId, normaliseContext } = guardedWrite(caseToWrite, false, refusal, () => {
      // Read before the source row exists: unreadable saved rules refuse the pull without
      // leaving a source that looks as if it were still being pulled.
      const context: NormaliseContext = {
        track: request.track,
        service: request.service,
        version: request.version,
        environment: request.environment,
        rules: caseTaggingRules(db),
      };
      const id = insertSource(db, {
        path: sourcePath,
        name: `${request.index} on ${cluster.name || where}`,
        size: 0,
        sha256: '',
        format: PULL_FORMAT,
        zone: PULL_SOURCE_ZONE,
        track: request.track,
        service: request.service,
        version: request.version,
        importedAt: pulledAt,
      });
      return { sourceId: id, normaliseContext: context };
    });
    pulling = sourceId;
    const query = searchQuery(request);
    const details: Record<string, unknown> = {
      kind: 'elasticsearch-pull',
      cluster: clusterUnknown === null ? cluster : { name: null, uuid: null, version: null, unknown: clusterUnknown },
      url: where,
      index: request.index,
      query: request.query,
      window: {
        from: new Date(request.window.from).toISOString(),
        to: new Date(request.window.to).toISOString(),
        bounds: '[from, to): from included, to excluded',
        given: request.window.given,
      },
      pageSize: request.pageSize,
      ...(request.environment === null ? {} : { environment: request.environment }),
      // The exact requests, for anyone who wants to repeat the pull.
      request: {
        openPointInTime: `POST /${request.index}/_pit?keep_alive=${PIT_KEEP_ALIVE}`,
        search: `POST /_search?allow_partial_search_results=false`,
        body: {
          size: request.pageSize,
          query,
          sort: PULL_SORT,
          track_total_hits: 'true on page 1, false after',
          pit: { id: '<point in time>', keep_alive: PIT_KEEP_ALIVE },
          search_after: '<sort values of the last hit of the page before; none on page 1>',
        },
      },
      auth: request.auth.kind,
      tls: {
        verify: request.url.protocol === 'https:' ? request.tls.insecureSkipVerify !== true : null,
        ca: request.tls.ca?.label ?? null,
        fingerprint: request.tls.fingerprint ?? null,
      },
      client: `@elastic/elasticsearch ${CLIENT_VERSION}`,
      pulledAt: new Date(pulledAt).toISOString(),
      line: 'the ordinal of the hit in the pull, from 1',
      sha256:
        'SHA-256 of the hits’ _source JSON text, one per line ending in \\n, by @timestamp, ties in UTF-8 byte order',
      hitsTotal: null,
      hits: 0,
      duplicates: 0,
      pages: 0,
      pitReopened: 0,
      finishedAt: null,
      outcome: 'running',
    };
    setSourceDetails(db, sourceId, details);

    const what = `${request.index} on ${where}`;
    const writer = createSourceWriter(db, sourceId, normaliseContext, what);
    const { counts } = writer;
    const digest = new PullDigest();
    let hitsTotal: number | null = null;
    let pages = 0;
    let pitReopened = 0;
    let searchAfter: SortValue[] | null = null;
    // The `@timestamp` sort value being read and the hits (index + id) read with it: after a
    // point in time is reopened the pull restarts at that timestamp and skips these.
    let groupKey: SortValue | null = null;
    let groupIds = new Set<string>();
    const started = now();

    const progress = (): void => {
      if (!options.onProgress) return;
      const seconds = Math.max((now() - started) / 1000, 1e-3);
      const rate = counts.lines / seconds;
      options.onProgress({
        sourcePath,
        hitsDone: counts.lines,
        hitsTotal,
        events: counts.events,
        rejects: counts.rejects,
        hitsPerSecond: rate,
        secondsLeft: hitsTotal !== null && rate > 0 ? Math.max(0, (hitsTotal - counts.lines) / rate) : null,
      });
    };

    let sha256 = '';
    // The counts as stored: completing the source may have dropped, as duplicates, documents
    // that a pull or import finished meanwhile holds.
    const storedCounts = (): SourceCounts => {
      const stored = listSources(db).find((s) => s.id === sourceId);
      return stored
        ? {
            lines: stored.lines,
            events: stored.events,
            rejects: stored.rejects,
            authFailures: stored.authFailures,
            exceptions: stored.exceptions,
            metrics: stored.metrics,
            duplicates: stored.duplicates,
          }
        : { ...counts };
    };
    // What a pull reports however it ended; read when it ends (the counts and hash by then).
    const resultOf = (
      end: Pick<PullResult, 'sourceId' | 'duplicateOf' | 'replaced' | 'overlaps' | 'state' | 'message'>,
      stored: SourceCounts = storedCounts(),
    ): PullResult => ({
      path: sourcePath,
      sha256,
      format: PULL_FORMAT,
      cluster,
      hitsTotal,
      ...stored,
      duplicatesHeldBy: end.sourceId === null ? [] : duplicateHolders(db, sourceId),
      rejectSample: writer.rejectSample,
      pages,
      pitReopened,
      ...end,
    });
    /** What completing a pull settled: a duplicate of it (then it is gone), or the sources it replaced. */
    type Settled =
      { duplicate: SourceSummary; stored: SourceCounts } | { duplicate: null; replaced: number[]; overlaps: number[] };
    let settled: Settled | null = null;
    const finish = (state: 'complete' | 'incomplete', outcome: string): void => {
      writer.flush();
      sha256 = digest.digest();
      setSourceContentHash(db, sourceId, sha256, digest.bytes);
      setSourceDetails(db, sourceId, {
        ...details,
        hitsTotal,
        hits: counts.lines,
        duplicates: counts.duplicates,
        pages,
        pitReopened,
        finishedAt: new Date(now()).toISOString(),
        outcome,
      });
      if (state === 'complete') {
        // In the completing transaction (sources.ts): nothing of this pull is written after its
        // row says complete and the guard no longer sees it.
        settled = completeSource(db, sourceId, (): Settled => {
          // Completing may drop, as duplicates, documents an import finished meanwhile holds.
          const stored = storedCounts();
          if (stored.duplicates !== counts.duplicates) {
            mergeSourceDetails(db, sourceId, { duplicates: stored.duplicates });
          }
          const duplicate =
            counts.lines > 0
              ? findSourcesBySha256(db, sha256).find((s) => s.id !== sourceId && s.state === 'complete')
              : undefined;
          if (duplicate) {
            deleteSource(db, sourceId);
            return { duplicate, stored };
          }
          const samePull = listSources(db).filter((s) => s.path === sourcePath && s.id !== sourceId);
          const replaced = samePull.filter((s) => s.state === 'incomplete').map((s) => s.id);
          for (const id of replaced) deleteSource(db, id);
          // The same request pulled before with other results (late documents): both are kept,
          // and their events overlap; the person must know before comparing anything.
          const overlaps = samePull.filter((s) => s.state === 'complete').map((s) => s.id);
          return { duplicate: null, replaced, overlaps };
        });
      } else {
        setSourceState(db, sourceId, 'incomplete');
      }
    };

    // A long pull grows the log as an import does: a thread checkpoints it (walCheckpointer.ts).
    checkpointer = startWalCheckpointer(db);

    const kept = (): string =>
      `the ${counts.events} events (and ${counts.rejects} rejects) of the ${counts.lines} hits before it are kept and source #${sourceId} is marked incomplete`;

    try {
      for (;;) {
        if (signal?.aborted) throw new Cancelled();
        const page = pages + 1;
        const body: estypes.SearchRequest = {
          size: request.pageSize,
          query: query,
          sort: PULL_SORT as unknown as estypes.Sort,
          track_total_hits: page === 1,
          // A page missing the hits of a failed shard must fail, not pass for the whole page.
          allow_partial_search_results: false,
          pit: { id: pitId ?? '', keep_alive: PIT_KEEP_ALIVE },
          ...(searchAfter ? { search_after: searchAfter } : {}),
        };
        let response: Record<string, unknown>;
        try {
          response = await attempt(async () => {
            const answer = (await client.search(body, requestOptions)) as unknown as Record<string, unknown>;
            // A page the cluster cut short is not a page: try again rather than miss hits.
            if (answer.timed_out === true) {
              throw Object.assign(new Error('the search timed out on the cluster'), { name: 'TimeoutError' });
            }
            const shards = isObject(answer._shards) ? answer._shards : {};
            if (typeof shards.failed === 'number' && shards.failed > 0) {
              // Partial results despite allow_partial_search_results=false (older clusters): retried.
              throw Object.assign(new Error(`${shards.failed} shard(s) failed to answer`), { name: 'ConnectionError' });
            }
            return answer;
          });
        } catch (error) {
          if (
            error instanceof RequestFailed &&
            error.failure.pitMissing &&
            pitReopened < (options.maxPitReopens ?? DEFAULT_MAX_PIT_REOPENS)
          ) {
            pitId = null; // expired: nothing to close
            try {
              pitId = await openPit();
            } catch (reopenError) {
              if (reopenError instanceof RequestFailed) {
                throw new CoalmineError(
                  'REMOTE_FAILED',
                  safe(
                    `${what}: the point in time expired at page ${page} and could not be reopened (${failureMessage(reopenError.failure, request.url, requestTimeoutMs)}); ${kept()}`,
                  ),
                );
              }
              throw reopenError;
            }
            pitReopened += 1;
            // -1 sorts before every `_shard_doc`: the whole last timestamp again, minus what is stored.
            searchAfter = groupKey === null ? null : [groupKey, -1];
            continue;
          }
          if (error instanceof RequestFailed) {
            const f = error.failure;
            const why = f.pitMissing
              ? `the point in time expired (${f.reason}) and was reopened ${pitReopened} times already`
              : failureMessage(f, request.url, requestTimeoutMs);
            const tries = error.attempts > 1 ? ` after ${error.attempts} attempts` : '';
            throw new CoalmineError(
              f.status === 401 || f.status === 403 ? 'AUTH_FAILED' : 'REMOTE_FAILED',
              safe(`${what}: page ${page} (from hit ${counts.lines + 1}) failed${tries}: ${why}; ${kept()}`),
            );
          }
          throw error;
        }
        pages = page;
        if (typeof response.pit_id === 'string' && response.pit_id !== '') pitId = response.pit_id;
        const hitsObject = isObject(response.hits) ? response.hits : null;
        const hits = hitsObject && Array.isArray(hitsObject.hits) ? (hitsObject.hits as unknown[]) : null;
        if (hits === null) {
          throw new CoalmineError('REMOTE_FAILED', safe(`${what}: page ${page} has no hits array; ${kept()}`));
        }
        if (page === 1 && hitsObject) hitsTotal = totalOf(hitsObject.total);
        if (hits.length === 0) break;

        let last: [SortValue, SortValue] | null = null;
        for (const item of hits) {
          const hit = isObject(item) ? item : {};
          const sort = sortValuesOf(hit);
          if (sort === null) {
            throw new CoalmineError(
              'REMOTE_FAILED',
              safe(`${what}: a hit of page ${page} has no sort values, so the pull cannot go on from it; ${kept()}`),
            );
          }
          last = sort;
          const id = `${typeof hit._index === 'string' ? hit._index : ''}\u0000${typeof hit._id === 'string' ? hit._id : JSON.stringify(hit._source ?? null)}`;
          if (sort[0] !== groupKey) {
            groupKey = sort[0];
            groupIds = new Set();
          } else if (groupIds.has(id)) {
            continue; // read before the point in time was reopened
          }
          groupIds.add(id);

          counts.lines += 1;
          const line = counts.lines;
          const source = hit._source;
          const raw = JSON.stringify(source === undefined ? null : source);
          digest.add(String(sort[0]), raw);
          if (!isObject(source)) {
            const reason =
              source === undefined
                ? 'the hit has no _source (the index does not keep it, or it was filtered out)'
                : '_source is not a JSON object';
            writer.sink.reject(line, reason, JSON.stringify(hit));
            continue;
          }
          // As a line of an ECS file: an event, metric samples (a Metricbeat document), or both.
          const outcome = ecsDocumentRecords(source, line, raw, PULL_SOURCE_ZONE);
          if (!outcome.ok) {
            writer.sink.reject(line, outcome.reason, raw);
            continue;
          }
          const ts = outcome.event?.ts ?? outcome.metrics[0]?.ts ?? request.window.from;
          if (ts < request.window.from || ts >= request.window.to) {
            // The range filter should have kept it out: a cluster that answers otherwise is not trusted.
            writer.sink.reject(line, `@timestamp ${new Date(ts).toISOString()} is outside the window asked for`, raw);
            continue;
          }
          const docKey = documentKey(hit._index, hit._id);
          if (outcome.event) {
            outcome.event.docKey = docKey;
            writer.sink.event(outcome.event);
          }
          for (const sample of outcome.metrics) {
            sample.docKey = docKey;
            writer.sink.metric(sample);
          }
        }
        writer.flush();
        checkpointer.afterBatch();
        progress();
        if (last === null) break;
        if (searchAfter && last[0] === searchAfter[0] && last[1] === searchAfter[1]) {
          throw new CoalmineError(
            'REMOTE_FAILED',
            safe(`${what}: page ${page} ended where the page before it did; stopping rather than loop; ${kept()}`),
          );
        }
        searchAfter = last;
      }
    } catch (error) {
      const cancelled = error instanceof Cancelled;
      const message = cancelled
        ? `cancelled after ${counts.lines} hits; ${kept()}`
        : error instanceof CoalmineError
          ? error.message
          : safe(`${what}: the pull failed (${(error as Error).message}); ${kept()}`);
      try {
        finish('incomplete', cancelled ? 'cancelled' : `failed: ${message}`);
      } catch {
        try {
          setSourceState(db, sourceId, 'incomplete');
        } catch {
          // the case cannot be written at all; the next guarded write (or open) marks it incomplete
        }
      }
      if (!cancelled) {
        throw error instanceof CoalmineError ? error : new CoalmineError('WRITE_FAILED', message, { cause: error });
      }
      return resultOf({ sourceId, duplicateOf: null, replaced: [], overlaps: [], state: 'incomplete', message });
    }

    finish('complete', 'complete');
    const done = settled as Settled | null;
    if (done === null) throw new Error('a completed pull settled nothing');
    if (done.duplicate !== null) {
      return resultOf(
        {
          sourceId: null,
          duplicateOf: done.duplicate,
          replaced: [],
          overlaps: [],
          state: 'skipped',
          message: null,
        },
        done.stored,
      );
    }
    return resultOf({
      sourceId,
      duplicateOf: null,
      replaced: done.replaced,
      overlaps: done.overlaps,
      state: 'complete',
      message: null,
    });
  } finally {
    // Whatever its row says now, this pull is over (sources.ts: importIsLive).
    if (pulling !== null) endImportHere(db, pulling);
    await checkpointer?.stop();
    await closePit();
    await client.close().catch(() => undefined);
  }
}
