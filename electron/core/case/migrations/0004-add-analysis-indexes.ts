import type { Migration } from './types.js';

// What the canary judge reads, indexed so that a rollout of a million events is judged in
// well under two seconds (scripts/bench/analysis.js; EXPLAIN QUERY PLAN in
// tests/unit/analysisQueryPlans.test.ts):
// - events_cohort covers every per-track aggregate (counts per status, latency, auth failures
//   per bucket) without reading the table. It starts with (service, track, ts), so it serves
//   every query 0001's events_service_track_ts served, which is dropped: one index fewer for
//   each insert to maintain.
// - events_canary_versions: the rollouts found (per service and canary version, the window),
//   over the canary's rows only.
// - Partial indexes for the few rows the judge lists one by one: authentication failures,
//   401/403 responses (surge drivers) and exceptions (grouped by fingerprint; "seen before").
export const migration0004: Migration = {
  version: 4,
  name: 'add the canary judge indexes',
  up(db) {
    db.exec(`
      CREATE INDEX events_cohort
        ON events (service, track, ts, version, status, duration_ms, auth_failure, source_id);
      DROP INDEX events_service_track_ts;
      CREATE INDEX events_canary_versions ON events (service, version, ts, source_id) WHERE track = 'canary';
      CREATE INDEX events_auth_failures ON events (service, track, ts) WHERE auth_failure = 1;
      CREATE INDEX events_401_403 ON events (service, track, ts) WHERE status IN (401, 403);
      CREATE INDEX events_exceptions ON events (service, track, ts)
        WHERE error_type IS NOT NULL OR error_stack IS NOT NULL;
      CREATE INDEX events_fingerprints ON events (service, fingerprint, ts) WHERE fingerprint IS NOT NULL;
    `);
  },
};
