// This process's own imports and pulls, as the guard of every write sees them
// (electron/core/caseWrites.ts, case/sources.ts): live while they run, over once they end,
// even when their last write failed and left their source saying `importing`; and a pull
// checks again, as it creates its source, that no other process has begun importing.
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importIsLive, importerId, listSources } from '../../electron/core/case/sources.js';
import { guardedWrite, liveImportSource, refuseCaseWrite } from '../../electron/core/caseWrites.js';
import { type PullOptions, pullIntoCase } from '../../electron/core/elastic/pull.js';
import { buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { FakeCluster, ecsDocs, mockConnection } from '../helpers/fakeElastic.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

function lines(tag: string): string[] {
  return Array.from({ length: 5 }, (_, i) =>
    ecs({ '@timestamp': new Date(Date.UTC(2026, 10, 19, 9, 0, i)).toISOString(), message: `${tag} ${i}` }),
  );
}

/**
 * Every write that ends an import (complete or incomplete) fails, as on a full disk: a TEMP
 * trigger lives on this connection only, and goes when it is dropped (the disk has room again).
 */
function failEndingWrites(db: CaseDb): () => void {
  db.exec(`CREATE TEMP TRIGGER ending_fails BEFORE UPDATE OF state ON sources WHEN NEW.state <> 'importing'
           BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
  return () => db.exec(`DROP TRIGGER temp.ending_fails`);
}

const canWrite = (db: CaseDb, casePath: string) => () =>
  refuseCaseWrite({ path: casePath, db, readOnly: false }, false, 'its settings cannot change');

describe("this process's own imports", () => {
  it('an import whose last write failed leaves a source the guard no longer counts as live', async () => {
    const casePath = path.join(tempDir(), 'full.coalmine');
    const db = openCase(casePath, { create: true });
    const diskHasRoom = failEndingWrites(db);
    await expect(importFile(db, writeLines('a.ndjson', lines('a')))).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    const [left] = listSources(db);
    expect(left).toMatchObject({ name: 'a.ndjson', state: 'importing' });
    // Its row names this process with a fresh heartbeat, but its import is over.
    expect(db.prepare(`SELECT importer FROM sources WHERE id = ?`).pluck().get(left?.id)).toBe(importerId());
    expect(liveImportSource(db)).toBeNull();
    expect(canWrite(db, casePath)).not.toThrow();
    diskHasRoom();
    // The next import of this process (the next file of one `coalmine import`) goes ahead, and
    // the one left behind is marked incomplete, as a killed import's source is.
    const next = await importFile(db, writeLines('b.ndjson', lines('b')));
    expect(next.state).toBe('complete');
    expect(listSources(db).map((s) => [s.name, s.state])).toEqual([
      ['a.ndjson', 'incomplete'],
      ['b.ndjson', 'complete'],
    ]);
    closeCase(db);
  });

  it('any guarded write marks such a source incomplete', async () => {
    const casePath = path.join(tempDir(), 'full.coalmine');
    const db = openCase(casePath, { create: true });
    const diskHasRoom = failEndingWrites(db);
    await expect(importFile(db, writeLines('a.ndjson', lines('a')))).rejects.toMatchObject({ code: 'WRITE_FAILED' });
    diskHasRoom();
    guardedWrite({ path: casePath, db, readOnly: false }, false, 'its settings cannot change', () =>
      db.prepare(`INSERT INTO settings (key, value) VALUES ('analysis.minRequests', '10')`).run(),
    );
    expect(listSources(db).map((s) => s.state)).toEqual(['incomplete']);
    closeCase(db);
  });

  it('a pull whose last write failed leaves a source the guard no longer counts as live', async () => {
    const casePath = path.join(tempDir(), 'pull.coalmine');
    const db = openCase(casePath, { create: true });
    const diskHasRoom = failEndingWrites(db);
    await expect(pull(db, new FakeCluster(ecsDocs(4)))).rejects.toThrow(/disk is full/);
    expect(listSources(db).map((s) => s.state)).toEqual(['importing']);
    expect(liveImportSource(db)).toBeNull();
    expect(canWrite(db, casePath)).not.toThrow();
    diskHasRoom();
    closeCase(db);
  });

  it('is live while it runs, to this connection and to another of this process on the same case', async () => {
    const casePath = path.join(tempDir(), 'running.coalmine');
    const db = openCase(casePath, { create: true });
    const other = openCase(casePath);
    const seen: (number | null)[] = [];
    const file = writeLines('big.ndjson', [...lines('a'), ...lines('b'), ...lines('c')]);
    const result = await importFile(db, file, {
      batchSize: 5,
      onProgress: () => {
        seen.push(liveImportSource(db), liveImportSource(other));
        expect(canWrite(other, casePath)).toThrow(/is being imported right now: its settings cannot change/);
      },
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen)).toEqual(new Set([result.sourceId]));
    expect(liveImportSource(other)).toBeNull();
    closeCase(other);
    closeCase(db);
  });
});

function pull(db: CaseDb, cluster: FakeCluster) {
  const request = buildPullRequest({
    url: 'http://es.example.test:9200',
    index: 'logs-*',
    from: '2026-03-29T00:00:00Z',
    to: '2026-03-29T01:00:00Z',
  });
  return pullIntoCase(db, request, {
    Connection: mockConnection(cluster) as PullOptions['Connection'],
    sleep: () => Promise.resolve(),
  });
}

describe('a pull creating its source', () => {
  it('is refused when another process began importing while the pull connected, and adds no source', async () => {
    const casePath = path.join(tempDir(), 'race.coalmine');
    const db = openCase(casePath, { create: true });
    const cluster = new FakeCluster(ecsDocs(4));
    let other = 0;
    // While the pull asks the cluster who it is, a `coalmine import` on another host creates its source.
    cluster.interceptor = (request) => {
      if (request.method === 'GET' && request.path === '/' && other === 0) {
        const elsewhere = new Database(casePath);
        other = Number(
          elsewhere
            .prepare(
              `INSERT INTO sources (path, name, size, sha256, format, zone, imported_at, importer, heartbeat_at)
               VALUES ('/logs/big.ndjson', 'big.ndjson', 1, 'b', 'ecs-ndjson', 'UTC', ?, 'other-host:4242', ?)`,
            )
            .run(Date.now(), Date.now()).lastInsertRowid,
        );
        elsewhere.close();
      }
      return undefined;
    };
    const refused: unknown = await pull(db, cluster).catch((error: unknown) => error);
    expect(refused).toMatchObject({
      code: 'BUSY',
      message: `source #${other} of race.coalmine is being imported right now: nothing can be pulled into it until that import has finished`,
    });
    expect(listSources(db).map((s) => s.name)).toEqual(['big.ndjson']);
    // Its point in time is closed all the same.
    expect(cluster.closedPits).toEqual(cluster.openedPits);
    closeCase(db);
  });
});

