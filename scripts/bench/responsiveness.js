// How long the hosting thread (Electron's main process, web mode's HTTP server) stops
// answering while the page imports a log and then judges and reviews the rollout: its event
// loop delay (max and p99, from perf_hooks' histogram), once with the service on that thread
// and once on the service thread the app uses (serviceThread.ts). Every window and request
// waits that long. Figures are printed, never asserted.
//   node scripts/bench/responsiveness.js [--lines N]     (default 200,000 ECS NDJSON events)
// Needs the build (`npm run build`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ecsLine, lcg, writeLines } from './lib/generate.js';

const core = path.join(import.meta.dirname, '../../out/node/electron/core');
const { closeCase, openCase } = await import(`${core}/case/caseStore.js`);
const { folderPicker } = await import(`${core}/importJobs.js`);
const { createService, inProcessCaller } = await import(`${core}/service.js`);
const { startServiceThread } = await import(`${core}/serviceThread.js`);

const i = process.argv.indexOf('--lines');
// The full ingest size would only make this section long: the delay is per batch and per call.
const lines = i === -1 ? 200_000 : Math.min(Number(process.argv[i + 1]), 200_000);
if (!Number.isInteger(lines) || lines <= 0) throw new Error(`--lines ${process.argv[i + 1]} is not a positive integer`);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-bench-responsiveness-'));
const logs = path.join(dir, 'logs');
fs.mkdirSync(logs);
const random = lcg(7);
writeLines(path.join(logs, 'rollout.ndjson'), lines, (n) => ecsLine(random, n));

async function value(call, method, input = {}) {
  const envelope = await call(method, input);
  if (!envelope.ok) throw new Error(`${method}: ${envelope.error.message}`);
  return envelope.value;
}

/** Imports the folder's log as the page does (pick, start, poll), then judges and reviews the rollout. */
async function pageSession(call) {
  const picked = await value(call, 'ingest.pick');
  const { jobId } = await value(call, 'ingest.start', { files: picked.files.map((f) => f.id) });
  let status;
  do {
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = await value(call, 'job.status', { jobId });
  } while (status.state === 'running');
  if (status.state !== 'done') throw new Error(`the import ${status.state}: ${status.error}`);
  const [rollout] = await value(call, 'rollout.list');
  await value(call, 'rollout.analyse', { rolloutId: rollout.id });
  await value(call, 'review.export', { rolloutId: rollout.id, format: 'md', pseudonymise: true });
}

async function measure(name, serve) {
  const casePath = path.join(dir, `${name}.coalmine`);
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  const { call, close } = await serve(casePath);
  histogram.enable();
  const started = performance.now();
  await pageSession(call);
  const seconds = (performance.now() - started) / 1000;
  histogram.disable();
  await close();
  const ms = (ns) => (ns / 1e6).toFixed(0).padStart(6);
  console.log(
    `${name.padEnd(40)} ${seconds.toFixed(2).padStart(6)} s   event loop delay: max ${ms(histogram.max)} ms, ` +
      `p99 ${ms(histogram.percentile(99))} ms`,
  );
}

console.log(`${lines.toLocaleString('en-GB')} ECS NDJSON events imported from the page, then judged and reviewed`);
try {
  await measure('service on the hosting thread', (casePath) => {
    const db = openCase(casePath, { create: true });
    const service = createService({ path: casePath, db, readOnly: false }, { pickFiles: folderPicker(logs) });
    return { call: inProcessCaller(service), close: async () => closeCase(db) };
  });
  await measure('service thread (the app, web mode)', (casePath) =>
    startServiceThread({
      served: { kind: 'file', path: casePath, readOnly: false, create: true },
      host: { pickFiles: folderPicker(logs) },
    }),
  );
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
