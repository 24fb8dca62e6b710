// The least work SQLite's one writer must do per event, best case, and the import rate that
// caps. SQLite lets one connection write at a time, so however the parsing is spread over the
// cores, an import can go no faster than its writer. This section stores the smallest row the
// judge can work from (source, line, time, track, service, version, status, duration, auth
// failure, and the message for the full-text index) in a bare table, and adds, one at a time,
// what the case must have: the cohort index the judge reads, the FTS5 index, a file on disk.
// Nothing of Coalmine runs there: the figures are a floor under any design that stores an event
// as a row (ARCHITECTURE.md: "events + FTS5", analysis as SQL aggregates).
// A second part writes the case's own row: the same lines read by the access-log reader and
// normalised before the clock starts, then stored through the importer's own insert into a
// real case (every column and index), with and without the raw line, and the FTS filled as an
// import's end fills it. What separates the two parts is the cost of what an event carries.
//   node scripts/bench/writerFloor.js [--lines N]     (default 200,000 rows a measurement)
// The second part needs the build (`npm run build`).
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
  await caseRow();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The case's own row, as an import writes it: µs a row, best of three, for each way below. */
async function caseRow() {
  const out = path.join(import.meta.dirname, '../../out/node/electron/core');
  const { openCase, closeCase } = await import(`${out}/case/caseStore.js`);
  const { prepareEventInsert } = await import(`${out}/case/events.js`);
  const { formatNamed } = await import(`${out}/ingest/formats/index.js`);
  const { normaliseEvent } = await import(`${out}/ingest/normalise.js`);
  const { DEFAULT_TAGGING_RULES } = await import(`${out}/ingest/tagging.js`);
  const events = [];
  const sink = { event: (e) => events.push(e), metric() {}, reject() {} };
  const parser = formatNamed('access-log').open({ zone: 'UTC', year: 2026, fileName: 'access.log', options: {} }, sink);
  const lines = lcg(42);
  for (let i = 0; i < rows; i += 1) parser.line(i + 1, nginxLine(lines, i));
  parser.end();
  const context = { track: null, service: 'checkout', version: '4.12.3', rules: DEFAULT_TAGGING_RULES };
  for (const e of events) normaliseEvent(e, context);
  const withoutRaw = events.map((e) => ({ ...e, raw: '' }));

  const measureCase = (stored, fts) => {
    let best = Infinity;
    for (let run = 0; run < 3; run += 1) {
      const file = path.join(dir, `case-${run}.coalmine`);
      const db = openCase(file, { create: true });
      const sourceId = Number(
        db
          .prepare(
            `INSERT INTO sources (path, name, size, sha256, format, zone, imported_at) VALUES ('a', 'a', 1, 'x', 'access-log', 'UTC', 0)`,
          )
          .run().lastInsertRowid,
      );
      const insert = prepareEventInsert(db, sourceId);
      const batch = db.transaction((from, to) => {
        for (let i = from; i < to; i += 1) insert(stored[i]);
      });
      const started = performance.now();
      for (let from = 0; from < rows; from += 5000) batch(from, Math.min(rows, from + 5000));
      if (fts)
        db.exec(`INSERT INTO events_fts (rowid, message) SELECT id, message FROM events WHERE message IS NOT NULL`);
      best = Math.min(best, ((performance.now() - started) * 1000) / rows);
      closeCase(db);
      for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
    }
    return best;
  };

  console.log(
    `\nthe case's own row (${events.length.toLocaleString('en-GB')} nginx events, every column and index, on disk)`,
  );
  for (const [label, stored, fts] of [
    ['every field, raw line empty, no FTS', withoutRaw, false],
    ['every field with the raw line, no FTS', events, false],
    ['every field with the raw line, with FTS', events, true],
  ]) {
    const micros = measureCase(stored, fts);
    const ceiling = Math.round(1e6 / micros).toLocaleString('en-GB');
    console.log(
      `${label.padEnd(42)} ${micros.toFixed(2).padStart(6)} µs a row  → at most ${ceiling.padStart(9)} events/s`,
    );
  }
}
