import type { Migration } from './types.js';

// Metric samples keep the evidence their track was decided by, as events do (0003): the label
// the document carried, its pod, and the rule that gave the track. Re-tagging a case then
// decides a sample's track from the same evidence as at import, instead of keeping a stale one.
export const migration0005: Migration = {
  version: 5,
  name: 'add tagging evidence to metric samples',
  up(db) {
    db.exec(`
      ALTER TABLE metrics ADD COLUMN track_label TEXT;
      ALTER TABLE metrics ADD COLUMN pod TEXT;
      ALTER TABLE metrics ADD COLUMN track_rule TEXT;
    `);
  },
};
