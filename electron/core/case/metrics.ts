// Queries on `metrics`: samples from metric documents (CPU, memory), one row per sample.
import type { NewMetric } from '../ingest/formats/types.js';
import type { CaseDb } from './caseStore.js';

export function prepareMetricInsert(db: CaseDb, sourceId: number): (sample: NewMetric) => void {
  const statement = db.prepare(
    `INSERT INTO metrics (source_id, source_line, ts, track, service, version, host, name, value, track_label, pod,
       track_rule, doc_key, environment)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return (m) => {
    statement.run(
      sourceId,
      m.sourceLine,
      m.ts,
      m.track,
      m.service,
      m.version,
      m.host,
      m.name,
      m.value,
      m.trackLabel,
      m.pod,
      m.trackRule,
      m.docKey ?? null,
      m.environment,
    );
  };
}
