// Queries on `sources`: one row per imported file (or, later, Elasticsearch pull).
import os from 'node:os';
import type { SourceSummary } from '../../../shared/api.js';
import type { CaseDb } from './caseStore.js';

interface SourceRow {
  id: number;
  path: string;
  name: string;
  size: number;
  sha256: string;
  format: string;
  zone: string;
  imported_at: number;
  state: SourceSummary['state'];
  lines: number;
  events: number;
  rejects: number;
}

export interface NewSource {
  path: string;
  name: string;
  size: number;
  sha256: string;
  format: string;
  zone: string;
  track: 'canary' | 'stable' | null;
  service: string | null;
  version: string | null;
  importedAt: number;
}

function toSummary(row: SourceRow): SourceSummary {
  return {
    id: row.id,
    path: row.path,
    name: row.name,
    size: row.size,
    sha256: row.sha256,
    format: row.format,
    zone: row.zone,
    importedAt: row.imported_at,
    state: row.state,
    lines: row.lines,
    events: row.events,
    rejects: row.rejects,
  };
}

/** This process, as recorded on the sources it imports. */
export function importerId(): string {
  return `${os.hostname()}:${process.pid}`;
}

export function insertSource(db: CaseDb, source: NewSource): number {
  const result = db
    .prepare(
      `INSERT INTO sources (path, name, size, sha256, format, zone, track, service, version, imported_at, importer)
       VALUES (@path, @name, @size, @sha256, @format, @zone, @track, @service, @version, @importedAt, @importer)`,
    )
    .run({ ...source, importer: importerId() });
  return Number(result.lastInsertRowid);
}

export function updateSourceCounts(
  db: CaseDb,
  id: number,
  counts: { lines: number; events: number; rejects: number },
): void {
  db.prepare(`UPDATE sources SET lines = @lines, events = @events, rejects = @rejects WHERE id = @id`).run({
    id,
    ...counts,
  });
}

export function setSourceState(db: CaseDb, id: number, state: SourceSummary['state']): void {
  db.prepare(`UPDATE sources SET state = ? WHERE id = ?`).run(state, id);
}

/** Sources with these bytes, complete ones first: importing the bytes again would duplicate them. */
export function findSourcesBySha256(db: CaseDb, sha256: string): (SourceSummary & { importer: string | null })[] {
  const rows = db
    .prepare(`SELECT * FROM sources WHERE sha256 = ? ORDER BY state = 'complete' DESC, id`)
    .all(sha256) as (SourceRow & { importer: string | null })[];
  return rows.map((row) => ({ ...toSummary(row), importer: row.importer }));
}

/**
 * Removes a source with its events and rejects. Events go first, while the source still
 * says whether its messages were indexed, so the full-text index drops exactly those.
 */
export function deleteSource(db: CaseDb, id: number): void {
  db.transaction(() => {
    db.prepare(`DELETE FROM events WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM rejects WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM sources WHERE id = ?`).run(id);
  })();
}

/** Marks a source complete and adds its messages to the full-text index, as one step. */
export function completeSource(db: CaseDb, id: number): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO events_fts (rowid, message)
       SELECT id, message FROM events WHERE source_id = ? AND message IS NOT NULL`,
    ).run(id);
    setSourceState(db, id, 'complete');
  })();
}

export function listSources(db: CaseDb): SourceSummary[] {
  return (db.prepare(`SELECT * FROM sources ORDER BY id`).all() as SourceRow[]).map(toSummary);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True while the process that started this import still runs (as far as this host can tell). */
export function importIsLive(importer: string | null): boolean {
  const [host, pid] = (importer ?? '').split(/:(?=\d+$)/);
  if (!host || !pid) return false;
  if (host !== os.hostname()) return true; // another machine's import: cannot tell, assume live
  return Number(pid) === process.pid || processIsAlive(Number(pid));
}

/**
 * Imports whose process is gone (killed, crashed) are marked incomplete, so no one mistakes
 * their events for the whole file. A live import, here or in another process, is left alone.
 */
export function markInterruptedSources(db: CaseDb): number {
  const importing = db.prepare(`SELECT id, importer FROM sources WHERE state = 'importing'`).all() as {
    id: number;
    importer: string | null;
  }[];
  let marked = 0;
  for (const source of importing) {
    if (!importIsLive(source.importer)) {
      setSourceState(db, source.id, 'incomplete');
      marked += 1;
    }
  }
  return marked;
}

/** Sources whose events are not counted by the analysis, because their import did not finish. */
export function listUnfinishedSources(db: CaseDb): SourceSummary[] {
  return (db.prepare(`SELECT * FROM sources WHERE state <> 'complete' ORDER BY id`).all() as SourceRow[]).map(
    toSummary,
  );
}
