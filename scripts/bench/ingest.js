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
import { ecsLine, lcg, nginxLine, writeLines } from './lib/generate.js';

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
