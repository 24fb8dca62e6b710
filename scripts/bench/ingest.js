// Ingest speed: generates (deterministically) ECS NDJSON events of about 650 bytes a line and
// nginx combined lines, imports each into a fresh case, and prints seconds, events/s, MB/s,
// peak RSS of the importing process, and the ratio to a bare baseline on the same file in the
// same run (readline + JSON.parse for NDJSON; readline + the access-log regex for nginx).
// Each measurement runs in its own child process so that its peak RSS is its own.
//   node scripts/bench/ingest.js [--lines N]     (default 1,000,000 lines of each)
// Needs the build (`npm run build`). Generated files live in a temp folder, removed at the end.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const out = path.join(import.meta.dirname, '../../out/node/electron/core');

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

// ---- children: one measurement each, printed as one JSON line ----

/**
 * CPU seconds (user + system, every thread of the process) since `start`: on a machine
 * shared with other work, wall time swings with the load, CPU time much less.
 */
function cpuSince(start) {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1e6;
}

/**
 * CPU seconds of this process's main thread (the one that writes the case) so far, from
 * Linux's per-thread accounting; null elsewhere. The rest of the process's CPU time is the
 * parse worker's (and V8's and libuv's helpers). Under load, this split shows which thread
 * bounds the import better than wall time does.
 */
function mainThreadCpu() {
  try {
    const stat = fs.readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function baselineNdjson(file) {
  const cpu = process.cpuUsage();
  const started = performance.now();
  let n = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (line) {
      JSON.parse(line);
      n += 1;
    }
  }
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpu), events: n };
}

async function baselineAccess(file) {
  const { ACCESS_LOG_LINE } = await import(`${out}/ingest/formats/accessLog.js`);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let n = 0;
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (ACCESS_LOG_LINE.exec(line)) n += 1;
  }
  return { seconds: (performance.now() - started) / 1000, cpuSeconds: cpuSince(cpu), events: n };
}

async function coalmineImport(file, casePath) {
  const { openCase, closeCase } = await import(`${out}/case/caseStore.js`);
  const { importFile } = await import(`${out}/ingest/importFile.js`);
  const db = openCase(casePath, { create: true });
  const cpu = process.cpuUsage();
  const writerCpu = mainThreadCpu();
  const started = performance.now();
  const result = await importFile(db, file);
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpuSince(cpu);
  const writerCpuSeconds = writerCpu === null ? null : mainThreadCpu() - writerCpu;
  closeCase(db);
  return {
    seconds,
    cpuSeconds,
    writerCpuSeconds,
    events: result.events,
    rejects: result.rejects,
    caseBytes: fs.statSync(casePath).size,
  };
}

const child = arg('--child', null);
if (child) {
  const file = arg('--file');
  const result =
    child === 'baseline-ndjson'
      ? await baselineNdjson(file)
      : child === 'baseline-access'
        ? await baselineAccess(file)
        : await coalmineImport(file, arg('--case'));
  // maxRSS counts every thread of the process: the parse worker's memory is in it.
  console.log(JSON.stringify({ ...result, rssMb: process.resourceUsage().maxRSS / 1024 }));
  process.exit(0);
}

// ---- generation ----

