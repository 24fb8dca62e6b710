// Queries on `sources`: one row per imported file (or, later, Elasticsearch pull).
import os from 'node:os';
import type { SourceCounts, SourceSummary } from '../../../shared/api.js';
import type { CaseDb } from './caseStore.js';
import { dropDocumentsHeldElsewhere, handOverDocuments } from './documents.js';

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
  auth_failures: number;
  exceptions: number;
  metrics: number;
  duplicates: number;
  details: string | null;
  importer: string | null;
  heartbeat_at: number | null;
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
    authFailures: row.auth_failures,
    exceptions: row.exceptions,
    metrics: row.metrics,
    duplicates: row.duplicates,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

/** This process, as recorded on the sources it imports. */
export function importerId(): string {
  return `${os.hostname()}:${process.pid}`;
}

export function insertSource(db: CaseDb, source: NewSource): number {
  const result = db
    .prepare(
      `INSERT INTO sources (path, name, size, sha256, format, zone, track, service, version, imported_at,
         importer, heartbeat_at)
       VALUES (@path, @name, @size, @sha256, @format, @zone, @track, @service, @version, @importedAt,
         @importer, @now)`,
    )
    .run({ ...source, importer: importerId(), now: Date.now() });
  return Number(result.lastInsertRowid);
}

export function updateSourceCounts(db: CaseDb, id: number, counts: SourceCounts): void {
  db.prepare(
    `UPDATE sources SET lines = @lines, events = @events, rejects = @rejects, auth_failures = @authFailures,
       exceptions = @exceptions, metrics = @metrics, duplicates = @duplicates, heartbeat_at = @now
     WHERE id = @id`,
  ).run({ id, ...counts, now: Date.now() });
}

/** How the source was read (see SourceSummary.details); replaces what was recorded. */
export function setSourceDetails(db: CaseDb, id: number, details: Record<string, unknown>): void {
  db.prepare(`UPDATE sources SET details = ? WHERE id = ?`).run(JSON.stringify(details), id);
}

/**
 * The SHA-256 and size of what a source holds, for a source whose content is known only once it
 * has been read (an Elasticsearch pull).
 */
export function setSourceContentHash(db: CaseDb, id: number, sha256: string, size: number): void {
  db.prepare(`UPDATE sources SET sha256 = ?, size = ? WHERE id = ?`).run(sha256, size, id);
}

/** Adds `patch` to what is recorded of how the source was read (keys in `patch` replace). */
export function mergeSourceDetails(db: CaseDb, id: number, patch: Record<string, unknown>): void {
  db.prepare(`UPDATE sources SET details = json_patch(coalesce(details, '{}'), ?) WHERE id = ?`).run(
    JSON.stringify(patch),
    id,
  );
}

export function setSourceState(db: CaseDb, id: number, state: SourceSummary['state']): void {
  db.prepare(`UPDATE sources SET state = ? WHERE id = ?`).run(state, id);
}

/** Sources with these bytes, complete ones first: importing the bytes again would duplicate them. */
export function findSourcesBySha256(
  db: CaseDb,
  sha256: string,
): (SourceSummary & { importer: string | null; heartbeatAt: number | null })[] {
  const rows = db
    .prepare(`SELECT * FROM sources WHERE sha256 = ? ORDER BY state = 'complete' DESC, id`)
    .all(sha256) as SourceRow[];
  return rows.map((row) => ({ ...toSummary(row), importer: row.importer, heartbeatAt: row.heartbeat_at }));
}

/**
 * Removes a source with its events, metrics and rejects. Events go first, while the source still
 * says whether its messages were indexed, so the full-text index drops exactly those. The
 * Elasticsearch documents it holds that other sources read too pass to one of them first
 * (documents.ts), so none leaves the case while a source that read it stays.
 */
export function deleteSource(db: CaseDb, id: number): void {
  db.transaction(() => {
    handOverDocuments(db, id);
    db.prepare(`DELETE FROM source_duplicates WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM events WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM rejects WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM metrics WHERE source_id = ?`).run(id);
    db.prepare(`DELETE FROM sources WHERE id = ?`).run(id);
  })();
}

/**
 * Marks a source complete and adds its messages to the full-text index, as one step. First, in
 * the same step, its records of Elasticsearch documents that a source completed meanwhile holds
 * already are dropped as duplicates (documents.ts): whichever of two overlapping imports
 * completes second stores the shared documents no more.
 */
export function completeSource(db: CaseDb, id: number): void {
  db.transaction(() => {
    dropDocumentsHeldElsewhere(db, id);
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

/** An import writes a batch every second or so; one silent this long has stopped. */
export const IMPORT_STALE_MS = 5 * 60_000;

/**
 * True while the import that holds a source still runs, as far as this process can tell:
 * its own imports; on this host, a live process that wrote a batch lately; on another host
 * (a shared folder), one that wrote a batch lately. A reused process id or a copied case
 * cannot hold a source for ever: without a recent batch, the import is over.
 */
export function importIsLive(importer: string | null, heartbeatAt: number | null, now = Date.now()): boolean {
  if (importer === importerId()) return true;
  const recent = heartbeatAt !== null && now - heartbeatAt < IMPORT_STALE_MS;
  if (!recent) return false;
  const [host, pid] = (importer ?? '').split(/:(?=\d+$)/);
  if (!host || !pid) return false;
  return host !== os.hostname() || processIsAlive(Number(pid));
}

/**
 * Imports whose process is gone (killed, crashed) are marked incomplete, so no one mistakes
 * their events for the whole file. A live import, here or in another process, is left alone.
 */
export function markInterruptedSources(db: CaseDb): number {
  const importing = db.prepare(`SELECT * FROM sources WHERE state = 'importing'`).all() as SourceRow[];
  let marked = 0;
  for (const source of importing) {
    if (!importIsLive(source.importer, source.heartbeat_at)) {
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
