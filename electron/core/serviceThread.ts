// The API served from a worker thread. The service (serviceWorker.ts) owns the case
// connection and does all long work there: imports write, pulls, the judge and reviews read.
// The thread that hosts it (Electron's main process, web mode's HTTP server) only forwards
// calls and keeps what needs it: the dialogs and Chromium's printing, which the worker asks
// for by message. better-sqlite3 is synchronous, so a batch written or a rollout judged on the
// hosting thread would stall every window and request for as long as it took (STYLE.md: "a
// worker thread owns the writer").
import { Worker } from 'node:worker_threads';
import type { ApiEnvelope, ErrorCode } from '../../shared/errors.js';
import { CoalmineError } from '../../shared/errors.js';
import type { FilePicker } from './importJobs.js';
import type { PdfPrinter } from './review/renderReview.js';
import type { ApiCaller } from './service.js';
import { workerEntryFile } from './workerEntry.js';

/** The case the thread serves: a case file, or the demo case built from the demo logs. */
export type ServedCase =
  | { kind: 'file'; path: string; readOnly: boolean; create: boolean }
  | { kind: 'demo'; path: string; logsDir: string; readOnly: boolean };

/** What the hosting thread does for the service when the worker asks. */
export interface ServiceThreadHost {
  /** The path of another case the user picked (the desktop app's dialog), or null. */
  chooseCase?: (options: { readOnly: boolean }) => Promise<string | null>;
  pickFiles?: FilePicker;
  printPdf?: PdfPrinter;
}

export interface ServiceThreadOptions {
  served: ServedCase;
  host?: ServiceThreadHost;
  /** The Electron build of better-sqlite3 (its `nativeBinding`); the Node build otherwise. */
  sqliteBinding?: string;
  /** The folder of the Electron bundle's worker entries (workerEntry.ts); beside the modules otherwise. */
  workerEntryDir?: string;
  /**
   * Called once if the thread ends without being closed (a crash): the host tells the user
   * (web mode exits, the app shows why). Every call then answers with an internal error.
   */
  onStopped?: (reason: string) => void;
}

export interface ServiceThread {
  call: ApiCaller;
  /** Closes the case (checkpointed, journal back to DELETE) and ends the thread. */
  close(): Promise<void>;
}

/** The worker's start-up data. */
export interface ServiceWorkerData {
  served: ServedCase;
  hostCan: Record<HostRequestName, boolean>;
  sqliteBinding: string | null;
  workerEntryDir: string | null;
}

export type HostRequestName = 'chooseCase' | 'pickFiles' | 'printPdf';

interface WireError {
  code: ErrorCode;
  message: string;
}

export type ToServiceWorker =
  | { type: 'call'; id: number; method: string; input: unknown }
  | { type: 'hostReply'; id: number; ok: true; value: unknown }
  | { type: 'hostReply'; id: number; ok: false; error: WireError }
  | { type: 'close' };

export type FromServiceWorker =
  | { type: 'ready' }
  | { type: 'startFailed'; error: WireError }
  | { type: 'result'; id: number; envelope: ApiEnvelope<unknown> }
  | { type: 'host'; id: number; name: HostRequestName; args: unknown }
  | { type: 'closed' };

/** How long `close` waits for the worker to close the case before ending it. */
const CLOSE_WAIT_MS = 30_000;

export function serviceWorkerFile(dir?: string): string {
  return workerEntryFile(import.meta.url, 'electron/core', 'serviceWorker.js', dir ?? null);
}

function wireError(error: unknown): WireError {
  if (error instanceof CoalmineError) return { code: error.code, message: error.message };
  console.error(error);
  return { code: 'INTERNAL', message: 'the app could not do what the case service asked; see the log' };
}

