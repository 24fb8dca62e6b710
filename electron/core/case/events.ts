// Queries on `events`: bulk insert for ingest, counts for the case view.
import type { LogEvent } from '../../../shared/logEvent.js';
import type { CaseDb } from './caseStore.js';

export type NewEvent = Omit<LogEvent, 'sourceId'>;

/** One prepared statement reused for every row of an import (STYLE.md, "Bulk writes"). */
export function prepareEventInsert(db: CaseDb, sourceId: number): (event: NewEvent) => void {
  const statement = db.prepare(
    `INSERT INTO events (source_id, source_line, ts, ts_text, track, service, version, host, level,
       http_method, url_path, status, duration_ms, client_ip, user, message, error_type,
       error_message, error_stack, fingerprint, auth_failure, auth_rule, raw, track_label, pod, track_rule, doc_key,
       environment)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (e) => {
    statement.run(
      sourceId,
      e.sourceLine,
      e.ts,
      e.tsText,
      e.track,
      e.service,
      e.version,
      e.host,
      e.level,
      e.httpMethod,
      e.urlPath,
      e.status,
      e.durationMs,
      e.clientIp,
      e.user,
      e.message,
      e.errorType,
      e.errorMessage,
      e.errorStack,
      e.fingerprint,
      e.authFailure ? 1 : 0,
      e.authRule,
      e.raw,
      e.trackLabel,
      e.pod,
      e.trackRule,
      e.docKey ?? null,
      e.environment,
    );
  };
}

/** Whether an event carries an exception (counted on its source; grouped by fingerprint). */
export function hasException(event: Pick<NewEvent, 'errorType' | 'errorStack'>): boolean {
  return event.errorType !== null || event.errorStack !== null;
}

export function countEvents(db: CaseDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM events`).get() as { n: number }).n;
}
