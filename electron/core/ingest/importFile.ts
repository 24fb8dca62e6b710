// One file into the case: hash it, refuse a duplicate, read it as a stream, and write its
// events in batched transactions with progress between batches. Good lines land whatever
// the bad ones do; every bad line is kept in `rejects` with its number and reason.
import path from 'node:path';
import type { IngestProgress, SourceSummary } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { type NewEvent, prepareEventInsert } from '../case/events.js';
import { type Reject, prepareRejectInsert } from '../case/rejects.js';
import {
  completeSource,
  deleteSource,
  findSourcesBySha256,
  importIsLive,
  insertSource,
  setSourceState,
  updateSourceCounts,
} from '../case/sources.js';
import { type FileFacts, fileFacts } from './fileFacts.js';
import { parseEcsRecord, type RecordContext } from './formats/ecsNdjson.js';
import { readLines } from './lineReader.js';
import { DEFAULT_ZONE, checkZone } from './time.js';

export interface ImportOptions {
  track?: 'canary' | 'stable';
  service?: string;
  version?: string;
  /** IANA zone for times written without an offset. */
  zone?: string;
  batchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
  /** Clock for rates and the default import time; injected by tests. */
  now?: () => number;
  /** Recorded as the source's import time (the demo case pins it so its review never changes). */
  importedAt?: number;
}

export interface ImportResult {
  sourceId: number | null;
  path: string;
  sha256: string;
  format: string;
  lines: number;
  events: number;
  rejects: number;
  /** The first rejected lines, for the summary a person reads. */
  rejectSample: Reject[];
  /** Set when the same bytes were already imported: nothing was added. */
  duplicateOf: SourceSummary | null;
  /** Interrupted imports of the same bytes that this import replaced. */
  replaced: number[];
  state: 'complete' | 'incomplete' | 'skipped';
}

const REJECT_SAMPLE_SIZE = 20;
export const ECS_NDJSON = 'ecs-ndjson';

/** Probes the first non-empty line: ECS NDJSON is one JSON object per line. */
async function detectFormat(filePath: string): Promise<string> {
  const source = readLines(filePath);
  try {
    for await (const { text } of source.lines) {
      const trimmed = text.trim();
      if (trimmed === '') continue;
      if (trimmed.startsWith('{')) return ECS_NDJSON;
      throw new CoalmineError(
        'BAD_INPUT',
        `${filePath}: not ECS NDJSON (the first record does not start with "{"); this version of Coalmine reads ECS NDJSON only`,
      );
    }
    return ECS_NDJSON; // an empty file: no records, nothing rejected
  } finally {
    source.close();
  }
}

export async function importFile(db: CaseDb, filePath: string, options: ImportOptions = {}): Promise<ImportResult> {
  const zone = checkZone(options.zone ?? DEFAULT_ZONE);
  const absolute = path.resolve(filePath);
  const facts = await fileFacts(absolute);
  const format = await detectFormat(absolute);
  const base = { path: absolute, sha256: facts.sha256, format };

  const earlier = findSourcesBySha256(db, facts.sha256);
  const complete = earlier.find((s) => s.state === 'complete');
  if (complete) {
    return {
      ...base,
      sourceId: null,
      lines: 0,
      events: 0,
      rejects: 0,
      rejectSample: [],
      duplicateOf: complete,
      replaced: [],
      state: 'skipped',
    };
  }
  const live = earlier.find((s) => s.state === 'importing' && importIsLive(s.importer, s.heartbeatAt));
  if (live) throw new CoalmineError('BAD_INPUT', `${absolute} is being imported right now (source #${live.id})`);
  // What is left of an interrupted import of the same bytes is replaced, never added to.
  for (const leftover of earlier) deleteSource(db, leftover.id);

  const sourceId = insertSource(db, {
    path: absolute,
    name: path.basename(absolute),
    size: facts.size,
    sha256: facts.sha256,
    format,
    zone,
    track: options.track ?? null,
    service: options.service ?? null,
    version: options.version ?? null,
    importedAt: options.importedAt ?? (options.now ?? Date.now)(),
  });
  const ctx: RecordContext = {
    zone,
    track: options.track ?? null,
    service: options.service?.trim() || null,
    version: options.version?.trim() || null,
  };
  try {
    const read = await readIntoSource(db, sourceId, facts, ctx, options);
    return { ...base, ...read, sourceId, duplicateOf: null, replaced: earlier.map((s) => s.id) };
  } catch (error) {
    // Whatever stopped the import, its source must not go on looking like a live one.
    try {
      setSourceState(db, sourceId, 'incomplete');
    } catch {
      // the case cannot be written at all; the next open marks it incomplete (no heartbeat)
    }
    if (error instanceof CoalmineError) throw error;
    throw new CoalmineError(
      'WRITE_FAILED',
      `importing ${absolute} failed (${(error as Error).message}); the source is marked incomplete`,
      { cause: error },
    );
  }
}

