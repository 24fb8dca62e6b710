import type { Migration } from './types.js';

// Full-text search over the message text. External content (the text stays in `events`
// once). Imports index each source's messages in one statement when its events are written
// (`indexSourceMessages`): FTS5 builds that in memory and writes it once, twice as fast as a
// per-row insert trigger on a 100,000-line import. A trigger keeps deletes in step.
export const migration0002: Migration = {
  version: 2,
  name: 'create the full-text index on event messages',
  up(db) {
    db.exec(`
      CREATE VIRTUAL TABLE events_fts USING fts5 (
        message,
        content = 'events',
        content_rowid = 'id'
      );
      CREATE TRIGGER events_fts_delete AFTER DELETE ON events
        WHEN old.message IS NOT NULL
      BEGIN
        INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.id, old.message);
      END;
      -- Events stored before this migration are indexed too.
      INSERT INTO events_fts (events_fts) VALUES ('rebuild');
    `);
  },
};
