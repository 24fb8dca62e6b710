// The least work SQLite's one writer must do per event, best case, and the import rate that
// caps. SQLite lets one connection write at a time, so however the parsing is spread over the
// cores, an import can go no faster than its writer. This section stores the smallest row the
// judge can work from (source, line, time, track, service, version, status, duration, auth
// failure, and the message for the full-text index) in a bare table, and adds, one at a time,
// what the case must have: the cohort index the judge reads, the FTS5 index, a file on disk.
// Nothing of Coalmine runs here: the figures are a floor under any design that stores an event
// as a row (ARCHITECTURE.md: "events + FTS5", analysis as SQL aggregates).
//   node scripts/bench/writerFloor.js [--lines N]     (default 200,000 rows a measurement)
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lcg, nginxLine } from './lib/generate.js';

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}
const rows = Math.min(Number(arg('--lines', '200000')), 200_000);
if (!Number.isInteger(rows) || rows <= 0) throw new Error(`--lines ${arg('--lines')} is not a positive integer`);

// The values a row holds, made before the clock starts: the request line is the message an
// access-log event carries (what the FTS index tokenises).
const random = lcg(42);
const values = Array.from({ length: rows }, (_, i) => {
  const line = nginxLine(random, i);
  const request = line.slice(line.indexOf('"') + 1, line.indexOf('" '));
  const status = Number(line.split('" ')[1].split(' ')[0]);
  return [
    1,
    i + 1,
    1_763_542_800_000 + i * 50,
    i % 10 === 0 ? 'canary' : 'stable',
    'checkout',
    '4.12.3',
    status,
    12.5,
    status === 401 ? 1 : 0,
    request,
  ];
});

const COLUMNS = 'source_id, source_line, ts, track, service, version, status, duration_ms, auth_failure, message';
const TABLE = `CREATE TABLE events (id INTEGER PRIMARY KEY, source_id INTEGER NOT NULL, source_line INTEGER NOT NULL,
  ts INTEGER NOT NULL, track TEXT NOT NULL, service TEXT, version TEXT, status INTEGER, duration_ms REAL,
  auth_failure INTEGER NOT NULL, message TEXT) STRICT`;
const COHORT_INDEX = `CREATE INDEX events_cohort ON events (service, track, ts, version, status, duration_ms, auth_failure, source_id)`;
const FTS = `CREATE VIRTUAL TABLE events_fts USING fts5 (message, content = 'events', content_rowid = 'id')`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-floor-'));

/** Microseconds a row for one way of storing `values`, best of three runs. */
function measure({ onDisk, index, fts }) {
  let best = Infinity;
  for (let run = 0; run < 3; run += 1) {
    const file = path.join(dir, `floor-${run}.db`);
    const db = new Database(onDisk ? file : ':memory:');
    if (onDisk) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = OFF');
    }
    db.exec(TABLE);
    if (index) db.exec(COHORT_INDEX);
    if (fts) db.exec(FTS);
    const insert = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const batch = db.transaction((from, to) => {
      // Spread arguments: better-sqlite3 binds them faster than an array (measured here).
      for (let i = from; i < to; i += 1) insert.run(...values[i]);
    });
    const started = performance.now();
    for (let from = 0; from < rows; from += 5000) batch(from, Math.min(rows, from + 5000));
    if (fts) db.exec(`INSERT INTO events_fts (rowid, message) SELECT id, message FROM events`);
    best = Math.min(best, ((performance.now() - started) * 1000) / rows);
    db.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  }
  return best;
}

try {
  console.log(`${rows.toLocaleString('en-GB')} rows a measurement, best of 3, one thread (SQLite's one writer)`);
  for (const [label, how] of [
    ['row only, in memory', { onDisk: false, index: false, fts: false }],
    ['+ the cohort index', { onDisk: false, index: true, fts: false }],
    ['+ the FTS5 index on the message', { onDisk: false, index: true, fts: true }],
    ['on disk (WAL, synchronous OFF), no FTS', { onDisk: true, index: true, fts: false }],
    ['on disk (WAL, synchronous OFF), with FTS', { onDisk: true, index: true, fts: true }],
  ]) {
    const micros = measure(how);
    const ceiling = Math.round(1e6 / micros).toLocaleString('en-GB');
    console.log(
      `${label.padEnd(42)} ${micros.toFixed(2).padStart(6)} µs a row  → at most ${ceiling.padStart(9)} events/s`,
    );
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
