// Queries on `sources`: one row per imported file (or, later, Elasticsearch pull).
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

export function insertSource(db: CaseDb, source: NewSource): number {
  const result = db
    .prepare(
      `INSERT INTO sources (path, name, size, sha256, format, zone, track, service, version, imported_at)
       VALUES (@path, @name, @size, @sha256, @format, @zone, @track, @service, @version, @importedAt)`,
    )
    .run(source);
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

/** A complete source with the same bytes: importing it again would duplicate its events. */
export function findCompleteSourceBySha256(db: CaseDb, sha256: string): SourceSummary | undefined {
  const row = db
    .prepare(`SELECT * FROM sources WHERE sha256 = ? AND state = 'complete' ORDER BY id LIMIT 1`)
    .get(sha256) as SourceRow | undefined;
  return row ? toSummary(row) : undefined;
}

export function listSources(db: CaseDb): SourceSummary[] {
  return (db.prepare(`SELECT * FROM sources ORDER BY id`).all() as SourceRow[]).map(toSummary);
}

/**
 * Imports that never finished (the process was killed) are marked incomplete, so no one
 * mistakes their events for the whole file.
 */
export function markInterruptedSources(db: CaseDb): number {
  return db.prepare(`UPDATE sources SET state = 'incomplete' WHERE state = 'importing'`).run().changes;
}
