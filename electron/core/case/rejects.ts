// Queries on `rejects`: lines that could not be read, kept with their line number and reason.
import type { CaseDb } from './caseStore.js';

/** Raw text kept per rejected line; a 50 MB line is summarised, not stored whole. */
export const REJECT_RAW_LIMIT = 4096;

export interface Reject {
  line: number;
  reason: string;
}

export interface RejectRow extends Reject {
  sourceId: number;
  raw: string;
  rawBytes: number;
}

/** `rawBytes`: the record's true length when `raw` holds only its start (a line too long to read). */
export function prepareRejectInsert(
  db: CaseDb,
  sourceId: number,
): (line: number, reason: string, raw: string, rawBytes?: number) => void {
  const statement = db.prepare(`INSERT INTO rejects (source_id, line, reason, raw, raw_bytes) VALUES (?, ?, ?, ?, ?)`);
  return (line, reason, raw, rawBytes) => {
    statement.run(sourceId, line, reason, raw.slice(0, REJECT_RAW_LIMIT), rawBytes ?? Buffer.byteLength(raw));
  };
}

export function listRejects(db: CaseDb, sourceId: number, limit = 1000): RejectRow[] {
  return db
    .prepare(
      `SELECT source_id AS sourceId, line, reason, raw, raw_bytes AS rawBytes
       FROM rejects WHERE source_id = ? ORDER BY line LIMIT ?`,
    )
    .all(sourceId, limit) as RejectRow[];
}
