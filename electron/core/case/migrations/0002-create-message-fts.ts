import type { Migration } from './types.js';

// Full-text search over the message text. External content (the text stays in `events`
// once); triggers keep the index in step with every insert and delete.
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
      CREATE TRIGGER events_fts_insert AFTER INSERT ON events
        WHEN new.message IS NOT NULL
      BEGIN
        INSERT INTO events_fts (rowid, message) VALUES (new.id, new.message);
      END;
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
