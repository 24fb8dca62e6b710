// One file into the case: hash it, refuse a duplicate, read it as a stream, and write its
// events in batched transactions with progress between batches. Good lines land whatever
// the bad ones do; every bad line is kept in `rejects` with its number and reason.
import fs from 'node:fs';
import path from 'node:path';
import type { IngestProgress, SourceCounts, SourceSummary } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { saveCsvMapping } from '../case/csvMappings.js';
import { type WalCheckpointer, startWalCheckpointer } from '../case/walCheckpointer.js';
import type { Reject } from '../case/rejects.js';
import { caseTaggingRules } from '../case/retag.js';
import {
  completeSource,
  deleteSource,
  endImportHere,
  findSourcesBySha256,
  listSources,
  insertSource,
  mergeSourceDetails,
  setSourceState,
} from '../case/sources.js';
import { guardedWrite, refuseCaseWrite } from '../caseWrites.js';
import { forEachPackedEvent } from './eventBatch.js';
import { type FileFacts, fileFacts } from './fileFacts.js';
import { detectFormat, formatNamed } from './formats/index.js';
import { type FormatContext, type LogFormat, PROBE_LINES } from './formats/types.js';
import type { CsvMappingChoice } from './importOptions.js';
import { readLines } from './lineReader.js';
import type { NormaliseContext } from './normalise.js';
import type { ParseEnd, ParseFailed } from './parseJob.js';
import { startParseWorker } from './parsePipeline.js';
import { createSourceWriter, noCounts } from './sourceWriter.js';
import { DEFAULT_ZONE, checkZone } from './time.js';

export interface ImportOptions {
  track?: 'canary' | 'stable';
  service?: string;
  version?: string;
  /** The deployment environment of the records that name none (`--environment`). */
  environment?: string;
  /** IANA zone for times written without an offset. */
  zone?: string;
  /** Force a format by name instead of detecting it from the first lines. */
  format?: string;
  /** The year for formats that write none (RFC 3164 syslog); default: the file's modification year. */
  year?: number;
  /** Format-specific options (a CSV column mapping, …). */
  formatOptions?: Record<string, unknown>;
  /**
   * The CSV mapping the import reads with (also in `formatOptions`), by name: saved in the case
   * when it was given with the import (`--map`), and recorded on a CSV source for the evidence
   * appendix; both inside the guarded start, so a refused import writes neither.
   */
  csvMapping?: CsvMappingChoice;
  batchSize?: number;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
  /** Clock for rates and the default import time; injected by tests. */
  now?: () => number;
  /** Recorded as the source's import time (the demo case pins it so its review never changes). */
  importedAt?: number;
}

export interface ImportResult extends SourceCounts {
  sourceId: number | null;
  path: string;
  sha256: string;
  format: string;
  /** The first rejected lines, for the summary a person reads. */
  rejectSample: Reject[];
  /** Set when the same bytes were already imported: nothing was added. */
  duplicateOf: SourceSummary | null;
  /** Interrupted imports of the same bytes that this import replaced. */
  replaced: number[];
  /**
   * Complete imports of this file's start (a log that has grown since) that this import
   * replaced: their lines are all in this source.
   */
  grownFrom: number[];
  /** 'gzip' when the file was stored compressed (its SHA-256 and size are of the stored bytes). */
  compression: 'gzip' | null;
  /** Where a gzip that ends early was cut: the records before it are kept (also in the rejects). */
  cut: { line: number; reason: string } | null;
  state: 'complete' | 'incomplete' | 'skipped';
}

/** The first non-blank lines of a file, for the formats to probe. */
async function probeSample(filePath: string): Promise<string[]> {
  const source = readLines(filePath);
  const sample: string[] = [];
  try {
    for await (const { text, problem } of source.lines) {
      if (problem !== undefined || text.trim() === '') continue;
      sample.push(text);
      if (sample.length >= PROBE_LINES) break;
    }
  } finally {
    source.close();
  }
  return sample;
}

/** Sources of a file's bytes that an import of them would repeat or replace (never a pull's). */
function sourcesOfBytes(db: CaseDb, sha256: string): ReturnType<typeof findSourcesBySha256> {
  // A pull's SHA-256 is of its hits, not of a file's bytes: never a duplicate of a file.
  return findSourcesBySha256(db, sha256).filter((s) => s.format !== 'elasticsearch');
}

