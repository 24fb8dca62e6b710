// `npm run bench [-- --lines N]`: import speed of ECS NDJSON against a bare baseline on the
// same file in the same run (Node readline + JSON.parse). Figures are printed, never
// asserted: speed targets live here, not in timed tests.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { openCase } from '../out/node/electron/core/case/caseStore.js';
import { importFile } from '../out/node/electron/core/ingest/importFile.js';

const linesArg = process.argv.indexOf('--lines');
const lines = linesArg === -1 ? 100_000 : Number(process.argv[linesArg + 1]);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-bench-'));
const file = path.join(dir, 'bench.ndjson');

// Deterministic events shaped like the demo's (dotted ECS keys, ~420 bytes a line).
function writeInput() {
  const out = fs.openSync(file, 'w');
  let seed = 42;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const paths = ['/api/catalog', '/api/cart', '/api/cart/items', '/api/checkout', '/api/login'];
  const start = Date.UTC(2026, 10, 19, 9, 0, 0);
  let chunk = [];
  for (let i = 0; i < lines; i += 1) {
    const canary = random() < 0.1;
    const status = random() < 0.01 ? 500 : random() < 0.02 ? 401 : 200;
    chunk.push(
      JSON.stringify({
        '@timestamp': new Date(start + i * 50).toISOString(),
        'service.name': 'checkout-api',
        'service.version': canary ? '4.13.0' : '4.12.3',
        'labels.track': canary ? 'canary' : 'stable',
        'host.name': canary ? 'checkout-canary-1' : `checkout-stable-${1 + (i % 3)}`,
        'log.level': status >= 500 ? 'error' : 'info',
        message: `GET ${paths[i % paths.length]} completed with ${status} for request ${i}`,
        'http.request.method': 'GET',
        'url.path': paths[i % paths.length],
        'http.response.status_code': status,
        'event.duration': Math.round(20e6 + random() * 200e6),
        'client.ip': `203.0.113.${i % 254}`,
        'user.name': `user${i % 500}@example.com`,
      }),
    );
    if (chunk.length === 10_000) {
      fs.writeSync(out, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(out, chunk.join('\n') + '\n');
  fs.closeSync(out);
}

async function baseline() {
  const started = performance.now();
  let n = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line) {
      JSON.parse(line);
      n += 1;
    }
  }
  return { seconds: (performance.now() - started) / 1000, n };
}

async function coalmineImport() {
  const casePath = path.join(dir, 'bench.coalmine');
  const db = openCase(casePath, { create: true });
  const started = performance.now();
  const result = await importFile(db, file);
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, n: result.events, caseBytes: fs.statSync(casePath).size };
}

writeInput();
const mb = fs.statSync(file).size / 1e6;
const base = await baseline();
const ours = await coalmineImport();
const rssMb = process.resourceUsage().maxRSS / 1024;
const row = (name, r) =>
  `${name.padEnd(28)} ${r.seconds.toFixed(2).padStart(7)} s  ${Math.round(r.n / r.seconds)
    .toLocaleString('en-GB')
    .padStart(10)} events/s  ${(mb / r.seconds).toFixed(1).padStart(6)} MB/s`;
console.log(
  `ECS NDJSON, ${lines.toLocaleString('en-GB')} lines, ${mb.toFixed(1)} MB (Node ${process.version}, ${os.cpus().length} cores)`,
);
console.log(row('baseline readline+JSON.parse', base));
console.log(row('coalmine import (FTS on)', ours));
console.log(
  `ratio to baseline: ${(ours.seconds / base.seconds).toFixed(2)}x   peak RSS: ${rssMb.toFixed(0)} MB   case file: ${(ours.caseBytes / 1e6).toFixed(1)} MB`,
);
fs.rmSync(dir, { recursive: true, force: true });