describe('imports of another thread of this process (the app imports on its service thread)', () => {
  it('are live while their heartbeat is fresh, and over once it is stale', () => {
    const casePath = path.join(tempDir(), 'threads.coalmine');
    const db = openCase(casePath, { create: true });
    const sibling = `${os.hostname()}/${threadId + 1000}:${process.pid}`;
    const id = Number(
      db
        .prepare(
          `INSERT INTO sources (path, name, size, sha256, format, zone, imported_at, importer, heartbeat_at)
           VALUES ('/logs/big.ndjson', 'big.ndjson', 1, 'b', 'ecs-ndjson', 'UTC', 0, ?, ?)`,
        )
        .run(sibling, Date.now()).lastInsertRowid,
    );
    expect(liveImportSource(db)).toBe(id);
    db.prepare(`UPDATE sources SET heartbeat_at = ? WHERE id = ?`).run(Date.now() - 10 * 60_000, id);
    expect(liveImportSource(db)).toBeNull();
    closeCase(db);
  });
});

describe('imports of another process with the same host name and process id (containers sharing the host network)', () => {
  it("are another run's, live while their heartbeat is fresh, never taken for this thread's", () => {
    const db = openCase(path.join(tempDir(), 'namespaces.coalmine'), { create: true });
    // Each run carries a token of its own before its pid.
    expect(importerId()).toMatch(/#[0-9a-f]{8}:\d+$/);
    const twin = `${os.hostname()}${threadId === 0 ? '' : `/${threadId}`}#0badc0de:${process.pid}`;
    expect(twin).not.toBe(importerId());
    const now = Date.now();
    expect(importIsLive(db, { id: 1, importer: twin, heartbeatAt: now }, now)).toBe(true);
    expect(importIsLive(db, { id: 1, importer: twin, heartbeatAt: now - 6 * 60_000 }, now)).toBe(false);
    db.close();
  });
});