export async function importFile(db: CaseDb, filePath: string, options: ImportOptions = {}): Promise<ImportResult> {
  const zone = checkZone(options.zone ?? DEFAULT_ZONE);
  const absolute = path.resolve(filePath);
  // One importer at a time (caseWrites.ts). Asked here before a large file is hashed, and
  // decided below, in the transaction that creates the source.
  const caseToWrite = { path: db.name, db, readOnly: false };
  const refusal = `${path.basename(absolute)} cannot be imported into it`;
  refuseCaseWrite(caseToWrite, false, refusal);
  // Complete imports of a file of this name that may be its start (a log that has grown since):
  // their SHA-256 is compared with that of as many first bytes of this file, in the same read.
  const grownFrom = listSources(db).filter(
    (s) => s.state === 'complete' && s.format !== 'elasticsearch' && s.name === path.basename(absolute),
  );
  const facts = await fileFacts(
    absolute,
    grownFrom.map((s) => s.size),
  );
  const sample = options.format ? null : await probeSample(absolute);
  const format = options.format ? formatNamed(options.format) : detectFormat(sample ?? [], path.basename(absolute));
  const base = { path: absolute, sha256: facts.sha256, format: format.name };

  const skipped = (complete: SourceSummary): ImportResult => ({
    ...base,
    sourceId: null,
    ...noCounts(),
    rejectSample: [],
    duplicateOf: complete,
    replaced: [],
    grownFrom: [],
    compression: null,
    cut: null,
    state: 'skipped',
  });
  const complete = sourcesOfBytes(db, facts.sha256).find((s) => s.state === 'complete');
  if (complete) return skipped(complete);
  const formatContext: FormatContext = {
    zone,
    year: options.year ?? new Date(facts.mtimeMs).getUTCFullYear(),
    ...(options.year === undefined ? { modifiedMonth: new Date(facts.mtimeMs).getUTCMonth() + 1 } : {}),
    fileName: path.basename(absolute),
    filePath: absolute,
    options: options.formatOptions ?? {},
  };
  // A file this format cannot read at all with these options is refused before anything is written.
  const problem = format.check?.(sample ?? (await probeSample(absolute)), formatContext) ?? null;
  if (problem !== null) throw new CoalmineError('BAD_INPUT', `${absolute}: ${problem}`);
  // One IMMEDIATE transaction: no other import is live, the tagging rules this import tags by,
  // and its `importing` row. No rules can change, and no other import start, between them.
  const begun = guardedWrite(caseToWrite, false, refusal, () => {
    // The same bytes may have been imported by another process while this one hashed them.
    const earlier = sourcesOfBytes(db, facts.sha256);
    const done = earlier.find((s) => s.state === 'complete');
    if (done) return { skipped: done };
    // Read before the source row exists: a case whose saved rules are unreadable refuses the
    // import without leaving a source that looks as if it were still being imported.
    const normaliseContext: NormaliseContext = {
      track: options.track ?? null,
      service: options.service?.trim() || null,
      version: options.version?.trim() || null,
      environment: options.environment?.trim() || null,
      rules: caseTaggingRules(db),
    };
    // What is left of an interrupted import of the same bytes is replaced, never added to.
    for (const leftover of earlier) deleteSource(db, leftover.id);
    const sourceId = insertSource(db, {
      path: absolute,
      name: path.basename(absolute),
      size: facts.size,
      sha256: facts.sha256,
      format: format.name,
      zone,
      track: options.track ?? null,
      service: options.service ?? null,
      version: options.version ?? null,
      importedAt: options.importedAt ?? (options.now ?? Date.now)(),
    });
    // The sources table has no column for it: the reader of `coalmine sources` finds it in the details.
    if (normaliseContext.environment !== null) {
      mergeSourceDetails(db, sourceId, { environment: normaliseContext.environment });
    }
    const mapping = options.csvMapping;
    if (mapping?.save) saveCsvMapping(db, mapping.name, mapping.mapping);
    if (mapping && (format.name === 'csv' || format.name === 'kibana-csv')) {
      mergeSourceDetails(db, sourceId, { csvMapping: { name: mapping.name, columns: mapping.mapping } });
    }
    return { sourceId, earlier, normaliseContext };
  });
  if (begun.skipped) return skipped(begun.skipped);
  const { sourceId, earlier, normaliseContext } = begun;

  // Every event of an earlier import of this file's start is held again by this source: the
  // earlier one goes as this one completes, so no line is counted twice.
  const prefixes = grownFrom.filter((s) => facts.prefixSha256.get(s.size) === s.sha256);
  let marked = false;
  try {
    // The thread checkpoints the log while this one writes (walCheckpointer.ts).
    const checkpointer = startWalCheckpointer(db);
    const read = await readIntoSource(
      db,
      sourceId,
      facts,
      format,
      { formatContext, normaliseContext, checkpointer, supersedes: prefixes.map((s) => s.id) },
      options,
    ).finally(() => checkpointer.stop());
    return {
      ...base,
      ...read,
      sourceId,
      duplicateOf: null,
      replaced: earlier.map((s) => s.id),
      grownFrom: read.state === 'complete' ? prefixes.map((s) => s.id) : [],
    };
  } catch (error) {
    // Whatever stopped the import, its source must not go on looking like a live one.
    let state: string | undefined;
    try {
      state = (db.prepare(`SELECT state FROM sources WHERE id = ?`).get(sourceId) as { state: string } | undefined)
        ?.state;
      if (state === 'importing') setSourceState(db, sourceId, 'incomplete');
      marked = true;
    } catch {
      // the case cannot be written at all; the next guarded write (or open) marks it incomplete
    }
    if (error instanceof CoalmineError) throw error;
    // Said as it is: a message that claims a write which failed would mislead the next step.
    const after =
      state === 'complete'
        ? 'every event was stored before it, and the source is complete'
        : marked
          ? 'the source is marked incomplete'
          : 'the source could not be marked incomplete now; the next write to the case marks it so';
    throw new CoalmineError('WRITE_FAILED', `importing ${absolute} failed (${(error as Error).message}); ${after}`, {
      cause: error,
    });
  } finally {
    // Whatever its row says now, this import is over (sources.ts: importIsLive).
    endImportHere(db, sourceId);
  }
}

