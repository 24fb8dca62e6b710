import type { Migration } from './types.js';

// What the ingest of every format and the canary judge need beyond the foundation:
// - sources: free-form details of how the source was read (JSON: the Elasticsearch request,
//   the CSV column mapping, the year given to year-less syslog, …) and the counts a reader
//   checks in `coalmine sources` without scanning the events;
// - events: the evidence the tagging rules read (`track_label`, the pod name) and the rule that
//   gave the track, so a case can be re-tagged without re-importing and a reader sees why;
// - metrics: samples from metric documents (CPU, memory), one row per sample;
// - settings: the case's own settings (thresholds, tagging rules, CSV mappings), JSON values;
// - rollout_definitions: rollouts the user defined or adjusted by hand.
export const migration0003: Migration = {
  version: 3,
  name: 'add source details and counts, tagging evidence, metrics, settings and rollout definitions',
  up(db) {
    db.exec(`
      ALTER TABLE sources ADD COLUMN details TEXT;
      ALTER TABLE sources ADD COLUMN auth_failures INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN exceptions INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sources ADD COLUMN metrics INTEGER NOT NULL DEFAULT 0;
      UPDATE sources SET
        auth_failures = (SELECT count(*) FROM events WHERE source_id = sources.id AND auth_failure = 1),
        exceptions = (SELECT count(*) FROM events WHERE source_id = sources.id
                        AND (error_type IS NOT NULL OR error_stack IS NOT NULL));

      ALTER TABLE events ADD COLUMN track_label TEXT;
      ALTER TABLE events ADD COLUMN pod TEXT;
      ALTER TABLE events ADD COLUMN track_rule TEXT;

      CREATE TABLE metrics (
        id          INTEGER PRIMARY KEY,
        source_id   INTEGER NOT NULL REFERENCES sources (id),
        source_line INTEGER NOT NULL,
        ts          INTEGER NOT NULL,
        track       TEXT    NOT NULL CHECK (track IN ('canary', 'stable', 'unknown')),
        service     TEXT,
        version     TEXT,
        host        TEXT,
        name        TEXT    NOT NULL,
        value       REAL    NOT NULL
      ) STRICT;
      CREATE INDEX metrics_service_track_name_ts ON metrics (service, track, name, ts);
      CREATE INDEX metrics_source ON metrics (source_id);

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE rollout_definitions (
        id              TEXT    PRIMARY KEY,
        service         TEXT    NOT NULL,
        stable_version  TEXT,
        canary_version  TEXT    NOT NULL,
        from_ts         INTEGER NOT NULL,
        to_ts           INTEGER NOT NULL,
        defined_at      INTEGER NOT NULL,
        CHECK (from_ts <= to_ts)
      ) STRICT;
    `);
  },
};
