// Elasticsearch documents held by the case (migration 0007): each document, known by its
// `<_index>/<_id>`, is stored once, whichever pulls and saved `_search` files read it. A source
// that reads a document the case already holds stores nothing for it, records the hit in
// `source_duplicates` and counts it on `sources.duplicates`, so every figure counts it once and
// the hit still points to the document that holds it.
//
// "Held" means: stored by a complete source (the analysis counts only those), or stored by the
// same source at another line (a saved file with overlapping pages). A document held only by an
// interrupted or running source is not held: redoing an interrupted pull stores it again, and
// the interrupted source is then removed.
import type { Track } from '../../../shared/logEvent.js';
import { tag } from '../ingest/normalise.js';
import { DEFAULT_TAGGING_RULES, TAGGING_RULES_KEY, taggingRulesSchema } from '../ingest/tagging.js';
import type { CaseDb } from './caseStore.js';
import { getSetting } from './settings.js';

/** Which source holds document @key for source @self's record at @line (tests check its plan). */
export function holderLookupSql(table: 'events' | 'metrics'): string {
  return `SELECT t.source_id FROM ${table} t
    WHERE t.doc_key = @key
      AND CASE WHEN t.source_id = @self THEN t.source_line <> @line
               ELSE (SELECT state FROM sources s WHERE s.id = t.source_id) = 'complete' END
    LIMIT 1`;
}

/**
 * For a source being written: the source that holds the document of the record at `line`
 * (this source itself for an earlier copy), or null when the case does not hold it yet.
 * One indexed probe per table; only records with a key are ever looked up.
 */
export function prepareHolderLookup(db: CaseDb, sourceId: number): (docKey: string, line: number) => number | null {
  const probe = (table: 'events' | 'metrics') => db.prepare(holderLookupSql(table)).pluck();
  const inEvents = probe('events');
  const inMetrics = probe('metrics');
  return (key, line) => {
    const params = { key, self: sourceId, line };
    const holder = (inEvents.get(params) ?? inMetrics.get(params)) as number | undefined;
    return holder ?? null;
  };
}

/** Records a hit whose document was held already; false if that hit was recorded before. */
export function prepareDuplicateRecord(db: CaseDb, sourceId: number): (line: number, docKey: string) => boolean {
  const insert = db.prepare(
    `INSERT OR IGNORE INTO source_duplicates (source_id, source_line, doc_key) VALUES (?, ?, ?)`,
  );
  return (line, key) => insert.run(sourceId, line, key).changes === 1;
}

const HELD_ELSEWHERE = (table: 'events' | 'metrics') =>
  `EXISTS (SELECT 1 FROM ${table} h WHERE h.doc_key = t.doc_key AND h.source_id <> @self
             AND (SELECT state FROM sources s WHERE s.id = h.source_id) = 'complete')`;

interface HeldRow {
  id: number;
  line: number;
  docKey: string;
  authFailure: number;
  exception: number;
}

/**
 * As a source completes (inside the same transaction): removes its records of documents that
 * another source holds by now, a source that completed while this one was being written (two
 * imports at once). Returns how many hits it found so. The source's counts are kept true.
 */