type ReadResult = Pick<
  ImportResult,
  | 'lines'
  | 'events'
  | 'rejects'
  | 'authFailures'
  | 'exceptions'
  | 'metrics'
  | 'duplicates'
  | 'rejectSample'
  | 'compression'
  | 'cut'
> & {
  state: 'complete' | 'incomplete';
};

/**
 * Streams the file into its source row: the parse worker reads and parses, this thread writes
 * each batch in one transaction, with progress between batches; marks the source complete
 * (and indexed) at the end.
 */
async function readIntoSource(
  db: CaseDb,
  sourceId: number,
  facts: FileFacts,
  format: LogFormat,
  {
    formatContext,
    normaliseContext,
    checkpointer,
    supersedes,
  }: {
    formatContext: FormatContext;
    normaliseContext: NormaliseContext;
    checkpointer: WalCheckpointer;
    /** Sources this one holds every event of (a log's start imported before): gone as it completes. */
    supersedes: number[];
  },
  options: ImportOptions,
): Promise<ReadResult> {
  const now = options.now ?? Date.now;
  const writer = createSourceWriter(db, sourceId, normaliseContext, facts.path, { normalised: true });
  const { counts } = writer;
  const started = now();
  const progress = (bytesDone: number): void => {
    if (!options.onProgress) return;
    const seconds = Math.max((now() - started) / 1000, 1e-3);
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
  };

  // No import-time pragmas: a 64 MB cache_size, a 64 MB wal_autocheckpoint and 8-64 KB pages
  // each moved the insert's CPU cost (9-11 µs a row here) by less than the noise.
  const pipeline = startParseWorker({
    path: facts.path,
    format: format.name,
    formatContext,
    normaliseContext,
    batchSize: options.batchSize ?? 5000,
  });
  let end: ParseEnd | null = null;
  let failed: ParseFailed | null = null;
  // A cancel stops the reader at once, even while the writer waits for its next batch.
  const cancel = (): void => void pipeline.stop();
  options.signal?.addEventListener('abort', cancel, { once: true });
  if (options.signal?.aborted) cancel();
  try {
    for await (const message of pipeline.messages) {
      if (options.signal?.aborted) break;
      if (message.type === 'batch') {
        forEachPackedEvent(message.events, (event) => writer.sink.event(event));
        for (const sample of message.metrics) writer.sink.metric(sample);
        for (const r of message.rejects) writer.sink.reject(r.line, r.reason, r.raw, r.rawBytes);
        counts.lines = message.lines;
        writer.flush();
        checkpointer.afterBatch();
        progress(message.bytesRead);
        pipeline.ack();
      } else if (message.type === 'end') {
        // Blank lines after the last record count as read too.
        counts.lines = message.lines;
        writer.flush();
        end = message;
      } else {
        failed = message;
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await pipeline.stop();
  }

  if (failed?.refused) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${failed.message}; nothing of ${path.basename(facts.path)} is counted (its source is marked incomplete)`,
    );
  }
  if (failed) {
    throw new CoalmineError(
      'UNREADABLE',
      `${facts.path}: read failed after line ${failed.lines} (${failed.message}); the ${counts.events} events before it are kept and the source is marked incomplete`,
    );
  }
  if (!end) {
    setSourceState(db, sourceId, 'incomplete');
    return { ...counts, rejectSample: writer.rejectSample, compression: null, cut: null, state: 'incomplete' };
  }
  if (end.sha256 !== facts.sha256 || (await changedSince(facts))) {
    throw new CoalmineError(
      'UNREADABLE',
      `${facts.path} changed while it was being imported (its bytes differ from the ones hashed before); the source is marked incomplete: import it again once nothing writes to it`,
    );
  }
  if (end.compression || end.cut) {
    mergeSourceDetails(db, sourceId, {
      ...(end.compression ? { compression: end.compression } : {}),
      ...(end.cut ? { cut: end.cut } : {}),
    });
  }
  completeSource(db, sourceId, () => {
    for (const id of supersedes) deleteSource(db, id);
  });
  return {
    ...counts,
    rejectSample: writer.rejectSample,
    compression: end.compression,
    cut: end.cut,
    state: 'complete',
  };
}

/** Whether the file's size or modification time moved since it was hashed (an append after it was read). */
async function changedSince(facts: FileFacts): Promise<boolean> {
  try {
    const stat = await fs.promises.stat(facts.path);
    return stat.size !== facts.size || stat.mtimeMs !== facts.mtimeMs;
  } catch {
    return true;
  }
}
