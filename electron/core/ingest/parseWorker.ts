// The parse worker's entry: runs one ParseJob (workerData) and posts its batches to the thread
// that writes the case. It holds at most MAX_BATCHES_IN_FLIGHT unwritten batches; each 'ack'
// from the writer lets it read on, so a fast reader never runs ahead of a slow disk.
import { parentPort, workerData } from 'node:worker_threads';
import { packedTransfer } from './eventBatch.js';
import { MAX_BATCHES_IN_FLIGHT, type ParseJob, type WriterMessage, runParseJob } from './parseJob.js';

const port = parentPort;
if (!port) throw new Error('parseWorker.js runs as a worker thread only');

let inFlight = 0;
let resume: (() => void) | null = null;
port.on('message', (message: WriterMessage) => {
  if (message.type === 'ack') {
    inFlight -= 1;
    const wake = resume;
    resume = null;
    wake?.();
  }
});

await runParseJob(workerData as ParseJob, async (message) => {
  if (message.type !== 'batch') {
    port.postMessage(message);
    return;
  }
  // The packed events' typed arrays move to the writer instead of being copied.
  port.postMessage(message, packedTransfer(message.events));
  inFlight += 1;
  while (inFlight >= MAX_BATCHES_IN_FLIGHT) await new Promise<void>((wake) => (resume = wake));
});
port.close();
