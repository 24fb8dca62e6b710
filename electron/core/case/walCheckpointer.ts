// Keeps the case's write-ahead log checkpointed from another thread while a long write (an
// import) runs. SQLite's automatic checkpoint runs inside the writer's commit, and with
// `synchronous = NORMAL` each one waits for two fsyncs: measured here, 131 fsyncs took 1.1 s
// of a 200,000-event NDJSON import, time the writing thread spent waiting on the disk and not
// writing. A PASSIVE checkpoint from a second connection copies the same pages and waits for
// the same syncs without taking the writer's lock, so the writer goes on. Only the writer can
// start the log again from its beginning, and only when nothing is left to copy as its
// transaction begins, which a writer that never pauses rarely sees: so once the log has grown
// past WAL_LIMIT_BYTES, the writer checkpoints the little the thread has not copied yet
// (RESTART), and the log starts over instead of growing with the import. A log that starts over
// keeps its file's size unless `journal_size_limit` cuts it: half the limit, so that the file's
// size says how much the log holds since.
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { workerEntryFile } from '../workerEntry.js';
import { type CaseDb, sqliteNativeBinding } from './caseStore.js';

export interface CheckpointJob {
  path: string;
  nativeBinding: string | null;
  /** Milliseconds between checkpoints. */
  intervalMs: number;
}

export interface WalCheckpointer {
  /** Called by the writer between its transactions: starts the log over once it is long. */
  afterBatch(): void;
  /** Ends the checkpointing thread and gives the writer its automatic checkpoints back. */
  stop(): Promise<void>;
}

const NONE: WalCheckpointer = { afterBatch: () => undefined, stop: () => Promise.resolve() };

/** How long the log may grow during an import before the writer starts it over. */
export const WAL_LIMIT_BYTES = 128 * 1024 * 1024;

/**
 * A checkpoint by the writer. 'done'; 'locked' when the thread's own checkpoint was running
 * (SQLite answers at once, and the thread's takes milliseconds: try again after the next
 * batch); 'busy' when another connection reads an old snapshot, which may go on for minutes:
 * it waits only briefly for that, so such a reader does not stall the import.
 */
function writerCheckpoint(db: CaseDb, mode: 'RESTART' | 'TRUNCATE'): 'done' | 'locked' | 'busy' {
  const timeout = db.pragma('busy_timeout', { simple: true }) as number;
  db.pragma('busy_timeout = 250');
  try {
    const [result] = db.pragma(`wal_checkpoint(${mode})`) as { busy: number; log: number }[];
    if (result?.busy === 0) return 'done';
    return result?.log === -1 ? 'locked' : 'busy';
  } finally {
    db.pragma(`busy_timeout = ${timeout}`);
  }
}

/**
 * Moves the automatic checkpoints of `db` (a case in WAL mode, on disk) to a checkpointing
 * thread until `stop`. Anything else (an in-memory case, a read-only one) is left as it is.
 */
export function startWalCheckpointer(
  db: CaseDb,
  { intervalMs = 100, walLimitBytes = WAL_LIMIT_BYTES }: { intervalMs?: number; walLimitBytes?: number } = {},
): WalCheckpointer {
  if (db.memory || db.readonly || db.pragma('journal_mode', { simple: true }) !== 'wal') return NONE;
  const automatic = db.pragma('wal_autocheckpoint', { simple: true }) as number;
  const sizeLimit = db.pragma('journal_size_limit', { simple: true }) as number;
  const job: CheckpointJob = { path: db.name, nativeBinding: sqliteNativeBinding() ?? null, intervalMs };
  let worker: Worker;
  try {
    worker = new Worker(workerEntryFile(import.meta.url, 'electron/core/case', 'checkpointWorker.js'), {
      workerData: job,
    });
  } catch (error) {
    // Without the thread the writer checkpoints as it always did: slower, never wrong.
    console.error(error);
    return NONE;
  }
  worker.on('error', (error) => console.error('the WAL checkpointer stopped:', error));
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  db.pragma('wal_autocheckpoint = 0');
  db.pragma(`journal_size_limit = ${Math.floor(walLimitBytes / 2)}`);
  const walPath = `${db.name}-wal`;
  // After a busy try (a reader holds an old snapshot), the next waits until the log has grown
  // by as much again, so such a reader costs the import a few short waits, not one a batch.
  let restartAbove = walLimitBytes;
  let stopping: Promise<void> | null = null;
  return {
    afterBatch: () => {
      const size = fs.statSync(walPath, { throwIfNoEntry: false })?.size ?? 0;
      if (size <= restartAbove) return;
      const outcome = writerCheckpoint(db, 'RESTART');
      if (outcome !== 'locked') restartAbove = outcome === 'done' ? walLimitBytes : size + walLimitBytes;
    },
    stop: () =>
      (stopping ??= (async () => {
        worker.postMessage('stop');
        await ended;
        if (!db.open) return;
        // Even when the thread failed: the writer checkpoints by itself again, and the log
        // the import grew goes back to nothing.
        db.pragma(`wal_autocheckpoint = ${automatic}`);
        db.pragma(`journal_size_limit = ${sizeLimit}`);
        writerCheckpoint(db, 'TRUNCATE');
      })()),
  };
}
