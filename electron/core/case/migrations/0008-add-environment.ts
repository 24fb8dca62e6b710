import type { Migration } from './types.js';

// The deployment environment (staging, production, …) as a dimension of a rollout: logs pulled
// from `logs-*` hold several environments, and the canary version usually runs in staging before
// production, so a rollout found per service alone judged two environments mixed together.
// - events.environment / metrics.environment: as the record (or `--environment`) gave it; NULL
//   where nothing said, which is every row stored before this migration.
// - Every index the judge reads by service now has the environment right after the service, so
//   a cohort (service, environment, track, window) is still one range of one index. The partial
//   indexes keep their WHERE clauses; the names stay (the query-plan tests cite them), except the
//   metrics index, whose name spelled its columns.
// - rollout_definitions.environment: a rollout the user defines names its environment too.
export const migration0008: Migration = {
  version: 8,
  name: 'add the deployment environment of events, metric samples and rollout definitions',
  up(db) {
    db.exec(`
      ALTER TABLE events ADD COLUMN environment TEXT;
      ALTER TABLE metrics ADD COLUMN environment TEXT;
      ALTER TABLE rollout_definitions ADD COLUMN environment TEXT;

      DROP INDEX events_cohort;
      CREATE INDEX events_cohort
        ON events (service, environment, track, ts, version, status, duration_ms, auth_failure, source_id);
      DROP INDEX events_canary_versions;
      CREATE INDEX events_canary_versions
        ON events (service, environment, version, ts, source_id) WHERE track = 'canary';
      DROP INDEX events_auth_failures;
      CREATE INDEX events_auth_failures ON events (service, environment, track, ts) WHERE auth_failure = 1;
      DROP INDEX events_401_403;
      CREATE INDEX events_401_403 ON events (service, environment, track, ts) WHERE status IN (401, 403);
      DROP INDEX events_exceptions;
      CREATE INDEX events_exceptions ON events (service, environment, track, ts)
        WHERE error_type IS NOT NULL OR error_stack IS NOT NULL;
      DROP INDEX events_fingerprints;
      CREATE INDEX events_fingerprints
        ON events (service, environment, fingerprint, ts) WHERE fingerprint IS NOT NULL;

      DROP INDEX metrics_service_track_name_ts;
      CREATE INDEX metrics_service_environment_track_name_ts ON metrics (service, environment, track, name, ts);
    `);
  },
};
