// The reading half of an import: file bytes → lines → the format's parser → normalised
// records, handed on in batches. It runs in the parse worker (parseWorker.ts) while the
// thread that owns the case writes the batches (parsePipeline.ts); everything here is plain
// data so that it crosses threads, and nothing here touches the case.
import { CoalmineError } from '../../../shared/errors.js';
import type { NewEvent } from '../case/events.js';
import { type PackedEvents, packEvents } from './eventBatch.js';
import { formatNamed } from './formats/index.js';
import type { FormatContext, NewMetric, RecordSink } from './formats/types.js';
import { type LineSource, readLines } from './lineReader.js';
import { type NormaliseContext, normaliseEvent, normaliseMetric } from './normalise.js';

export interface ParseJob {
  path: string;
  /** A name from FORMATS, already chosen (detected or forced) by the caller. */
  format: string;
  formatContext: FormatContext;
  normaliseContext: NormaliseContext;
  /** Records (events, metrics, rejects) per batch. */
  batchSize: number;
}

export interface RejectRecord {
  line: number;
  reason: string;
  /** Possibly only the start of the record (a line too long to hold). */
  raw: string;
  /** The record's true length in bytes, when `raw` is only its start. */
  rawBytes?: number;
}

// Events cross packed (eventBatch.ts): one string and typed arrays, which the writing thread
// reads back several times faster than structured clones of plain objects. (Row arrays were
// slower than objects, about 6.9 against 4.7 µs a row, and one JSON string a batch no cheaper:
// stringify 2.5 + parse 4.1 µs a row.) Metrics and rejects are few: they cross as objects.
export interface ParseBatch {
  type: 'batch';
  events: PackedEvents;
  metrics: NewMetric[];
  rejects: RejectRecord[];
  /** Lines read up to the end of this batch. */
  lines: number;
  /** Bytes of the file read so far, as stored (compressed for gzip). */
  bytesRead: number;
}

export interface ParseEnd {
  type: 'end';
  lines: number;
  bytesRead: number;
  sha256: string;
  compression: 'gzip' | null;
  /** Where a gzip that ends early or breaks was cut (also among the rejects). */
  cut: { line: number; reason: string } | null;
}

export interface ParseFailed {
  type: 'failed';
  /** Lines read before the failure. */
  lines: number;
  message: string;
  /** The format refused the file as a whole (a CSV header without a time column): a usage error. */
  refused: boolean;
}

export type ParseMessage = ParseBatch | ParseEnd | ParseFailed;

/** From the writer to the reader: one batch is written, read on. */
export interface WriterMessage {
  type: 'ack';
}

/**
 * Batches the reader may post before the writer has written them: enough to keep both threads
 * busy, few enough that memory stays bounded (each is at most `batchSize` records or
 * BATCH_RAW_BYTES of text).
 */
export const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * A batch is also cut at this many bytes of raw text, so that a few huge records never make
 * one huge message (memory stays bounded whatever the lines hold).
 */
const BATCH_RAW_BYTES = 16 * 1024 * 1024;

/** A batch while it is filled: its records as the parser gave them, and how much it holds. */
interface FillingBatch {
  events: NewEvent[];
  metrics: NewMetric[];
  rejects: RejectRecord[];
  /** Records (events, metrics, rejects). */
  held: number;
  /** Characters of raw text. */
  heldBytes: number;
}

function emptyBatch(): FillingBatch {
  return { events: [], metrics: [], rejects: [], held: 0, heldBytes: 0 };
}

/**
 * Reads the whole file of `job`, calling `emit` with each batch and finally the end (or the
 * failure). `emit` returns a promise when the reader must wait (backpressure: the writer is
 * behind); reading resumes once it settles.
 */
export async function runParseJob(job: ParseJob, emit: (message: ParseMessage) => void | Promise<void>): Promise<void> {
  const format = formatNamed(job.format);
  // The batch being filled, and the batches already full but not yet posted. A batch is cut
  // as soon as it holds enough records, counted as the parser hands them over, not per line:
  // one line may stand for many events (a syslog repeat fold), and packing them all in one
  // message could outgrow a string. Full batches wait, unpacked, until the line is done,
  // because the sink cannot wait for the writer; then they are posted one by one.
  let filling = emptyBatch();
  const full: FillingBatch[] = [];
  const cutIfFull = (): void => {
    if (filling.held >= job.batchSize || filling.heldBytes >= BATCH_RAW_BYTES) {
      full.push(filling);
      filling = emptyBatch();
    }
  };
  const sink: RecordSink = {
    event(event) {
      filling.events.push(normaliseEvent(event, job.normaliseContext));
      filling.held += 1;
      filling.heldBytes += event.raw.length;
      cutIfFull();
    },
    metric(sample) {
      filling.metrics.push(normaliseMetric(sample, job.normaliseContext));
      filling.held += 1;
      cutIfFull();
    },
    reject(line, reason, raw, rawBytes) {
      filling.rejects.push({ line, reason, raw, ...(rawBytes === undefined ? {} : { rawBytes }) });
      filling.held += 1;
      filling.heldBytes += raw.length;
      cutIfFull();
    },
  };
  let source: LineSource | null = null;
  let lines = 0;
  let cut: ParseEnd['cut'] = null;
  const post = async (ready: FillingBatch): Promise<void> => {
    await emit({
      type: 'batch',
      events: packEvents(ready.events),
      metrics: ready.metrics,
      rejects: ready.rejects,
      lines,
      bytesRead: source?.bytesRead() ?? 0,
    });
  };
  /** Posts the full batches, and with `all` the one being filled too. */
  const send = async (all: boolean): Promise<void> => {
    while (full.length > 0) {
      const ready = full.shift();
      if (ready) await post(ready);
    }
    if (all && filling.held > 0) {
      const last = filling;
      filling = emptyBatch();
      await post(last);
    }
  };

  try {
    source = readLines(job.path, { hash: true });
    const parser = format.open(job.formatContext, sink);
    // A format that throws on hostile input costs that line, not the import; a format that
    // refuses the whole file (a CoalmineError) ends it with its own words.
    const guarded = (step: () => void, line: number, raw: string): void => {
      try {
        step();
      } catch (error) {
        if (error instanceof CoalmineError) throw error;
        sink.reject(line, `the ${format.name} reader failed on this record (${(error as Error).message})`, raw);
      }
    };
    for await (const line of source.lines) {
      lines = line.number;
      if (line.problem !== undefined) {
        sink.reject(line.number, line.problem, line.text, line.bytes);
        if (line.cut) cut = { line: line.number, reason: line.problem };
      } else {
        guarded(() => parser.line(line.number, line.text), line.number, line.text);
      }
      await send(false);
    }
    guarded(() => parser.end(), lines, '');
    await send(true);
    await emit({
      type: 'end',
      lines,
      bytesRead: source.bytesRead(),
      sha256: source.sha256(),
      compression: source.compression(),
      cut,
    });
  } catch (error) {
    // What was read before a read error is kept.
    await send(true);
    await emit({
      type: 'failed',
      lines,
      message: (error as Error).message,
      refused: error instanceof CoalmineError && error.code === 'BAD_INPUT',
    });
  } finally {
    source?.close();
  }
}
