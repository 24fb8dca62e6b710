// One writer at a time, across processes (electron/core/caseWrites.ts): every `coalmine`
// command that writes goes through the guard, an import or a pull is refused while another
// process imports, and the guard and the write it allows are one IMMEDIATE transaction, so
// nothing another process commits can slip between them.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { guardedWrite } from '../../electron/core/caseWrites.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { coalmine, projectRoot } from '../helpers/cli.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

/** Canary and stable events of checkout, tagged by the default rules (labels.track). */
function rolloutLines(tag: string): string[] {
  return Array.from({ length: 6 }, (_, i) =>
    ecs({
      '@timestamp': new Date(Date.UTC(2026, 10, 19, 9, 0, i)).toISOString(),
      'service.name': 'checkout',
      'service.version': i % 2 === 0 ? '2.0.0' : '1.9.0',
      'labels.track': i % 2 === 0 ? 'canary' : 'stable',
      message: `${tag} ${i}`,
    }),
  );
}

async function rolloutCase(name = 'shared.coalmine'): Promise<string> {
  const casePath = path.join(tempDir(), name);
  const db = openCase(casePath, { create: true });
  await importFile(db, writeLines('first.ndjson', rolloutLines('first')));
  closeCase(db);
  return casePath;
}

/** Marks a source as imported right now by a `coalmine import` on another host (a shared folder). */
function importingElsewhere(casePath: string): number {
  const db = openCase(casePath);
  const id = db.prepare(`SELECT max(id) FROM sources`).pluck().get() as number;
  db.prepare(`UPDATE sources SET state = 'importing', importer = 'other-host:4242', heartbeat_at = ? WHERE id = ?`).run(
    Date.now(),
    id,
  );
  closeCase(db);
  return id;
}

/** What the refused commands could have changed. */
function written(casePath: string): unknown {
  const db = openCase(casePath, { readOnly: true });
  try {
    return {
      sources: db.prepare(`SELECT id, name, state FROM sources ORDER BY id`).all(),
      definitions: db.prepare(`SELECT count(*) FROM rollout_definitions`).pluck().get(),
      settings: db.prepare(`SELECT key, value FROM settings ORDER BY key`).all(),
      events: db.prepare(`SELECT count(*) FROM events`).pluck().get(),
    };
  } finally {
    closeCase(db);
  }
}

describe('every writing command goes through the guard', () => {
  it('refuses rollouts --define/--remove and notes --set while another process imports, and nothing changes', async () => {
    const casePath = await rolloutCase();
    const notes = path.join(tempDir(), 'notes.json');
    fs.writeFileSync(notes, JSON.stringify({ rootCause: { whatOccurred: 'a bad key', why: '', prevention: '' } }));
    const source = importingElsewhere(casePath);
    const before = written(casePath);
    for (const [args, what] of [
      [
        ['rollouts', casePath, '--define', '--service', 'checkout', '--canary', '2.0.0'],
        'no rollout can be defined in it',
      ],
      [['rollouts', casePath, '--remove', 'checkout@2.0.0'], 'no rollout can be removed from it'],
      [['notes', casePath, '--set', notes], 'review notes cannot be saved in it'],
    ] as const) {
      const run = coalmine([...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toContain(
        `source #${source} of shared.coalmine is being imported right now: ${what} until that import has finished`,
      );
    }
    expect(written(casePath)).toEqual(before);
  });

  it('refuses an import and a pull while another process imports, naming its source', async () => {
    const casePath = await rolloutCase();
    const source = importingElsewhere(casePath);
    const before = written(casePath);
    // With a CSV mapping to save, which is a write to the case too.
    const file = writeLines('second.csv', ['When,Text', '2026-11-19T09:52:05Z,boom']);
    const imported = coalmine(['import', casePath, file, '--map', 'When=timestamp,Text=message']);
    expect(imported.code).toBe(2);
    expect(imported.stderr).toContain(
      `source #${source} of shared.coalmine is being imported right now: second.csv cannot be imported into it until that import has finished`,
    );
    // Refused before the cluster is reached: nothing listens on port 9.
    const pulled = coalmine([
      'pull',
      casePath,
      '--url',
      'http://127.0.0.1:9',
      '--index',
      'logs-*',
      '--from',
      '2026-11-19T09:00:00Z',
      '--to',
      '2026-11-19T10:00:00Z',
    ]);
    expect(pulled.code).toBe(2);
    expect(pulled.stderr).toContain(
      `source #${source} of shared.coalmine is being imported right now: nothing can be pulled into it`,
    );
    expect(written(casePath)).toEqual(before);
  });

  it('imports several files in one run: each import has ended before the next begins', () => {
    const casePath = path.join(tempDir(), 'several.coalmine');
    const files = ['a', 'b', 'c'].map((tag) => writeLines(`${tag}.ndjson`, rolloutLines(tag)));
    const run = coalmine(['import', casePath, ...files]);
    expect(run.stderr).not.toContain('being imported');
    expect(run.code).toBe(0);
    expect(written(casePath)).toMatchObject({
      sources: [
        { name: 'a.ndjson', state: 'complete' },
        { name: 'b.ndjson', state: 'complete' },
        { name: 'c.ndjson', state: 'complete' },
      ],
      events: 18,
    });
  });
});

// Another process half-way through a write: it holds SQLite's write lock (BEGIN IMMEDIATE)
// with one statement run, holds it a while, commits, and stays alive a while longer, so a row
// naming its process id reads as a live import. A `coalmine tags --set` in its re-tag, or a
// `coalmine import` creating its source, looks like this from here.
const LOCK_HOLDER = `
const os = require('node:os');
const [, , sqlite, casePath, sql, holdMs, lingerMs] = process.argv;
const Database = require(sqlite);
const db = new Database(casePath);
db.exec('BEGIN IMMEDIATE');
const params = {};
if (sql.includes('@importer')) params.importer = os.hostname() + ':' + process.pid;
if (sql.includes('@now')) params.now = Date.now();
const id = db.prepare(sql).run(params).lastInsertRowid;
process.stdout.write('locked ' + id + '\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdMs));
db.exec('COMMIT');
db.close();
setTimeout(() => process.exit(0), Number(lingerMs));
`;

interface LockHolder {
  /** The rowid the statement inserted. */
  rowId: number;
  stop(): Promise<void>;
}

/** Starts the other process; resolves once it holds the lock with `sql` run (@importer, @now). */
function holdWriteLock(casePath: string, sql: string, holdMs: number, lingerMs = 20_000): Promise<LockHolder> {
  const script = path.join(tempDir(), 'lockHolder.cjs');
  fs.writeFileSync(script, LOCK_HOLDER);
  const sqlite = path.join(projectRoot, 'node_modules/better-sqlite3');
  const child: ChildProcess = spawn(
    process.execPath,
    [script, sqlite, casePath, sql, String(holdMs), String(lingerMs)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill();
    await exited;
  };
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
      const locked = /^locked (\d+)\n/.exec(stdout);
      if (locked) resolve({ rowId: Number(locked[1]), stop });
    });
    child.on('exit', (code) =>
      reject(new Error(`the other process ended (${code}) before it held the lock: ${stderr}`)),
    );
  });
}