function lcg(seed) {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}
const hex = (random, n) => {
  let s = '';
  while (s.length < n)
    s += Math.floor(random() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s.slice(0, n);
};
const PATHS = ['/api/catalog', '/api/cart', '/api/cart/items', '/api/checkout', '/api/login', '/api/orders/recent'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'okhttp/4.12.0',
];
const START = Date.UTC(2026, 10, 19, 9, 0, 0);

function writeLines(file, lines, make) {
  const fd = fs.openSync(file, 'w');
  let chunk = [];
  for (let i = 0; i < lines; i += 1) {
    chunk.push(make(i));
    if (chunk.length === 10_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
}

function ecsLine(random, i) {
  const canary = random() < 0.1;
  const status = random() < 0.01 ? 500 : random() < 0.02 ? 401 : 200;
  const p = PATHS[i % PATHS.length];
  const pod = canary ? 'checkout-canary-7d9f8-x2k4p' : `checkout-stable-5c6b7-${['a1b2c', 'd3e4f', 'g5h6i'][i % 3]}`;
  return JSON.stringify({
    '@timestamp': new Date(START + i * 50).toISOString(),
    'log.level': status >= 500 ? 'error' : 'info',
    message: `GET ${p} ${status} for request ${i}`,
    'service.name': 'checkout-api',
    'service.version': canary ? '4.13.0' : '4.12.3',
    'labels.track': canary ? 'canary' : 'stable',
    'host.name': pod,
    'kubernetes.pod.name': pod,
    'trace.id': hex(random, 32),
    'http.request.method': 'GET',
    'url.path': p,
    'http.response.status_code': status,
    'http.response.body.bytes': Math.round(random() * 20_000),
    'event.duration': Math.round(20e6 + random() * 200e6),
    'client.ip': `203.0.113.${i % 254}`,
    'user.name': `user${i % 500}@example.com`,
    'user_agent.original': AGENTS[i % AGENTS.length],
  });
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
function nginxLine(random, i) {
  const d = new Date(START + i * 50);
  const two = (n) => String(n).padStart(2, '0');
  const time = `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
  const status = random() < 0.01 ? 500 : random() < 0.02 ? 401 : 200;
  const p = PATHS[i % PATHS.length];
  return `198.51.100.${i % 254} - ${i % 7 === 0 ? `user${i % 500}` : '-'} [${time}] "GET ${p}?page=${i % 10} HTTP/1.1" ${status} ${Math.round(random() * 20_000)} "https://shop.example/" "${AGENTS[i % AGENTS.length]}" ${(random() * 0.3).toFixed(3)}`;
}

// ---- the run ----

const lines = Number(arg('--lines', '1000000'));
if (!Number.isInteger(lines) || lines <= 0) throw new Error(`--lines ${arg('--lines')} is not a positive integer`);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-bench-'));
const self = import.meta.filename;

function measure(mode, file, extra = []) {
  const run = spawnSync(process.execPath, [self, '--child', mode, '--file', file, ...extra], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${mode} failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1));
}

function row(name, r, mb) {
  const rate = Math.round(r.events / r.seconds).toLocaleString('en-GB');
  return (
    `${name.padEnd(34)} ${r.seconds.toFixed(2).padStart(7)} s ${rate.padStart(10)} events/s ` +
    `${(mb / r.seconds).toFixed(1).padStart(6)} MB/s  CPU ${r.cpuSeconds.toFixed(2).padStart(6)} s  ` +
    `peak RSS ${r.rssMb.toFixed(0).padStart(4)} MB`
  );
}

try {
  console.log(
    `Node ${process.version}, ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (figures on a shared machine are noisy)`,
  );
  for (const input of [
    {
      label: 'ECS NDJSON',
      name: 'bench.ndjson',
      make: ecsLine,
      baseline: 'baseline-ndjson',
      base: 'readline + JSON.parse',
    },
    {
      label: 'nginx combined',
      name: 'access.log',
      make: nginxLine,
      baseline: 'baseline-access',
      base: 'readline + regex',
    },
  ]) {
    const file = path.join(dir, input.name);
    const random = lcg(42);
    writeLines(file, lines, (i) => input.make(random, i));
    const mb = fs.statSync(file).size / 1e6;
    const base = measure(input.baseline, file);
    const ours = measure('import', file, ['--case', path.join(dir, `${input.name}.coalmine`)]);
    console.log(
      `\n${input.label}: ${lines.toLocaleString('en-GB')} lines, ${mb.toFixed(1)} MB (${Math.round((mb * 1e6) / lines)} bytes a line)`,
    );
    console.log(row(`baseline ${input.base}`, base, mb));
    console.log(row('coalmine import (FTS index on)', ours, mb));
    console.log(
      `ratio to baseline ${(ours.seconds / base.seconds).toFixed(2)}x (CPU time ${(ours.cpuSeconds / base.cpuSeconds).toFixed(2)}x over both threads), ` +
        `${ours.rejects} rejected, case file ${(ours.caseBytes / 1e6).toFixed(0)} MB`,
    );
    if (ours.writerCpuSeconds !== null) {
      console.log(
        `CPU by thread: writer (main) ${ours.writerCpuSeconds.toFixed(2)} s, parse worker and helpers ` +
          `${(ours.cpuSeconds - ours.writerCpuSeconds).toFixed(2)} s`,
      );
    }
    fs.rmSync(file, { force: true });
    fs.rmSync(path.join(dir, `${input.name}.coalmine`), { force: true });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
