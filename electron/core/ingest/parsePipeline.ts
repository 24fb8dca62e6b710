// The writing thread's end of an import: starts the parse worker on a job and hands its
// messages on in order. Parsing (JSON, regexes, normalising) runs on the worker's core while
// this thread stays the case's one writer (SQLite has one writer; better-sqlite3 is
// synchronous), so an import uses both cores.
import { Worker } from 'node:worker_threads';
import { CoalmineError } from '../../../shared/errors.js';
import { workerEntryFile } from '../workerEntry.js';
import type { ParseJob, ParseMessage, WriterMessage } from './parseJob.js';

let workerPath: string | null = null;

/** Tests run another entry in its place; null: the default. */
export function useParseWorkerPath(file: string | null): void {
  workerPath = file;
}

/** The parse worker's entry file (workerEntry.ts). */
export function parseWorkerFile(): string {
  return workerPath ?? workerEntryFile(import.meta.url, 'electron/core/ingest', 'parseWorker.js');
}

export interface ParsePipeline {
  /** The worker's messages in order; ends after 'end' or 'failed' (or throws if the worker dies). */
  messages: AsyncIterable<ParseMessage>;
  /** One batch is written: the worker may read one more. */
  ack(): void;
  /** Stops the worker (after the end, on cancel, on a write failure); `messages` then ends. */
  stop(): Promise<void>;
}

export function startParseWorker(job: ParseJob): ParsePipeline {
  const worker = new Worker(parseWorkerFile(), {
    workerData: job,
    // A safety net against a reader that holds too much (a multi-line record that never
    // ends): the worker fails alone, with a message, instead of the whole process.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
  const queue: (ParseMessage | { type: 'died'; error: Error } | { type: 'stopped' })[] = [];
  let wake: (() => void) | null = null;
  let finished = false;
  const push = (item: (typeof queue)[number]): void => {
    queue.push(item);
    const w = wake;
    wake = null;
    w?.();
  };
  worker.on('message', (message: ParseMessage) => push(message));
  worker.on('error', (error) => push({ type: 'died', error }));
  worker.on('exit', (code) => {
    if (!finished) push({ type: 'died', error: new Error(`the parse worker exited (code ${code}) before the end`) });
  });

  async function* messages(): AsyncGenerator<ParseMessage> {
    for (;;) {
      const item = queue.shift();
      if (item === undefined) {
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (item.type === 'stopped') return;
      if (item.type === 'died') {
        finished = true;
        throw new CoalmineError('INTERNAL', `reading ${job.path} stopped: ${item.error.message}`, {
          cause: item.error,
        });
      }
      if (item.type !== 'batch') finished = true;
      yield item;
      if (finished) return;
    }
  }

  return {
    messages: messages(),
    ack: () => worker.postMessage({ type: 'ack' } satisfies WriterMessage),
    stop: async () => {
      finished = true;
      push({ type: 'stopped' });
      await worker.terminate();
    },
  };
}
