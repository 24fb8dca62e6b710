import type { Migration } from './types.js';

// Sources, the events they hold (the LogEvent of ARCHITECTURE.md with provenance back to
// source and line, and the raw record), and the lines that could not be read. A source
// cannot be deleted while events or rejects point to it (no cascade): `deleteSource`
// removes them first, in the order that keeps the full-text index sound (migration 0002).
export const migration0001: Migration = {
  version: 1,
  name: 'create sources, events and rejects',
  up(db) {
    db.exec(`
      CREATE TABLE sources (
        -- AUTOINCREMENT: a source id, cited in reviews, is never reused after a delete.
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        path        TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        size        INTEGER NOT NULL,
        sha256      TEXT    NOT NULL,
        format      TEXT    NOT NULL,
        zone        TEXT    NOT NULL,
        track       TEXT    CHECK (track IN ('canary', 'stable')),
        service     TEXT,
        version     TEXT,
        imported_at INTEGER NOT NULL,
        state       TEXT    NOT NULL DEFAULT 'importing'
                            CHECK (state IN ('importing', 'complete', 'incomplete')),
        -- "<host>:<pid>" of the process importing it and when it last wrote a batch (UTC ms),
        -- to tell a live import from a killed one.
        importer    TEXT,
        heartbeat_at INTEGER,
        lines       INTEGER NOT NULL DEFAULT 0,
        events      INTEGER NOT NULL DEFAULT 0,
        rejects     INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX sources_sha256 ON sources (sha256);

      CREATE TABLE events (
        id            INTEGER PRIMARY KEY,
        source_id     INTEGER NOT NULL REFERENCES sources (id),
        source_line   INTEGER NOT NULL,
        ts            INTEGER NOT NULL,
        ts_text       TEXT    NOT NULL,
        track         TEXT    NOT NULL CHECK (track IN ('canary', 'stable', 'unknown')),
        service       TEXT,
        version       TEXT,
        host          TEXT,
        level         TEXT,
        http_method   TEXT,
        url_path      TEXT,
        status        INTEGER,
        duration_ms   REAL,
        client_ip     TEXT,
        user          TEXT,
        message       TEXT,
        error_type    TEXT,
        error_message TEXT,
        error_stack   TEXT,
        fingerprint   TEXT,
        auth_failure  INTEGER NOT NULL DEFAULT 0 CHECK (auth_failure IN (0, 1)),
        auth_rule     TEXT,
        raw           TEXT    NOT NULL
      ) STRICT;
      -- Every analysis reads one service's track over a window.
      CREATE INDEX events_service_track_ts ON events (service, track, ts);
      CREATE INDEX events_source_line ON events (source_id, source_line);

      CREATE TABLE rejects (
        id        INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources (id),
        line      INTEGER NOT NULL,
        reason    TEXT    NOT NULL,
        raw       TEXT    NOT NULL,
        raw_bytes INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX rejects_source_line ON rejects (source_id, line);
    `);
  },
};
