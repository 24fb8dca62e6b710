// The WAL checkpointer's thread (walCheckpointer.ts): its own connection to the case runs a
// PASSIVE checkpoint every interval until told to stop (the writer then checkpoints what is
// left itself, and truncates the log). Its waits for the disk block this thread only.
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

const tick = (): void => {
  // PASSIVE never waits for the writer or readers; it copies what no reader still needs.
  db.pragma('wal_checkpoint(PASSIVE)');
  timer = setTimeout(tick, job.intervalMs);
};
let timer = setTimeout(tick, job.intervalMs);
port.on('message', () => {
  clearTimeout(timer);
  db.close();
  port.close();
});