export function dropDocumentsHeldElsewhere(db: CaseDb, sourceId: number): number {
  const heldElsewhere = `(${HELD_ELSEWHERE('events')} OR ${HELD_ELSEWHERE('metrics')})`;
  const events = db
    .prepare(
      `SELECT t.id, t.source_line AS line, t.doc_key AS docKey, t.auth_failure AS authFailure,
              (t.error_type IS NOT NULL OR t.error_stack IS NOT NULL) AS exception
       FROM events t WHERE t.source_id = @self AND t.doc_key IS NOT NULL AND ${heldElsewhere}`,
    )
    .all({ self: sourceId }) as HeldRow[];
  const metrics = db
    .prepare(
      `SELECT t.id, t.source_line AS line, t.doc_key AS docKey
       FROM metrics t WHERE t.source_id = @self AND t.doc_key IS NOT NULL AND ${heldElsewhere}`,
    )
    .all({ self: sourceId }) as Pick<HeldRow, 'id' | 'line' | 'docKey'>[];
  if (events.length === 0 && metrics.length === 0) return 0;
  const record = prepareDuplicateRecord(db, sourceId);
  const deleteEvent = db.prepare(`DELETE FROM events WHERE id = ?`);
  const deleteMetric = db.prepare(`DELETE FROM metrics WHERE id = ?`);
  let hits = 0;
  for (const row of events) {
    deleteEvent.run(row.id);
    if (record(row.line, row.docKey)) hits += 1;
  }
  for (const row of metrics) {
    deleteMetric.run(row.id);
    if (record(row.line, row.docKey)) hits += 1;
  }
  db.prepare(
    `UPDATE sources SET events = events - @events, auth_failures = auth_failures - @auth,
       exceptions = exceptions - @exceptions, metrics = metrics - @metrics, duplicates = duplicates + @hits
     WHERE id = @id`,
  ).run({
    id: sourceId,
    events: events.length,
    auth: events.filter((r) => r.authFailure === 1).length,
    exceptions: events.filter((r) => r.exception === 1).length,
    metrics: metrics.length,
    hits,
  });
  return hits;
}

interface TargetRow {
  dupId: number;
  sourceId: number;
  line: number;
  state: string;
  track: 'canary' | 'stable' | null;
  service: string | null;
  version: string | null;
}

interface MovedEventRow {
  id: number;
  message: string | null;
  authFailure: number;
  exception: number;
  trackLabel: string | null;
  host: string | null;
  pod: string | null;
  service: string | null;
  version: string | null;
}

/**
 * Before a source is removed (a grown file replacing its earlier import): each document it
 * holds that another source read but did not store passes to that source (a complete one
 * first), at that source's line and with its import-wide track, service and version, so the
 * document stays in the case exactly when a source that read it stays. Keeps the full-text
 * index (complete sources' messages only) and the counts of both sources true.
 */