/** Starts the service thread; resolves once its case is open (the demo case built), or rejects with why not. */
export async function startServiceThread(options: ServiceThreadOptions): Promise<ServiceThread> {
  const host = options.host ?? {};
  const workerData: ServiceWorkerData = {
    served: options.served,
    hostCan: { chooseCase: !!host.chooseCase, pickFiles: !!host.pickFiles, printPdf: !!host.printPdf },
    sqliteBinding: options.sqliteBinding ?? null,
    workerEntryDir: options.workerEntryDir ?? null,
  };
  const worker = new Worker(serviceWorkerFile(options.workerEntryDir), { workerData });
  const pending = new Map<number, (envelope: ApiEnvelope<unknown>) => void>();
  let nextId = 1;
  let stopped: string | null = null;
  let onReady: { resolve: () => void; reject: (error: Error) => void } | null = null;
  let onClosed: (() => void) | null = null;
  let closing: Promise<void> | null = null;
  let started = false;

  const post = (message: ToServiceWorker): void => worker.postMessage(message);

  async function answerHost(id: number, name: HostRequestName, args: unknown): Promise<void> {
    try {
      let value: unknown;
      if (name === 'chooseCase' && host.chooseCase) value = await host.chooseCase(args as { readOnly: boolean });
      else if (name === 'pickFiles' && host.pickFiles) value = await host.pickFiles();
      else if (name === 'printPdf' && host.printPdf) value = await host.printPdf(args as string);
      else throw new CoalmineError('FORBIDDEN', `this app cannot ${name}`);
      post({ type: 'hostReply', id, ok: true, value });
    } catch (error) {
      post({ type: 'hostReply', id, ok: false, error: wireError(error) });
    }
  }

  /**
   * Every call waiting, and every later one, gets `reason` (what the untrusted caller may
   * read); a start-up that was waiting gets `detail` (the host's own error, for its log).
   */
  function stop(reason: string, detail = reason): void {
    if (stopped !== null) return;
    stopped = reason;
    for (const settle of pending.values()) settle({ ok: false, error: { code: 'INTERNAL', message: reason } });
    pending.clear();
    if (onReady) onReady.reject(new CoalmineError('INTERNAL', detail));
    else if (started && closing === null) options.onStopped?.(reason);
    onClosed?.();
  }

  worker.on('message', (message: FromServiceWorker) => {
    switch (message.type) {
      case 'ready':
        started = true;
        onReady?.resolve();
        onReady = null;
        break;
      case 'startFailed':
        onReady?.reject(new CoalmineError(message.error.code, message.error.message));
        onReady = null;
        break;
      case 'result':
        pending.get(message.id)?.(message.envelope);
        pending.delete(message.id);
        break;
      case 'host':
        void answerHost(message.id, message.name, message.args);
        break;
      case 'closed':
        stop('the case is closed');
        break;
    }
  });
  // The reason callers read says nothing of the inside; the details go to the log.
  const crashed = 'the case service stopped unexpectedly (see the log); open the case again';
  worker.on('error', (error) => {
    console.error('the case service stopped:', error);
    stop(crashed, `the case service could not start (${error.message})`);
  });
  worker.on('exit', (code) => {
    if (stopped === null) console.error(`the case service ended (exit code ${code})`);
    stop(crashed, `the case service ended while starting (exit code ${code})`);
  });

  await new Promise<void>((resolve, reject) => {
    onReady = { resolve, reject };
  }).catch(async (error: unknown) => {
    await worker.terminate();
    throw error;
  });

  return {
    call: (method, input) => {
      if (stopped !== null) return Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: stopped } });
      const id = nextId++;
      return new Promise((resolve) => {
        try {
          post({ type: 'call', id, method, input });
          pending.set(id, resolve);
        } catch (error) {
          // Input that cannot cross threads (structured clone) cannot be valid input either.
          resolve({ ok: false, error: { code: 'BAD_INPUT', message: `${method}: ${(error as Error).message}` } });
        }
      });
    },
    close: () =>
      (closing ??= (async () => {
        if (stopped === null) {
          // The worker closes the case between two calls' synchronous steps (an import's batch,
          // a judge's query). One that never answers is ended anyway: SQLite rolls back what
          // it had not committed, and an interrupted import can be redone.
          let timer: NodeJS.Timeout | undefined;
          await Promise.race([
            new Promise<void>((resolve) => {
              onClosed = resolve;
              post({ type: 'close' });
            }),
            new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS))),
          ]);
          clearTimeout(timer);
        }
        await worker.terminate();
      })()),
  };
}
