import type { Migration } from './types.js';

// The identity an Elasticsearch document came with, so that two pulls of the same index with
// overlapping windows (or different queries matching the same documents), or a saved `_search`
// file that overlaps a pull, do not count the shared documents twice:
// - events.doc_key / metrics.doc_key: `<_index>/<_id>` for records from a pull's hits and from
//   saved `_search` hits (an index name never holds "/"); NULL for every other format.
// - Partial indexes, so rows without a key (every file of other formats) cost nothing: one
//   answers "is this document already in the case?", the other lists a source's keyed rows.
// - source_duplicates: each hit a source read but did not store because its document was held
//   already (by another complete source, or earlier in the same source). It is the hit's
//   provenance (source, line, document), and lets the document pass to this source if the
//   holder is ever removed (a grown file replacing its earlier import).
// - sources.duplicates: how many such hits, beside the other counts.
export const migration0007: Migration = {
  version: 7,
  name: 'add the Elasticsearch document identity of events and metric samples, and duplicate hits',
  up(db) {
    db.exec(`
      ALTER TABLE events ADD COLUMN doc_key TEXT;
      ALTER TABLE metrics ADD COLUMN doc_key TEXT;
      ALTER TABLE sources ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX events_doc_key ON events (doc_key) WHERE doc_key IS NOT NULL;
      CREATE INDEX events_keyed_source ON events (source_id) WHERE doc_key IS NOT NULL;
      CREATE INDEX metrics_doc_key ON metrics (doc_key) WHERE doc_key IS NOT NULL;
      CREATE INDEX metrics_keyed_source ON metrics (source_id) WHERE doc_key IS NOT NULL;

      CREATE TABLE source_duplicates (
        id          INTEGER PRIMARY KEY,
        source_id   INTEGER NOT NULL REFERENCES sources (id),
        source_line INTEGER NOT NULL,
        doc_key     TEXT    NOT NULL,
        UNIQUE (source_id, source_line, doc_key)
      ) STRICT;
      CREATE INDEX source_duplicates_doc_key ON source_duplicates (doc_key);
    `);
  },
};
