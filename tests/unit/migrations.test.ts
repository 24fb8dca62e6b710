// One test per migration (STYLE.md): migrate to N-1, insert rows, migrate to N, compare.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, migrate, schemaVersion } from '../../electron/core/case/migrations/index.js';
import { environmentOf } from '../../electron/core/ingest/formats/environment.js';
import { tempDir } from '../helpers/tempCase.js';

function freshDb(): Database.Database {
  return new Database(path.join(tempDir(), 'm.coalmine'));
}

const source = {
  path: '/logs/a.ndjson',
  name: 'a.ndjson',
  size: 10,
  sha256: 'ab'.repeat(32),
  format: 'ecs-ndjson',
  zone: 'Europe/London',
  imported_at: 0,
};

function insertEvent(db: Database.Database, id: number, message: string | null): void {
  db.prepare(
    `INSERT INTO events (id, source_id, source_line, ts, ts_text, track, message, raw)
     VALUES (?, 1, ?, 0, '1970-01-01T00:00:00Z', 'canary', ?, '{}')`,
  ).run(id, id, message);
}

describe('migrations', () => {
  it('are numbered 1..N without gaps, in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(Array.from({ length: LATEST_VERSION }, (_, i) => i + 1));
  });

  it('0001 creates sources, events and rejects; a source cannot be deleted before its rows', () => {
    const db = freshDb();
    migrate(db, 'm', 1);
    expect(schemaVersion(db)).toBe(1);
    db.pragma('foreign_keys = ON');
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at)`,
    ).run(source);
    insertEvent(db, 1, 'hello');
    db.prepare(`INSERT INTO rejects (source_id, line, reason, raw, raw_bytes) VALUES (1, 2, 'bad', 'x', 1)`).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO events (source_id, source_line, ts, ts_text, track, raw) VALUES (1, 1, 0, '', 'blue', '')`,
        )
        .run(),
    ).toThrow(/CHECK/);
    expect(() => db.prepare(`DELETE FROM sources WHERE id = 1`).run()).toThrow(/FOREIGN KEY/);
    db.prepare(`DELETE FROM events`).run();
    db.prepare(`DELETE FROM rejects`).run();
    db.prepare(`DELETE FROM sources WHERE id = 1`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM sources`).get()).toEqual({ n: 0 });
    db.close();
  });

  it('0002 indexes the messages of complete sources stored before it, and drops deleted events', () => {
    const db = freshDb();
    migrate(db, 'm', 1);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete'),
              (2, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'incomplete')`,
    ).run(source);
    insertEvent(db, 1, 'JWT signature verification failed');
    insertEvent(db, 2, 'order placed');
    insertEvent(db, 3, null);
    const rowsBefore = db.prepare(`SELECT * FROM events ORDER BY id`).all();

    migrate(db, 'm', 2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare(`SELECT * FROM events ORDER BY id`).all()).toEqual(rowsBefore);
    const match = (q: string): number[] =>
      (
        db.prepare(`SELECT rowid FROM events_fts WHERE events_fts MATCH ? ORDER BY rowid`).all(q) as { rowid: number }[]
      ).map((r) => r.rowid);
    expect(match('signature')).toEqual([1]);

    expect(match('order')).toEqual([2]);
    // An event of an unfinished import is not indexed, and deleting it leaves the index sound.
    db.prepare(
      `INSERT INTO events (id, source_id, source_line, ts, ts_text, track, message, raw)
       VALUES (5, 2, 1, 0, '', 'canary', 'signature from a partial import', '{}')`,
    ).run();
    expect(match('partial')).toEqual([]);
    db.prepare(`DELETE FROM events WHERE id IN (1, 5)`).run();
    expect(match('signature')).toEqual([]);
    expect(match('order')).toEqual([2]);
    expect(() => db.prepare(`INSERT INTO events_fts (events_fts) VALUES ('integrity-check')`).run()).not.toThrow();
    db.close();
  });

  it('0003 keeps every row, counts auth failures and exceptions per source, and adds the new tables', () => {
    const db = freshDb();
    migrate(db, 'm', 2);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete')`,
    ).run(source);
    insertEvent(db, 1, 'login failed');
    insertEvent(db, 2, 'NullPointerException');
    insertEvent(db, 3, 'ok');
    db.prepare(`UPDATE events SET auth_failure = 1, auth_rule = 'http-401' WHERE id = 1`).run();
    db.prepare(`UPDATE events SET error_type = 'java.lang.NullPointerException' WHERE id = 2`).run();
    const rowsBefore = db.prepare(`SELECT * FROM events ORDER BY id`).all() as Record<string, unknown>[];

    migrate(db, 'm', 3);
    expect(schemaVersion(db)).toBe(3);
    expect(db.prepare(`SELECT * FROM events ORDER BY id`).all()).toEqual(
      rowsBefore.map((r) => ({ ...r, track_label: null, pod: null, track_rule: null })),
    );
    expect(db.prepare(`SELECT auth_failures, exceptions, metrics, details FROM sources`).get()).toEqual({
      auth_failures: 1,
      exceptions: 1,
      metrics: 0,
      details: null,
    });
    db.prepare(`INSERT INTO settings (key, value) VALUES ('thresholds', '{}')`).run();
    db.prepare(
      `INSERT INTO metrics (source_id, source_line, ts, track, name, value) VALUES (1, 9, 0, 'canary', 'cpu', 0.5)`,
    ).run();
    expect(() =>
      db
        .prepare(
          `INSERT INTO rollout_definitions (id, service, canary_version, from_ts, to_ts, defined_at)
           VALUES ('a@2', 'a', '2', 10, 5, 0)`,
        )
        .run(),
    ).toThrow(/CHECK/);
    db.close();
  });

  it('0004 keeps every row, adds the judge indexes and drops the index the cohort index covers', () => {
    const db = freshDb();
    migrate(db, 'm', 3);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete')`,
    ).run(source);
    insertEvent(db, 1, 'a');
    insertEvent(db, 2, 'b');
    db.prepare(`UPDATE events SET status = 401, auth_failure = 1, fingerprint = 'f' WHERE id = 1`).run();
    const rowsBefore = db.prepare(`SELECT * FROM events ORDER BY id`).all();
    const indexes = (): string[] =>
      (
        db
          .prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' ORDER BY name`)
          .all() as {
          name: string;
        }[]
      ).map((r) => r.name);
    expect(indexes()).toContain('events_service_track_ts');

    migrate(db, 'm', 4);
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare(`SELECT * FROM events ORDER BY id`).all()).toEqual(rowsBefore);
    expect(indexes()).toEqual([
      'events_401_403',
      'events_auth_failures',
      'events_canary_versions',
      'events_cohort',
      'events_exceptions',
      'events_fingerprints',
      'events_source_line',
    ]);
    expect(db.prepare(`PRAGMA integrity_check`).pluck().get()).toBe('ok');
    db.close();
  });

  it('0005 keeps every metric sample and adds its tagging evidence, empty for samples stored before', () => {
    const db = freshDb();
    migrate(db, 'm', 4);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete')`,
    ).run(source);
    db.prepare(
      `INSERT INTO metrics (source_id, source_line, ts, track, host, name, value)
       VALUES (1, 4, 0, 'canary', 'web-canary-1', 'system.cpu.total.norm.pct', 0.5)`,
    ).run();
    const before = db.prepare(`SELECT * FROM metrics`).all() as Record<string, unknown>[];
    migrate(db, 'm', 5);
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare(`SELECT * FROM metrics`).all()).toEqual(
      before.map((r) => ({ ...r, track_label: null, pod: null, track_rule: null })),
    );
    db.close();
  });

  it('0006 keeps every setting and gives the case its own random pseudonym key, once', () => {
    const key = (db: Database.Database): unknown =>
      db.prepare(`SELECT value FROM settings WHERE key = 'review.pseudonymKey'`).pluck().get();
    const db = freshDb();
    migrate(db, 'm', 5);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('analysis.alpha', '0.05')`).run();
    migrate(db, 'm', 6);
    expect(schemaVersion(db)).toBe(6);
    expect(db.prepare(`SELECT value FROM settings WHERE key = 'analysis.alpha'`).pluck().get()).toBe('0.05');
    const first = JSON.parse(key(db) as string) as string;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    // Another case gets another key; running the migration's statement again keeps the first.
    const other = freshDb();
    migrate(other, 'm', 6);
    expect(JSON.parse(key(other) as string)).not.toBe(first);
    MIGRATIONS[5]?.up(db);
    expect(JSON.parse(key(db) as string)).toBe(first);
    db.close();
    other.close();
  });

  it('0007 keeps every row, with no document identity for what was stored before, and adds duplicate hits', () => {
    const db = freshDb();
    migrate(db, 'm', 6);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state, events)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete', 2)`,
    ).run(source);
    insertEvent(db, 1, 'order placed');
    insertEvent(db, 2, 'login failed');
    db.prepare(
      `INSERT INTO metrics (source_id, source_line, ts, track, name, value) VALUES (1, 3, 0, 'canary', 'cpu', 0.5)`,
    ).run();
    const events = db.prepare(`SELECT * FROM events ORDER BY id`).all() as Record<string, unknown>[];
    const metrics = db.prepare(`SELECT * FROM metrics ORDER BY id`).all() as Record<string, unknown>[];
    const sources = db.prepare(`SELECT * FROM sources ORDER BY id`).all() as Record<string, unknown>[];

    migrate(db, 'm', 7);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare(`SELECT * FROM events ORDER BY id`).all()).toEqual(events.map((r) => ({ ...r, doc_key: null })));
    expect(db.prepare(`SELECT * FROM metrics ORDER BY id`).all()).toEqual(
      metrics.map((r) => ({ ...r, doc_key: null })),
    );
    expect(db.prepare(`SELECT * FROM sources ORDER BY id`).all()).toEqual(
      sources.map((r) => ({ ...r, duplicates: 0 })),
    );
    // A hit is recorded once per source, line and document, and only for a source that exists.
    db.pragma('foreign_keys = ON');
    const record = db.prepare(`INSERT INTO source_duplicates (source_id, source_line, doc_key) VALUES (?, ?, ?)`);
    record.run(1, 4, 'logs/a');
    expect(() => record.run(1, 4, 'logs/a')).toThrow(/UNIQUE/);
    expect(() => record.run(9, 4, 'logs/a')).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(`INSERT INTO events_fts (events_fts) VALUES ('integrity-check')`).run()).not.toThrow();
    db.close();
  });

  it('0008 keeps every row with no environment, and puts the environment after the service in the judge indexes', () => {
    const db = freshDb();
    migrate(db, 'm', 7);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state, events)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete', 2)`,
    ).run(source);
    insertEvent(db, 1, 'order placed');
    insertEvent(db, 2, 'login failed');
    db.prepare(
      `UPDATE events SET status = 401, auth_failure = 1, fingerprint = 'f', service = 'api' WHERE id = 2`,
    ).run();
    db.prepare(
      `INSERT INTO metrics (source_id, source_line, ts, track, name, value) VALUES (1, 3, 0, 'canary', 'cpu', 0.5)`,
    ).run();
    db.prepare(
      `INSERT INTO rollout_definitions (id, service, canary_version, from_ts, to_ts, defined_at)
       VALUES ('api@2', 'api', '2', 0, 5, 0)`,
    ).run();
    const rows = (table: string): Record<string, unknown>[] =>
      db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Record<string, unknown>[];
    const before = { events: rows('events'), metrics: rows('metrics'), definitions: rows('rollout_definitions') };
    const indexColumns = (index: string): string[] =>
      (db.prepare(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`).all(index) as { name: string }[]).map(
        (r) => r.name,
      );
    const partial = (index: string): unknown =>
      db.prepare(`SELECT sql FROM sqlite_schema WHERE name = ?`).pluck().get(index);

    migrate(db, 'm', 8);
    expect(schemaVersion(db)).toBe(8);
    expect(rows('events')).toEqual(before.events.map((r) => ({ ...r, environment: null })));
    expect(rows('metrics')).toEqual(before.metrics.map((r) => ({ ...r, environment: null })));
    expect(rows('rollout_definitions')).toEqual(before.definitions.map((r) => ({ ...r, environment: null })));
    expect(indexColumns('events_cohort')).toEqual([
      'service',
      'environment',
      'track',
      'ts',
      'version',
      'status',
      'duration_ms',
      'auth_failure',
      'source_id',
    ]);
    expect(indexColumns('events_canary_versions')).toEqual(['service', 'environment', 'version', 'ts', 'source_id']);
    for (const index of ['events_auth_failures', 'events_401_403', 'events_exceptions']) {
      expect(indexColumns(index)).toEqual(['service', 'environment', 'track', 'ts']);
    }
    expect(indexColumns('events_fingerprints')).toEqual(['service', 'environment', 'fingerprint', 'ts']);
    expect(indexColumns('metrics_service_environment_track_name_ts')).toEqual([
      'service',
      'environment',
      'track',
      'name',
      'ts',
    ]);
    expect(partial('metrics_service_track_name_ts')).toBeUndefined();
    expect(partial('events_canary_versions')).toMatch(/WHERE track = 'canary'$/);
    expect(partial('events_auth_failures')).toMatch(/WHERE auth_failure = 1$/);
    expect(partial('events_401_403')).toMatch(/WHERE status IN \(401, 403\)$/);
    expect(partial('events_exceptions')).toMatch(/WHERE error_type IS NOT NULL OR error_stack IS NOT NULL$/);
    expect(partial('events_fingerprints')).toMatch(/WHERE fingerprint IS NOT NULL$/);
    expect(db.prepare(`PRAGMA integrity_check`).pluck().get()).toBe('ok');
    db.close();
  });

  it('0008 fills the environment of events stored before it as ingest reads it from their raw records', () => {
    const db = freshDb();
    migrate(db, 'm', 7);
    db.prepare(
      `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state)
       VALUES (1, @path, @name, @size, @sha256, @format, @zone, @imported_at, 'complete')`,
    ).run(source);
    // [raw record, the environment ingest reads from it]
    const records: [string, string | null][] = [
      ['{"service.environment":" production "}', 'production'],
      ['{"service":{"environment":"staging"}}', 'staging'],
      ['{"service":{"name":"a"},"service.environment":"mixed"}', 'mixed'],
      ['{"env":"later","service.environment":"ecs first"}', 'ecs first'],
      ['{"deployment.environment.name":"otel 1.27","deployment.environment":"otel old"}', 'otel 1.27'],
      ['{"deployment":{"environment":{"name":"nested name"}}}', 'nested name'],
      ['{"resource":{"attributes":{"deployment.environment":"prod"}},"logRecord":{}}', 'prod'],
      ['{"labels":{"env":3}}', '3'],
      ['{"labels.environment":"qa","env":"dev"}', 'qa'],
      ['{"environment":"  ","env":"dev"}', 'dev'],
      ['{"env":{"PATH":"/bin"}}', null],
      ['{"environment":true}', null],
      ['{"message":"no environment named"}', null],
      ['[{"env":"in an array"}]', null],
      ['{"env":', null],
      ['env=prod GET /index.html 200', null],
      ['{"_index":"logs-1","_id":"a","_source":{"service":{"environment":"hit source"}}}', 'hit source'],
      ['{"_index":"logs-1","_id":"b","fields":{"service.environment":["hit fields"]}}', 'hit fields'],
      ['{"_index":"logs-1","_id":"c","_source":{"env":"source wins"},"fields":{"env":["fields"]}}', 'source wins'],
      ['{"environment":"über\\u0007prod\\n"}', 'über\u0007prod'],
    ];
    const insert = db.prepare(
      `INSERT INTO events (id, source_id, source_line, ts, ts_text, track, raw) VALUES (?, 1, ?, 0, '', 'stable', ?)`,
    );
    records.forEach(([raw], i) => insert.run(i + 1, i + 1, raw));
    db.prepare(
      `INSERT INTO metrics (source_id, source_line, ts, track, name, value) VALUES (1, 1, 0, 'canary', 'cpu', 0.5)`,
    ).run();
    db.prepare(
      `INSERT INTO rollout_definitions (id, service, canary_version, from_ts, to_ts, defined_at)
       VALUES ('api@2', 'api', '2', 0, 5, 0)`,
    ).run();

    migrate(db, 'm', 8);
    const stored = db.prepare(`SELECT raw, environment FROM events ORDER BY id`).raw().all();
    expect(stored).toEqual(records);
    // Ingest reads the same records the same way (a path it adds later is for a new migration).
    for (const [raw, environment] of records) {
      let doc: unknown = null;
      try {
        doc = JSON.parse(raw);
      } catch {
        // not JSON: ingest reads no environment either
      }
      const hit = doc !== null && typeof doc === 'object' && '_index' in doc;
      if (hit || doc === null || Array.isArray(doc)) continue;
      expect(environmentOf(doc as Record<string, unknown>), raw).toBe(environment);
    }
    expect(db.prepare(`SELECT environment FROM metrics`).pluck().all()).toEqual([null]);
    expect(db.prepare(`SELECT environment FROM rollout_definitions`).pluck().all()).toEqual([null]);
    db.close();
  });

  it('a failing migration names the case file and the migration', () => {
    const db = freshDb();
    migrate(db, 'm', 1);
    db.exec('CREATE TABLE events_fts (x)'); // makes 0002 fail half-way
    expect(() => migrate(db, '/cases/shop.coalmine')).toThrow(
      /^\/cases\/shop\.coalmine: cannot upgrade the case schema from 1 \(migration 2, create the full-text index on event messages, failed: .*already exists.*\); the case is left as it was$/,
    );
    expect(schemaVersion(db)).toBe(1);
    db.close();
  });

  it('rolls a failing migration back whole', () => {
    const db = freshDb();
    migrate(db, 'm', 1);
    db.exec('CREATE TABLE events_fts (x)'); // makes 0002 fail half-way
    expect(() => migrate(db, 'm')).toThrow();
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE name = 'events_fts_delete'`).get()).toEqual({
      n: 0,
    });
    db.close();
  });
});
