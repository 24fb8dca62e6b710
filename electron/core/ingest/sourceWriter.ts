// Writes one source's records into the case: normalised, buffered, and stored in batched
// transactions (STYLE.md, "Bulk writes") with the source's counts and heartbeat updated in the
// same transaction. File imports and Elasticsearch pulls both write through it, so a row
// SQLite refuses costs that row only, and the counts on the source are always true. A record
// of an Elasticsearch document the case already holds (case/documents.ts) is not stored again
// but counted as a duplicate; records without a document key are never looked up.
import type { SourceCounts } from '../../../shared/api.js';
import { CoalmineError } from '../../../shared/errors.js';
import type { CaseDb } from '../case/caseStore.js';
import { prepareDuplicateRecord, prepareHolderLookup } from '../case/documents.js';
import { type NewEvent, hasException, prepareEventInsert } from '../case/events.js';
import { prepareMetricInsert } from '../case/metrics.js';
import { type Reject, prepareRejectInsert } from '../case/rejects.js';
import { updateSourceCounts } from '../case/sources.js';
import type { NewMetric, RecordSink } from './formats/types.js';
import { type NormaliseContext, normaliseEvent, normaliseMetric } from './normalise.js';

export type { SourceCounts };

export interface SourceWriter {
  /** Where a format (or a pull) hands its records. */
  readonly sink: RecordSink;
  readonly counts: SourceCounts;
  /** The first rejected records, for the summary a person reads. */
  readonly rejectSample: Reject[];
  /** Records held in memory, waiting for the next batch. */
  pending(): number;
  /** Writes what is held in one transaction. `what` names the input in a failure message. */
  flush(): void;
}

export const REJECT_SAMPLE_SIZE = 20;

/** The counts of a source nothing has been written to. */
export function noCounts(): SourceCounts {
  return { lines: 0, events: 0, rejects: 0, authFailures: 0, exceptions: 0, metrics: 0, duplicates: 0 };
}

// Errors that belong to one row's values; any other (disk full, I/O) ends the import.
function isRowError(error: unknown): boolean {
  if (error instanceof TypeError || error instanceof RangeError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^SQLITE_(CONSTRAINT|TOOBIG|MISMATCH)/.test(code);
}

export interface SourceWriterOptions {
  /** The records were normalised where they were parsed (the parse worker): store them as they are. */
  normalised?: boolean;
}

export function createSourceWriter(
  db: CaseDb,
  sourceId: number,
  normaliseContext: NormaliseContext,
  /** The input, as failure messages name it (a path, a cluster and index). */
  what: string,
  options: SourceWriterOptions = {},
): SourceWriter {
  const normalise = options.normalised !== true;
  const insertEvent = prepareEventInsert(db, sourceId);
  const insertReject = prepareRejectInsert(db, sourceId);
  const insertMetric = prepareMetricInsert(db, sourceId);
  const counts = noCounts();
  // A record of an Elasticsearch document the case holds already is not stored again
  // (documents.ts); only records that carry a document key are looked up.
  const holderOf = prepareHolderLookup(db, sourceId);
  const recordDuplicate = prepareDuplicateRecord(db, sourceId);
  const heldAlready = (docKey: string | null | undefined, line: number): boolean => {
    if (docKey === undefined || docKey === null || holderOf(docKey, line) === null) return false;
    if (recordDuplicate(line, docKey)) counts.duplicates += 1;
    return true;
  };
  const rejectSample: Reject[] = [];
  let events: NewEvent[] = [];
  let metrics: NewMetric[] = [];
  let rejects: { line: number; reason: string; raw: string; rawBytes: number | undefined }[] = [];

  const reject = (line: number, reason: string, raw: string, rawBytes?: number): void => {
    rejects.push({ line, reason, raw, rawBytes });
    counts.rejects += 1;
    if (rejectSample.length < REJECT_SAMPLE_SIZE) rejectSample.push({ line, reason });
  };

  const writeBatch = db.transaction(() => {
    for (const event of events) {
      if (heldAlready(event.docKey, event.sourceLine)) {
        counts.events -= 1;
        if (event.authFailure) counts.authFailures -= 1;
        if (hasException(event)) counts.exceptions -= 1;
        continue;
      }
      try {
        insertEvent(event);
      } catch (error) {
        // A value SQLite will not store costs that record, not the batch around it.
        if (!db.inTransaction || !isRowError(error)) throw error;
        counts.events -= 1;
        if (event.authFailure) counts.authFailures -= 1;
        if (hasException(event)) counts.exceptions -= 1;
        reject(event.sourceLine, `cannot be stored (${(error as Error).message})`, event.raw);
      }
    }
    for (const m of metrics) {
      if (heldAlready(m.docKey, m.sourceLine)) counts.metrics -= 1;
      else insertMetric(m);
    }
    for (const r of rejects) insertReject(r.line, r.reason, r.raw, r.rawBytes);
    updateSourceCounts(db, sourceId, counts);
  });

  return {
    sink: {
      event(event) {
        if (normalise) normaliseEvent(event, normaliseContext);
        // Every reader scales its own duration field; whatever overflowed to Infinity (a
        // thousand-digit request time) would turn the judge's means and percentiles into nulls.
        if (event.durationMs !== null && !(Number.isFinite(event.durationMs) && event.durationMs >= 0)) {
          reject(
            event.sourceLine,
            `duration ${String(event.durationMs)} ms is not a finite, non-negative number`,
            event.raw,
          );
          return;
        }
        events.push(event);
        counts.events += 1;
        if (event.authFailure) counts.authFailures += 1;
        if (hasException(event)) counts.exceptions += 1;
      },
      metric(sample) {
        if (!Number.isFinite(sample.value)) {
          reject(sample.sourceLine, `metric ${sample.name} is not a finite number`, '');
          return;
        }
        metrics.push(normalise ? normaliseMetric(sample, normaliseContext) : sample);
        counts.metrics += 1;
      },
      reject,
    },
    counts,
    rejectSample,
    pending: () => events.length + metrics.length + rejects.length,
    flush() {
      try {
        writeBatch();
      } catch (error) {
        throw new CoalmineError(
          'WRITE_FAILED',
          `writing the events of ${what} to the case failed after line ${counts.lines} (${(error as Error).message}); the source is marked incomplete`,
          { cause: error },
        );
      }
      events = [];
      metrics = [];
      rejects = [];
    },
  };
}
