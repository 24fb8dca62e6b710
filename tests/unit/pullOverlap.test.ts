// Elasticsearch documents read more than once (two pulls with overlapping windows, a saved
// `_search` file that overlaps a pull, overlapping pages in one file) are stored and counted
// once; the source that read a document again says how many it already had (case/documents.ts).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { holderLookupSql } from '../../electron/core/case/documents.js';
import { completeSource, deleteSource, insertSource, listSources } from '../../electron/core/case/sources.js';
import { type PullOptions, pullIntoCase } from '../../electron/core/elastic/pull.js';
import { pullSummary } from '../../electron/core/elastic/pullJobs.js';
import { type PullFields, buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { blankEvent } from '../../electron/core/ingest/formats/types.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { createSourceWriter } from '../../electron/core/ingest/sourceWriter.js';
import { FakeCluster, type FakeDoc, ecsDocs, mockConnection } from '../helpers/fakeElastic.js';
import { tempDir } from '../helpers/tempCase.js';

const INDEX = 'logs-checkout-2026.03.29';

/** Second `s` of the test's minute, as a window bound. */
const at = (s: number): string => new Date(Date.parse('2026-03-29T00:00:00Z') + s * 1000).toISOString();

const fields = (from: number, to: number, extra: Partial<PullFields> = {}): PullFields => ({
  url: 'http://es.example.test:9200',
  index: 'logs-checkout-*',
  from: at(from),
  to: at(to),
  pageSize: 3,
  ...extra,
});

/** A rollout: canary hits (even) run 2.5.0, stable hits (odd) 2.4.0; one a second from 00:00:00. */
function rolloutDocs(n: number): FakeDoc[] {
  return ecsDocs(n).map((d, i) => ({
    ...d,
    _source: { ...(d._source as Record<string, unknown>), 'service.version': i % 2 === 0 ? '2.5.0' : '2.4.0' },
  }));
}

function newCase(): CaseDb {
  return openCase(path.join(tempDir(), 'overlap.coalmine'), { create: true });
}

function pull(db: CaseDb, docs: FakeDoc[], from: number, to: number, extra: Partial<PullOptions> = {}) {
  const cluster = new FakeCluster(docs);
  return pullIntoCase(db, buildPullRequest(fields(from, to)), {
    Connection: mockConnection(cluster) as PullOptions['Connection'],
    sleep: () => Promise.resolve(),
    ...extra,
  });
}

/** What a person checks: events per track in the rollout, and the requests behind the rates. */
function figures(db: CaseDb) {
  const analysis = analyseRollout(db);
  return {
    totals: analysis.totals,
    requests: analysis.comparison.find((r) => r.metric === 'requests'),
  };
}

/** Events the analysis may count (complete sources), and the messages the full-text index holds. */
function counted(db: CaseDb): { events: number; distinct: number; indexed: number } {
  const row = db
    .prepare(
      `SELECT count(*) AS events, count(DISTINCT coalesce(doc_key, id)) AS distinct_ FROM events
       WHERE source_id IN (SELECT id FROM sources WHERE state = 'complete')`,
    )
    .get() as { events: number; distinct_: number };
  const indexed = db
    .prepare(`SELECT count(*) FROM events_fts WHERE events_fts MATCH 'request'`)
    .pluck()
    .get() as number;
  return { events: row.events, distinct: row.distinct_, indexed };
}

const hitOf = (doc: FakeDoc) => ({ _index: doc._index, _id: doc._id, _score: null, _source: doc._source });
const responseOf = (docs: FakeDoc[]) => ({
  took: 2,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { total: { value: docs.length, relation: 'eq' }, max_score: null, hits: docs.map(hitOf) },
});

describe('documents read twice are counted once', () => {
  it('two pulls with overlapping windows: the analysis counts each document once, the second says how many it had', async () => {
    const docs = rolloutDocs(10);
    const db = newCase();
    const first = await pull(db, docs, 0, 6); // docs 1-6
    const second = await pull(db, docs, 3, 10); // docs 4-10: 4, 5 and 6 are held already
    expect(first).toMatchObject({ state: 'complete', lines: 6, events: 6, duplicates: 0 });
    expect(second).toMatchObject({
      state: 'complete',
      lines: 7,
      events: 4,
      duplicates: 3,
      duplicatesHeldBy: [first.sourceId],
    });
    expect(pullSummary(second)).toMatchObject({
      hits: 7,
      events: 4,
      duplicates: 3,
      duplicatesHeldBy: [first.sourceId],
    });
    const sources = listSources(db);
    expect(sources.map((s) => [s.events, s.duplicates])).toEqual([
      [6, 0],
      [4, 3],
    ]);
    expect(sources[1]?.details).toMatchObject({ hits: 7, duplicates: 3 });
    // The duplicate hits keep their provenance: the second pull's lines 1-3 are documents 4-6.
    expect(
      db
        .prepare(`SELECT source_line AS line, doc_key AS key FROM source_duplicates WHERE source_id = ? ORDER BY line`)
        .all(second.sourceId),
    ).toEqual([4, 5, 6].map((n, i) => ({ line: i + 1, key: `${INDEX}/doc-${n}` })));
    expect(counted(db)).toEqual({ events: 10, distinct: 10, indexed: 10 });

    // The same figures as one pull of the whole window.
    const whole = newCase();
    await pull(whole, docs, 0, 10);
    expect(figures(db)).toEqual(figures(whole));
    expect(figures(db).totals.map((t) => t.events)).toEqual(figures(whole).totals.map((t) => t.events));
    expect(figures(db).totals.reduce((n, t) => n + t.events, 0)).toBe(9); // the canary's window: 00:00:00-00:00:08
    closeCase(db);
    closeCase(whole);
  });

  it('metric documents pulled twice give their samples once', async () => {
    // Metricbeat documents: a CPU sample each (and an event, as they carry a message).
    const docs = ecsDocs(6, undefined, { 'metricset.name': 'cpu', 'system.cpu.total.norm.pct': 0.25 });
    const db = newCase();
    await pull(db, docs, 0, 4);
    const second = await pull(db, docs, 2, 6);
    expect(second).toMatchObject({ lines: 4, events: 2, metrics: 2, duplicates: 2 });
    expect(db.prepare(`SELECT count(*), count(DISTINCT doc_key) FROM metrics`).raw().get()).toEqual([6, 6]);
    expect(listSources(db).map((s) => [s.events, s.metrics, s.duplicates])).toEqual([
      [4, 4, 0],
      [2, 2, 2],
    ]);
    closeCase(db);
  });

  it('a pull of the same request that finds late documents adds only those', async () => {
    const docs = rolloutDocs(6);
    const db = newCase();
    const first = await pull(db, docs.slice(0, 4), 0, 10);
    const again = await pull(db, docs, 0, 10);
    expect(again).toMatchObject({ state: 'complete', events: 2, duplicates: 4, overlaps: [first.sourceId] });
    expect(counted(db)).toEqual({ events: 6, distinct: 6, indexed: 6 });
    closeCase(db);
  });

  it('an interrupted pull that is redone stores everything again and replaces the interrupted one', async () => {
    const docs = rolloutDocs(9);
    const db = newCase();
    const controller = new AbortController();
    const cluster = new FakeCluster(docs);
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2) controller.abort();
      return undefined;
    };
    const cut = await pullIntoCase(db, buildPullRequest(fields(0, 10)), {
      Connection: mockConnection(cluster) as PullOptions['Connection'],
      sleep: () => Promise.resolve(),
      signal: controller.signal,
    });
    expect(cut).toMatchObject({ state: 'incomplete', events: 6 });
    // The interrupted pull holds nothing the analysis counts, so the redone pull stores it all.
    const redone = await pull(db, docs, 0, 10);
    expect(redone).toMatchObject({ state: 'complete', events: 9, duplicates: 0, replaced: [cut.sourceId] });
    expect(listSources(db)).toHaveLength(1);
    expect(counted(db)).toEqual({ events: 9, distinct: 9, indexed: 9 });
    closeCase(db);
  });

  it('a saved _search file that overlaps a pull, and overlapping pages inside one file', async () => {
    const docs = rolloutDocs(10);
    const db = newCase();
    const pulled = await pull(db, docs, 0, 6); // docs 1-6
    // Two pages saved one after the other; the second repeats doc 8 of the first.
    const file = path.join(tempDir(), 'search.json');
    fs.writeFileSync(
      file,
      [JSON.stringify(responseOf(docs.slice(3, 8))), JSON.stringify(responseOf(docs.slice(7, 10)))].join('\n') + '\n',
    );
    const imported = await importFile(db, file);
    expect(imported).toMatchObject({ format: 'es-search', state: 'complete', events: 4, duplicates: 4 });
    const source = listSources(db).find((s) => s.id === imported.sourceId);
    expect(source).toMatchObject({ events: 4, duplicates: 4 });
    // Docs 4-6 are the pull's; doc 8 of the second page is the file's own, from the first page.
    const holders = db
      .prepare(
        `SELECT d.doc_key AS key, (SELECT e.source_id FROM events e WHERE e.doc_key = d.doc_key) AS holder
         FROM source_duplicates d WHERE d.source_id = ? ORDER BY d.id`,
      )
      .all(imported.sourceId);
    expect(holders).toEqual([
      { key: `${INDEX}/doc-4`, holder: pulled.sourceId },
      { key: `${INDEX}/doc-5`, holder: pulled.sourceId },
      { key: `${INDEX}/doc-6`, holder: pulled.sourceId },
      { key: `${INDEX}/doc-8`, holder: imported.sourceId },
    ]);
    expect(counted(db)).toEqual({ events: 10, distinct: 10, indexed: 10 });

    // And the other way round: a pull after the file counts what the file holds as duplicates.
    const later = await pull(db, docs, 0, 10);
    expect(later).toMatchObject({ state: 'complete', events: 0, duplicates: 10 });
    expect(later.duplicatesHeldBy).toEqual([pulled.sourceId, imported.sourceId]);
    const whole = newCase();
    await pull(whole, docs, 0, 10);
    expect(figures(db)).toEqual(figures(whole));
    closeCase(db);
    closeCase(whole);
  });

  it('an ECS NDJSON import of the same documents is unaffected: its lines carry no document identity', async () => {
    const docs = rolloutDocs(6);
    const db = newCase();
    await pull(db, docs, 0, 10);
    const file = path.join(tempDir(), 'same.ndjson');
    fs.writeFileSync(file, docs.map((d) => JSON.stringify(d._source)).join('\n') + '\n');
    const imported = await importFile(db, file);
    expect(imported).toMatchObject({ format: 'ecs-ndjson', events: 6, duplicates: 0 });
    expect(
      db.prepare(`SELECT count(*) FROM events WHERE source_id = ? AND doc_key IS NULL`).pluck().get(imported.sourceId),
    ).toBe(6);
    expect(listSources(db)[1]).toMatchObject({ events: 6, duplicates: 0 });
    closeCase(db);
  });

  it('whichever of two overlapping imports completes second drops the shared documents as it completes', async () => {
    const docs = rolloutDocs(6);
    const db = newCase();
    // An import still being written (another process, say) holds docs 1-6 ...
    const running = insertSource(db, {
      path: 'elsewhere',
      name: 'elsewhere',
      size: 0,
      sha256: 'running',
      format: 'es-search',
      zone: 'UTC',
      track: null,
      service: null,
      version: null,
      importedAt: 0,
    });
    const writer = createSourceWriter(
      db,
      running,
      { track: null, service: null, version: null, environment: null, rules: DEFAULT_TAGGING_RULES },
      'x',
    );
    docs.forEach((d, i) => {
      const source = d._source as Record<string, unknown>;
      const event = blankEvent(i + 1, JSON.stringify(source), Date.parse(String(source['@timestamp'])), 'x');
      event.message = String(source.message);
      event.service = 'checkout';
      event.docKey = `${d._index}/${d._id}`;
      writer.sink.event(event);
    });
    writer.flush();
    // ... and then goes silent for ten minutes (its machine asleep): the guard of every write
    // takes it for over (caseWrites.ts), so a pull may run, and it wakes up to complete later ...
    db.prepare(`UPDATE sources SET importer = 'other-host:4242', heartbeat_at = ? WHERE id = ?`).run(
      Date.now() - 10 * 60_000,
      running,
    );
    // ... while a pull of docs 4-6 completes first: the import still being written holds nothing yet.
    const pulled = await pull(db, docs, 3, 6);
    expect(pulled).toMatchObject({ events: 3, duplicates: 0 });
    completeSource(db, running);
    expect(listSources(db).find((s) => s.id === running)).toMatchObject({
      state: 'complete',
      events: 3,
      duplicates: 3,
    });
    expect(counted(db)).toEqual({ events: 6, distinct: 6, indexed: 6 });
    closeCase(db);
  });

  it('a grown _search file replacing its earlier import keeps every document a pull skipped because of it', async () => {
    const docs = rolloutDocs(8);
    const db = newCase();
    const file = path.join(tempDir(), 'pages.json');
    fs.writeFileSync(file, JSON.stringify(responseOf(docs.slice(0, 3))) + '\n');
    const start = await importFile(db, file);
    const pulled = await pull(db, docs, 0, 6); // docs 1-3 held by the file
    expect(pulled).toMatchObject({ events: 3, duplicates: 3 });
    // The file grows by a page; its new import replaces the earlier one, whose documents pass
    // to the sources that read them too: none leaves the case.
    fs.appendFileSync(file, JSON.stringify(responseOf(docs.slice(3, 8))) + '\n');
    const grown = await importFile(db, file);
    expect(grown.grownFrom).toEqual([start.sourceId]);
    expect(listSources(db).map((s) => s.id)).toEqual([pulled.sourceId, grown.sourceId]);
    expect(counted(db)).toEqual({ events: 8, distinct: 8, indexed: 8 });
    // Docs 1-3 passed to the pull, at its lines 1-3; the grown file read all 8 and had 6 already.
    expect(listSources(db).map((s) => [s.lines, s.events, s.duplicates])).toEqual([
      [6, 6, 0],
      [2, 2, 6],
    ]);
    expect(
      db
        .prepare(`SELECT source_line AS line, doc_key AS key FROM events WHERE source_id = ? ORDER BY source_line`)
        .all(pulled.sourceId),
    ).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ line: n, key: `${INDEX}/doc-${n}` })));
    expect(db.prepare(`SELECT count(*) FROM source_duplicates WHERE source_id = ?`).pluck().get(pulled.sourceId)).toBe(
      0,
    );
    closeCase(db);
  });

  it("a removed source's documents pass to an interrupted one that skipped them, out of the figures and the index", async () => {
    const docs = rolloutDocs(9);
    const db = newCase();
    const file = path.join(tempDir(), 'first.json');
    fs.writeFileSync(file, JSON.stringify(responseOf(docs.slice(0, 3))) + '\n');
    const start = await importFile(db, file);
    const controller = new AbortController();
    const cluster = new FakeCluster(docs);
    cluster.interceptor = (req, page) => {
      if (req.path === '/_search' && page === 2) controller.abort();
      return undefined;
    };
    const cut = await pullIntoCase(db, buildPullRequest(fields(0, 10)), {
      Connection: mockConnection(cluster) as PullOptions['Connection'],
      sleep: () => Promise.resolve(),
      signal: controller.signal,
    });
    expect(cut).toMatchObject({ state: 'incomplete', lines: 6, events: 3, duplicates: 3 });
    deleteSource(db, start.sourceId ?? -1);
    expect(listSources(db)).toMatchObject([{ id: cut.sourceId, state: 'incomplete', events: 6, duplicates: 0 }]);
    expect(counted(db)).toEqual({ events: 0, distinct: 0, indexed: 0 });
    expect(() => db.prepare(`INSERT INTO events_fts (events_fts) VALUES ('integrity-check')`).run()).not.toThrow();
    // Redone, the pull stores all nine and replaces the interrupted one.
    const redone = await pull(db, docs, 0, 10);
    expect(redone).toMatchObject({ events: 9, duplicates: 0, replaced: [cut.sourceId] });
    expect(counted(db)).toEqual({ events: 9, distinct: 9, indexed: 9 });
    closeCase(db);
  });

  it('documents passed on take the import-wide track and service of the source they pass to', async () => {
    const docs = rolloutDocs(4);
    const db = newCase();
    const file = path.join(tempDir(), 'stable.json');
    fs.writeFileSync(file, JSON.stringify(responseOf(docs)) + '\n');
    const start = await importFile(db, file, { track: 'stable', service: 'from-file' });
    const cluster = new FakeCluster(docs);
    const pulled = await pullIntoCase(
      db,
      buildPullRequest(fields(0, 10, { track: 'canary', service: 'checkout-eu' })),
      {
        Connection: mockConnection(cluster) as PullOptions['Connection'],
      },
    );
    expect(pulled).toMatchObject({ events: 0, duplicates: 4 });
    // While the file holds them, they are the file's: stable, its service.
    const tracks = () => db.prepare(`SELECT DISTINCT source_id, track, service FROM events`).raw().all() as unknown[][];
    expect(tracks()).toEqual([[start.sourceId, 'stable', 'from-file']]);
    deleteSource(db, start.sourceId ?? -1);
    expect(tracks()).toEqual([[pulled.sourceId, 'canary', 'checkout-eu']]);
    expect(listSources(db)).toMatchObject([{ events: 4, duplicates: 0 }]);
    closeCase(db);
  });

  it('asks "is this document held?" and lists a source\'s keyed rows through the document indexes', () => {
    const db = newCase();
    const plan = (sql: string): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all({ key: 'i/1', self: 1, line: 1 }) as { detail: string }[])
        .map((r) => r.detail)
        .join('\n');
    expect(plan(holderLookupSql('events'))).toMatch(/USING INDEX events_doc_key \(doc_key=\?\)/);
    expect(plan(holderLookupSql('metrics'))).toMatch(/USING INDEX metrics_doc_key \(doc_key=\?\)/);
    expect(plan(`SELECT id FROM events t WHERE t.source_id = @self AND t.doc_key IS NOT NULL`)).toMatch(
      /USING INDEX events_keyed_source/,
    );
    expect(plan(`SELECT id FROM metrics t WHERE t.source_id = @self AND t.doc_key IS NOT NULL`)).toMatch(
      /USING INDEX metrics_keyed_source/,
    );
    closeCase(db);
  });
});
