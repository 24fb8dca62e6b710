// `node scripts/bench/analysis.js [--events N]`: the canary judge on one rollout of N events
// (1,000,000 by default; `npm run bench -- --lines N` passes --lines, read the same way),
// built deterministically straight into a case file (the import has its own bench). Prints the analysis time in seconds; the target is under 2 s. Figures are
// printed, never asserted. Needs `npm run build` first (it imports from out/node).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { analyseRollout } from '../../out/node/electron/core/analysis/analyse.js';
import { closeCase, openCase } from '../../out/node/electron/core/case/caseStore.js';
import { renderReview } from '../../out/node/electron/core/review/renderReview.js';
import { buildReviewDocument } from '../../out/node/electron/core/review/reviewModel.js';

const eventsArg = Math.max(process.argv.indexOf('--events'), process.argv.indexOf('--lines'));
const total = eventsArg === -1 ? 1_000_000 : Number(process.argv[eventsArg + 1]);
if (!Number.isInteger(total) || total < 1000) {
  console.error('--events takes a whole number of at least 1,000');
  process.exit(2);
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-bench-analysis-'));
const casePath = path.join(dir, 'bench.coalmine');

function build() {
  const db = openCase(casePath, { create: true });
  db.prepare(
    `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state, lines, events)
     VALUES (1, 'bench', 'bench', 0, ?, 'ecs-ndjson', 'Europe/London', 0, 'complete', ?, ?)`,
  ).run('0'.repeat(64), total, total);
  const insert = db.prepare(
    `INSERT INTO events (source_id, source_line, ts, ts_text, track, service, version, host, level, http_method,
       url_path, status, duration_ms, client_ip, user, message, error_type, error_message, error_stack,
       fingerprint, auth_failure, auth_rule, raw)
     VALUES (1, ?, ?, '', ?, 'checkout-api', ?, ?, 'info', 'GET', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
  );
  // mulberry32: consecutive draws are independent (an LCG's are not, which would make the
  // canary's rates differ from stable's by construction).
  let a = 42;
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const paths = ['/api/catalog', '/api/cart', '/api/cart/items', '/api/checkout', '/api/login'];
  const start = Date.UTC(2026, 10, 19, 9, 0, 0);
  const spanMs = 4 * 3_600_000;
  const surgeFrom = start + 2 * 3_600_000;
  const surgeTo = surgeFrom + 12 * 60_000;
  db.transaction(() => {
    for (let i = 0; i < total; i += 1) {
      const ts = start + Math.floor((i / total) * spanMs);
      const canary = random() < 0.1;
      const inSurge = canary && ts >= surgeFrom && ts < surgeTo;
      const r = random();
      const status = inSurge && r < 0.3 ? 401 : r < 0.002 ? 500 : r < 0.01 ? 401 : r < 0.012 ? 403 : 200;
      const exception = canary && random() < 0.001;
      const p = paths[i % paths.length];
      insert.run(
        i + 1,
        ts,
        canary ? 'canary' : 'stable',
        canary ? '4.13.0' : '4.12.3',
        canary ? 'canary-1' : `stable-${i % 3}`,
        p,
        status,
        20 + random() * (canary ? 220 : 200),
        `203.0.113.${i % 254}`,
        `user${i % 500}@example.com`,
        `GET ${p} ${status}`,
        exception ? 'java.lang.NullPointerException' : null,
        exception ? `order ${i} has no payment method` : null,
        exception ? 'java.lang.NullPointerException\n\tat com.shop.Pay.run(Pay.java:1)' : null,
        exception ? '0123456789abcdef' : null,
        status === 401 ? 1 : 0,
        status === 401 ? 'http-401' : null,
      );
    }
  })();
  closeCase(db);
}

const buildStarted = performance.now();
build();
const buildSeconds = (performance.now() - buildStarted) / 1000;

const db = openCase(casePath, { readOnly: true });
const started = performance.now();
const analysis = analyseRollout(db);
const seconds = (performance.now() - started) / 1000;

// The review of the same rollout: the document (which judges the rollout again, reads the
// evidence samples and pseudonymises), then each format from it.
const reviewStarted = performance.now();
const doc = buildReviewDocument(db, { pseudonymise: true });
const reviewSeconds = (performance.now() - reviewStarted) / 1000;
const formatSeconds = {};
for (const format of ['md', 'html', 'json', 'pdf']) {
  const formatStarted = performance.now();
  const rendered = await renderReview(doc, format);
  formatSeconds[format] =
    `${((performance.now() - formatStarted) / 1000).toFixed(2)} s (${(rendered.bytes.length / 1024).toFixed(0)} KiB)`;
}
closeCase(db);

console.log(
  `canary judge, one rollout of ${total.toLocaleString('en-GB')} events (Node ${process.version}, ${os.cpus().length} cores; case built in ${buildSeconds.toFixed(1)} s)`,
);
console.log(
  `analysis: ${seconds.toFixed(2)} s  (target < 2 s)  verdict ${analysis.verdict.decision}, ` +
    `${analysis.surges.length} surge(s), ${analysis.exceptions.length} exception group(s)`,
);
console.log(
  `review document: ${reviewSeconds.toFixed(2)} s  (${doc.timeline.length} timeline entries); ` +
    Object.entries(formatSeconds)
      .map(([format, figure]) => `${format} ${figure}`)
      .join(', '),
);
fs.rmSync(dir, { recursive: true, force: true });
