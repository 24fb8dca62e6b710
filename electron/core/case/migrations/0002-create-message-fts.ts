import type { Migration } from './types.js';

// Full-text search over the message text. External content (the text stays in `events`
// once). The index holds exactly the messages of complete sources: an import indexes its
// source's messages in one statement as it marks the source complete (`completeSource`),
// which FTS5 builds in memory and writes once, twice as fast as a per-row insert trigger on
// a 100,000-line import. Deletes are kept in step by a trigger that, to keep the index
// sound, removes only what was indexed (an external-content FTS5 table is corrupted by a
// 'delete' of a row it never held).
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
         AND (SELECT state FROM sources WHERE id = old.source_id) = 'complete'
      BEGIN
        INSERT INTO events_fts (events_fts, rowid, message) VALUES ('delete', old.id, old.message);
      END;
      -- Events of complete sources stored before this migration are indexed too.
      INSERT INTO events_fts (rowid, message)
        SELECT id, message FROM events
        WHERE message IS NOT NULL AND source_id IN (SELECT id FROM sources WHERE state = 'complete');
    `);
  },
};