function tracksOf(db: CaseDb, sourceId: number | null): unknown {
  return db
    .prepare(`SELECT track, count(*) AS events FROM events WHERE source_id = ? GROUP BY track ORDER BY track`)
    .all(sourceId);
}

describe('the guard and the write are one transaction across processes', () => {
  it('an import that starts while another process saves tagging rules tags by the rules saved', async () => {
    const casePath = await rolloutCase('rules.coalmine');
    const db = openCase(casePath);
    const file = writeLines('second.ndjson', rolloutLines('second'));
    // As `coalmine tags --set` with no rules at all, before its re-tag commits.
    const other = await holdWriteLock(
      casePath,
      `INSERT INTO settings (key, value) VALUES ('tagging.rules', '{"rules":[]}')`,
      1500,
      0,
    );
    try {
      const result = await importFile(db, file);
      expect(result.state).toBe('complete');
      // The rules were read after the other process committed: labels.track decides nothing now.
      expect(tracksOf(db, result.sourceId)).toEqual([{ track: 'unknown', events: 6 }]);
    } finally {
      await other.stop();
      closeCase(db);
    }
  });

  it('an import that starts while another process creates its importing source is refused', async () => {
    const casePath = await rolloutCase('race.coalmine');
    const db = openCase(casePath);
    const file = writeLines('second.ndjson', rolloutLines('second'));
    // As another `coalmine import` creating its source, committed a moment after this import asked.
    const other = await holdWriteLock(
      casePath,
      `INSERT INTO sources (path, name, size, sha256, format, zone, imported_at, importer, heartbeat_at)
       VALUES ('/logs/big.ndjson', 'big.ndjson', 1, 'b', 'ecs-ndjson', 'UTC', @now, @importer, @now)`,
      1500,
    );
    try {
      await expect(importFile(db, file)).rejects.toMatchObject({
        code: 'BUSY',
        message: `source #${other.rowId} of race.coalmine is being imported right now: second.ndjson cannot be imported into it until that import has finished`,
      });
      expect(listSources(db).map((s) => [s.name, s.state])).toEqual([
        ['first.ndjson', 'complete'],
        ['big.ndjson', 'importing'],
      ]);
    } finally {
      await other.stop();
      closeCase(db);
    }
  });

  it('says BUSY, naming the case, when another process holds the write lock longer than SQLite waits', async () => {
    const casePath = await rolloutCase('locked.coalmine');
    const db = openCase(casePath);
    db.pragma('busy_timeout = 200');
    const other = await holdWriteLock(
      casePath,
      `INSERT INTO settings (key, value) VALUES ('analysis.minRequests', '10')`,
      3000,
      0,
    );
    try {
      let refused: unknown = null;
      try {
        guardedWrite({ path: casePath, db, readOnly: false }, false, 'its settings cannot change', () =>
          db.prepare(`INSERT INTO settings (key, value) VALUES ('analysis.minRequests', '20')`).run(),
        );
      } catch (error) {
        refused = error;
      }
      expect(refused).toMatchObject({ code: 'BUSY' });
      expect((refused as Error).message).toMatch(
        /^another process is writing to locked\.coalmine .*: its settings cannot change until it has finished/,
      );
    } finally {
      await other.stop();
      closeCase(db);
    }
  });
});