// Errors that belong to one row's values; any other (disk full, I/O) ends the import.
function isRowError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/.test(code);
}

type ReadResult = Pick<ImportResult, 'lines' | 'events' | 'rejects' | 'rejectSample'> & {
  state: 'complete' | 'incomplete';
};

/** Streams the file into its source row in batches; marks it complete (and indexed) at the end. */
async function readIntoSource(
  db: CaseDb,
  sourceId: number,
  facts: FileFacts,
  ctx: RecordContext,
  options: ImportOptions,
): Promise<ReadResult> {
  const now = options.now ?? Date.now;
  const batchSize = options.batchSize ?? 5000;
  const insertEvent = prepareEventInsert(db, sourceId);
  const insertReject = prepareRejectInsert(db, sourceId);
  const counts = { lines: 0, events: 0, rejects: 0 };
  const rejectSample: Reject[] = [];
  let events: NewEvent[] = [];
  let rejects: { line: number; reason: string; raw: string }[] = [];
  const started = now();

  const reject = (line: number, reason: string, raw: string): void => {
    rejects.push({ line, reason, raw });
    counts.rejects += 1;
    if (rejectSample.length < REJECT_SAMPLE_SIZE) rejectSample.push({ line, reason });
  };

  const writeBatch = db.transaction(() => {
    for (const event of events) {
      try {
        insertEvent(event);
      } catch (error) {
        // A value SQLite will not store costs that line, not the batch around it.
        if (!db.inTransaction || !isRowError(error)) throw error;
        counts.events -= 1;
        reject(event.sourceLine, `cannot be stored (${(error as Error).message})`, event.raw);
      }
    }
    for (const r of rejects) insertReject(r.line, r.reason, r.raw);
    updateSourceCounts(db, sourceId, counts);
  });

  const source = readLines(facts.path, { hash: true });
  const flush = (): void => {
    try {
      writeBatch();
    } catch (error) {
      throw new CoalmineError(
        'WRITE_FAILED',
        `writing the events of ${facts.path} to the case failed after line ${counts.lines} (${(error as Error).message}); the source is marked incomplete`,
        { cause: error },
      );
    }
    events = [];
    rejects = [];
    if (options.onProgress) {
      const seconds = Math.max((now() - started) / 1000, 1e-3);
      const bytesDone = source.bytesRead();
      const bytesPerSecond = bytesDone / seconds;
      options.onProgress({
        sourcePath: facts.path,
        bytesDone,
        bytesTotal: facts.size,
        events: counts.events,
        rejects: counts.rejects,
        eventsPerSecond: counts.events / seconds,
        secondsLeft: bytesPerSecond > 0 ? Math.max(0, (facts.size - bytesDone) / bytesPerSecond) : null,
      });
    }
  };

  let readError: unknown = null;
  try {
    for await (const { number, text } of source.lines) {
      counts.lines = number;
      if (text.trim() === '') continue;
      const outcome = parseEcsRecord(text, number, ctx);
      if (outcome.ok) {
        events.push(outcome.event);
        counts.events += 1;
      } else {
        reject(number, outcome.reason, text);
      }
      if (events.length + rejects.length >= batchSize) {
        flush();
        if (options.signal?.aborted) break;
      }
    }
  } catch (error) {
    if (error instanceof CoalmineError) throw error; // a write failure, already worded
    readError = error;
  } finally {
    source.close();
  }
  flush(); // what was read before a read error is kept

  if (readError !== null) {
    throw new CoalmineError(
      'UNREADABLE',
      `${facts.path}: read failed after line ${counts.lines} (${(readError as Error).message}); the ${counts.events} events before it are kept and the source is marked incomplete`,
      { cause: readError },
    );
  }
  const cancelled = options.signal?.aborted === true;
  if (!cancelled && source.sha256() !== facts.sha256) {
    throw new CoalmineError(
      'UNREADABLE',
      `${facts.path} changed while it was being imported (its SHA-256 differs from the one taken before); the source is marked incomplete: import it again once nothing writes to it`,
    );
  }
  if (cancelled) setSourceState(db, sourceId, 'incomplete');
  else completeSource(db, sourceId);
  return { ...counts, rejectSample, state: cancelled ? 'incomplete' : 'complete' };
}
