// Queries on `sources`: one row per imported file (or, later, Elasticsearch pull).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { threadId } from 'node:worker_threads';
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

/**
 * A token of this thread of this process alone: two containers that share the host's name
 * (host networking) can both be pid 1, and each would take the other's import for its own.
 */
const RUN_TOKEN = randomBytes(4).toString('hex');

/**
 * This thread of this process, as recorded on the sources it imports:
 * "<host>[/<thread id>]#<token>:<pid>". The thread counts because the sources it is importing
 * now are known to it alone (`importingHere`), and the token because a pid is unique only
 * within one pid namespace. Both go before the pid so that a build that knew only
 * "<host>:<pid>" takes it for another host's import, live while its heartbeat is recent.
 */
export function importerId(): string {
  return `${os.hostname()}${threadId === 0 ? '' : `/${threadId}`}#${RUN_TOKEN}:${process.pid}`;
}

/**
 * The sources this thread is importing now, each as "<case file>\0<id>". A source whose
 * importer is this thread but which is not here was left `importing` by an import that has
 * ended (its last state write failed: a full disk); it must not hold every write back until
 * the process exits, as a fresh heartbeat and a live pid would make it.
 */
const importingHere = new Set<string>();

/** The case file behind a connection, the same whichever path it was opened by. */
function caseFileOf(db: CaseDb): string {
  try {
    return fs.realpathSync(db.name);
  } catch {
    return path.resolve(db.name);
  }
}

function hereKey(db: CaseDb, id: number): string {
  return `${caseFileOf(db)}\0${id}`;
}

/**
 * Adds a source being imported by this thread from now on; whoever inserts it calls
 * `endImportHere` however its import ends. Call it inside the IMMEDIATE transaction that checks
 * no other import is live (caseWrites.ts), so no two importers write to a case at once.
 */
export function insertSource(db: CaseDb, source: NewSource): number {
  const result = db
    .prepare(
      `INSERT INTO sources (path, name, size, sha256, format, zone, track, service, version, imported_at,
         importer, heartbeat_at)
       VALUES (@path, @name, @size, @sha256, @format, @zone, @track, @service, @version, @importedAt,
         @importer, @now)`,
    )
    .run({ ...source, importer: importerId(), now: Date.now() });
  const id = Number(result.lastInsertRowid);
  importingHere.add(hereKey(db, id));
  return id;
}

/**
 * The import of `id` by this thread has ended (complete, failed or cancelled). If its row still
 * says `importing` (its last write failed), it is an interrupted import from now on: the next
 * guarded write marks it incomplete (caseWrites.ts).
 */
export function endImportHere(db: CaseDb, id: number): void {
  importingHere.delete(hereKey(db, id));
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
 * completes second stores the shared documents no more. `settle` runs last in that step: what
 * the completion makes obsolete (an earlier import of a log's start, an interrupted pull) goes
 * with it. One IMMEDIATE transaction: once the row says complete no guard sees a live import,
 * so nothing of the import may be left to write after it, and a crash between the two would
 * leave lines counted twice.
 */
export function completeSource<T>(db: CaseDb, id: number, settle: () => T): T;
export function completeSource(db: CaseDb, id: number): void;
export function completeSource<T>(db: CaseDb, id: number, settle?: () => T): T | undefined {
  return db
    .transaction(() => {
      dropDocumentsHeldElsewhere(db, id);
      db.prepare(
        `INSERT INTO events_fts (rowid, message)
         SELECT id, message FROM events WHERE source_id = ? AND message IS NOT NULL`,
      ).run(id);
      setSourceState(db, id, 'complete');
      return settle?.();
    })
    .immediate();
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

/** What tells a live import from an ended one: a row of `sources` whose state is `importing`. */
export interface ImportingSource {
  id: number;
  importer: string | null;
  heartbeatAt: number | null;
}

/**
 * True while the import that holds a source still runs, as far as this thread can tell: its
 * own imports while they run (`importingHere`); on this host, a live process that wrote a batch
 * lately; on another host (a shared folder), one that wrote a batch lately. A reused process
 * id or a copied case cannot hold a source for ever: without a recent batch, the import is over.
 */
export function importIsLive(db: CaseDb, source: ImportingSource, now = Date.now()): boolean {
  if (source.importer === importerId()) return importingHere.has(hereKey(db, source.id));
  const recent = source.heartbeatAt !== null && now - source.heartbeatAt < IMPORT_STALE_MS;
  if (!recent) return false;
  // Any thread of a live process: only the process's own threads know which imports they run.
  const parsed = /^(.+?)(?:\/\d+)?(?:#[0-9a-f]+)?:(\d+)$/.exec(source.importer ?? '');
  if (!parsed) return false;
  const [, host, pid] = parsed;
  return host !== os.hostname() || processIsAlive(Number(pid));
}

/** The sources some import is writing to right now, here or in another process. */
export function liveImports(db: CaseDb): SourceSummary[] {
  return (db.prepare(`SELECT * FROM sources WHERE state = 'importing' ORDER BY id`).all() as SourceRow[])
    .filter((row) => importIsLive(db, { id: row.id, importer: row.importer, heartbeatAt: row.heartbeat_at }))
    .map(toSummary);
}

/**
 * Imports that have ended without saying so are marked incomplete, so no one mistakes their
 * events for the whole file: their process is gone (killed, crashed), or it is this thread and
 * the import's last write failed. A live import, here or in another process, is left alone.
 */
export function markInterruptedSources(db: CaseDb): number {
  const importing = db.prepare(`SELECT * FROM sources WHERE state = 'importing'`).all() as SourceRow[];
  let marked = 0;
  for (const source of importing) {
    if (!importIsLive(db, { id: source.id, importer: source.importer, heartbeatAt: source.heartbeat_at })) {
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
