// The writing thread's end of an import: starts the parse worker on a job and hands its
// messages on in order. Parsing (JSON, regexes, normalising) runs on the worker's core while
// this thread stays the case's one writer (SQLite has one writer; better-sqlite3 is
// synchronous), so an import uses both cores.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CoalmineError } from '../../../shared/errors.js';
import type { ParseJob, ParseMessage, WriterMessage } from './parseJob.js';

let workerPath: string | null = null;

/** The Electron main bundle names its own copy of the worker (see electron.vite.config.ts); null: the default. */
export function useParseWorkerPath(file: string | null): void {
  workerPath = file;
}

/**
 * Where the worker's entry is. Built code (out/node for the CLI and bench, out/main for the
 * app) has parseWorker.js beside this module. Under vitest this module runs from its
 * TypeScript source, and a worker thread on Node 20 cannot load a .ts file: it then runs the
 * build of the same source in out/node, which `npm test` (pretest) and `npm run build` make.
 */
export function parseWorkerFile(): string {
  if (workerPath) return workerPath;
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return path.join(path.dirname(here), 'parseWorker.js');
  const root = path.resolve(path.dirname(here), '../../..');
  const built = path.join(root, 'out/node/electron/core/ingest/parseWorker.js');
  if (!fs.existsSync(built)) {
    throw new CoalmineError('INTERNAL', `${built} is missing: run \`npm run build\` before running from the sources`);
  }
  return built;
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