export function handOverDocuments(db: CaseDb, sourceId: number): number {
  // Only a complete source is ever the holder another source skipped a document for.
  const from = db.prepare(`SELECT state FROM sources WHERE id = ?`).pluck().get(sourceId) as string | undefined;
  if (from !== 'complete') return 0;
  const keys = db
    .prepare(
      `SELECT doc_key FROM events WHERE source_id = @self AND doc_key IS NOT NULL
       UNION SELECT doc_key FROM metrics WHERE source_id = @self AND doc_key IS NOT NULL`,
    )
    .pluck()
    .all({ self: sourceId }) as string[];
  if (keys.length === 0) return 0;
  const holds = (table: 'events' | 'metrics', who: string) =>
    `EXISTS (SELECT 1 FROM ${table} h WHERE h.doc_key = @key AND ${who})`;
  const otherComplete = `h.source_id <> @self AND (SELECT state FROM sources s WHERE s.id = h.source_id) = 'complete'`;
  // Another complete source holds it too: it stays in the case without this one.
  const heldByAnother = db
    .prepare(`SELECT ${holds('events', otherComplete)} OR ${holds('metrics', otherComplete)}`)
    .pluck();
  // A source that skipped the document and does not hold a copy of its own (a running one may).
  const target = db.prepare(
    `SELECT d.id AS dupId, d.source_id AS sourceId, d.source_line AS line, s.state, s.track, s.service, s.version
     FROM source_duplicates d JOIN sources s ON s.id = d.source_id
     WHERE d.doc_key = @key AND d.source_id <> @self
       AND NOT ${holds('events', 'h.source_id = d.source_id')} AND NOT ${holds('metrics', 'h.source_id = d.source_id')}
     ORDER BY s.state = 'complete' DESC, d.source_id, d.source_line LIMIT 1`,
  );
  const eventsOf = db.prepare(
    `SELECT id, message, auth_failure AS authFailure, (error_type IS NOT NULL OR error_stack IS NOT NULL) AS exception,
            track_label AS trackLabel, host, pod, service, version
     FROM events WHERE source_id = ? AND doc_key = ?`,
  );
  const metricsOf = db.prepare(
    `SELECT id, track_label AS trackLabel, host, pod, service, version FROM metrics WHERE source_id = ? AND doc_key = ?`,
  );
  const moveEvent = db.prepare(
    `UPDATE events SET source_id = @to, source_line = @line, service = @service, version = @version,
       track = @track, track_rule = @trackRule WHERE id = @id`,
  );
  const moveMetric = db.prepare(
    `UPDATE metrics SET source_id = @to, source_line = @line, service = @service, version = @version,
       track = @track, track_rule = @trackRule WHERE id = @id`,
  );
  const ftsDelete = db.prepare(`INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', ?, ?)`);
  const dropDuplicate = db.prepare(`DELETE FROM source_duplicates WHERE id = ?`);
  const addCounts = db.prepare(
    `UPDATE sources SET events = events + @events, auth_failures = auth_failures + @auth,
       exceptions = exceptions + @exceptions, metrics = metrics + @metrics, duplicates = duplicates - 1
     WHERE id = @id`,
  );
  const rules = getSetting(db, TAGGING_RULES_KEY, taggingRulesSchema, DEFAULT_TAGGING_RULES);
  let moved = 0;
  for (const key of keys) {
    if (heldByAnother.get({ key, self: sourceId }) === 1) continue;
    const to = target.get({ key, self: sourceId }) as TargetRow | undefined;
    if (to === undefined) continue;
    const retagged = (row: Pick<MovedEventRow, 'trackLabel' | 'host' | 'pod' | 'service' | 'version'>) => {
      const service = to.service ?? row.service;
      const version = to.version ?? row.version;
      const decided: { track: Track; trackRule: string | null } = tag(
        { trackLabel: row.trackLabel, host: row.host, pod: row.pod, service, version },
        { track: to.track, rules },
      );
      return { to: to.sourceId, line: to.line, service, version, ...decided };
    };
    const events = eventsOf.all(sourceId, key) as MovedEventRow[];
    for (const row of events) {
      // The index holds complete sources' messages only; the one being removed is complete.
      if (row.message !== null && to.state !== 'complete') ftsDelete.run(row.id, row.message);
      moveEvent.run({ id: row.id, ...retagged(row) });
    }
    const metrics = metricsOf.all(sourceId, key) as (Pick<MovedEventRow, 'trackLabel' | 'host' | 'pod'> & {
      id: number;
      service: string | null;
      version: string | null;
    })[];
    for (const row of metrics) moveMetric.run({ id: row.id, ...retagged(row) });
    dropDuplicate.run(to.dupId);
    addCounts.run({
      id: to.sourceId,
      events: events.length,
      auth: events.filter((r) => r.authFailure === 1).length,
      exceptions: events.filter((r) => r.exception === 1).length,
      metrics: metrics.length,
    });
    moved += 1;
  }
  return moved;
}

/** The sources that hold the documents of `sourceId`'s duplicate hits, by id. */
export function duplicateHolders(db: CaseDb, sourceId: number): number[] {
  return db
    .prepare(
      `SELECT DISTINCT holder FROM (
         SELECT (SELECT e.source_id FROM events e WHERE e.doc_key = d.doc_key AND e.source_id <> d.source_id
                   ORDER BY (SELECT state FROM sources s WHERE s.id = e.source_id) = 'complete' DESC LIMIT 1) AS holder
         FROM source_duplicates d WHERE d.source_id = ?
         UNION ALL
         SELECT (SELECT m.source_id FROM metrics m WHERE m.doc_key = d.doc_key AND m.source_id <> d.source_id LIMIT 1)
         FROM source_duplicates d WHERE d.source_id = ?)
       WHERE holder IS NOT NULL ORDER BY holder`,
    )
    .pluck()
    .all(sourceId, sourceId) as number[];
}
