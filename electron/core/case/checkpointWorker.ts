// The WAL checkpointer's thread (walCheckpointer.ts): its own connection to the case runs a
// PASSIVE checkpoint every interval until told to stop, then one last one. Its waits for the
// disk block this thread only.
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import type { CheckpointJob } from './walCheckpointer.js';

const port = parentPort;
if (!port) throw new Error('checkpointWorker.js runs as a worker thread only');
const job = workerData as CheckpointJob;
const db = new Database(job.path, {
  fileMustExist: true,
  ...(job.nativeBinding ? { nativeBinding: job.nativeBinding } : {}),
});

let timer: NodeJS.Timeout | null = null;
const checkpoint = (): void => {
  // PASSIVE never waits for the writer or readers; it copies what no reader still needs.
  db.pragma('wal_checkpoint(PASSIVE)');
};
const tick = (): void => {
  checkpoint();
  timer = setTimeout(tick, job.intervalMs);
};
timer = setTimeout(tick, job.intervalMs);
port.on('message', () => {
  if (timer) clearTimeout(timer);
  checkpoint();
  db.close();
  port.close();
});
