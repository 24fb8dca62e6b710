import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { listSources } from '../../electron/core/case/sources.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import type { IngestProgress } from '../../shared/api.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const good = (n: number, extra: Record<string, unknown> = {}): string =>
  ecs({
    '@timestamp': `2026-01-05T10:00:${String(n).padStart(2, '0')}Z`,
    'service.name': 'cart',
    'labels.track': 'canary',
    message: `event ${n}`,
    ...extra,
  });

function newCase() {
  return openCase(path.join(tempDir(), 'i.coalmine'), { create: true });
}

describe('ECS NDJSON import', () => {
  it('keeps every good line, rejects each bad one with its line number and reason', async () => {
    const file = writeLines('mixed.ndjson', [
      good(1),
      '{"@timestamp": "2026-01-05T10:00:02Z", "message": "trunc',
      good(3),
      '',
      '[1, 2, 3]',
      good(6, { 'http.response.status_code': 'abc' }),
      ecs({ message: 'no time at all' }),
      good(8, { '@timestamp': '2026-02-30T10:00:00Z' }),
      good(9),
    ]);
    const db = newCase();
    const result = await importFile(db, file, { batchSize: 2 });
    expect(result).toMatchObject({ lines: 9, events: 3, rejects: 5, state: 'complete' });
    const rejects = listRejects(db, result.sourceId ?? -1);
    expect(rejects.map((r) => r.line)).toEqual([2, 5, 6, 7, 8]);
    expect(rejects[0]?.reason).toMatch(/not valid JSON/);
    expect(rejects[1]?.reason).toBe('not a JSON object');
    expect(rejects[2]?.reason).toBe('http.response.status_code is not a number: "abc"');
    expect(rejects[3]?.reason).toBe('no @timestamp');
    expect(rejects[4]?.reason).toMatch(/not a real date/);
    expect(rejects[0]?.raw).toBe('{"@timestamp": "2026-01-05T10:00:02Z", "message": "trunc');
    expect(result.rejectSample.map((r) => r.line)).toEqual([2, 5, 6, 7, 8]);

    const lines = db.prepare(`SELECT source_line AS line FROM events ORDER BY id`).all();
    expect(lines).toEqual([{ line: 1 }, { line: 3 }, { line: 9 }]);
    const [source] = listSources(db);
    expect(source).toMatchObject({ lines: 9, events: 3, rejects: 5, state: 'complete', format: 'ecs-ndjson' });
    db.close();
  });

  it('records the SHA-256 and size of the file as read', async () => {
    const file = writeLines('a.ndjson', [good(1), good(2)]);
    const db = newCase();
    const result = await importFile(db, file);
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(result.sha256).toBe(expected);
    expect(listSources(db)[0]).toMatchObject({ sha256: expected, size: fs.statSync(file).size, zone: 'Europe/London' });
    db.close();
  });

  it('reads CRLF endings and a byte-order mark', async () => {
    const file = writeLines('crlf.ndjson', ['\uFEFF' + good(1), good(2)], '\r\n');
    const db = newCase();
    const result = await importFile(db, file);
    expect(result).toMatchObject({ events: 2, rejects: 0 });
    const raws = db.prepare(`SELECT raw FROM events ORDER BY id`).pluck().all() as string[];
    expect(raws.every((raw) => !raw.endsWith('\r') && !raw.startsWith('\uFEFF'))).toBe(true);
    db.close();
  });

  it('does not import the same bytes twice', async () => {
    const file = writeLines('twice.ndjson', [good(1), good(2)]);
    const db = newCase();
    const first = await importFile(db, file);
    const second = await importFile(db, file);
    expect(second.state).toBe('skipped');
    expect(second.duplicateOf?.id).toBe(first.sourceId);
    expect(db.prepare(`SELECT count(*) FROM events`).pluck().get()).toBe(2);
    db.close();
  });

  it('reports progress between batches, ending at the whole file', async () => {
    const file = writeLines(
      'progress.ndjson',
      Array.from({ length: 25 }, (_, i) => good(i % 60)),
    );
    const db = newCase();
    const seen: IngestProgress[] = [];
    await importFile(db, file, { batchSize: 10, onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.events)).toEqual([10, 20, 25]);
    expect(seen.at(-1)?.bytesDone).toBe(fs.statSync(file).size);
    db.close();
  });

  it('stops at a cancel, keeps what was written and marks the source incomplete', async () => {
    const file = writeLines(
      'cancel.ndjson',
      Array.from({ length: 30 }, (_, i) => good(i)),
    );
    const db = newCase();
    const controller = new AbortController();
    const result = await importFile(db, file, {
      batchSize: 10,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    expect(result).toMatchObject({ state: 'incomplete', events: 10 });
    expect(listSources(db)[0]?.state).toBe('incomplete');
    db.close();
  });

  it('applies the import-wide track, service and version over the records', async () => {
    const file = writeLines('tagged.ndjson', [good(1, { 'labels.track': 'stable' })]);
    const db = newCase();
    await importFile(db, file, { track: 'canary', service: 'basket', version: '9.9.9' });
    expect(db.prepare(`SELECT track, service, version FROM events`).get()).toEqual({
      track: 'canary',
      service: 'basket',
      version: '9.9.9',
    });
    db.close();
  });

  it('refuses an unreadable file or an unknown zone with a message naming it, storing nothing', async () => {
    const db = newCase();
    await expect(importFile(db, path.join(tempDir(), 'missing.ndjson'))).rejects.toThrow(
      /missing\.ndjson: no such file/,
    );
    const file = writeLines('z.ndjson', [good(1)]);
    await expect(importFile(db, file, { zone: 'Mars/Olympus' })).rejects.toThrow(/unknown time zone "Mars\/Olympus"/);
    const text = writeLines('notes.txt', ['shopping list', 'eggs, flour']);
    await expect(importFile(db, text)).rejects.toThrow(/notes\.txt: cannot tell its format from its first lines/);
    expect(listSources(db)).toEqual([]);
    db.close();
  });

  it('makes messages searchable through the full-text index', async () => {
    const file = writeLines('fts.ndjson', [good(1, { message: 'JWT signature invalid' }), good(2)]);
    const db = newCase();
    await importFile(db, file);
    const hits = db
      .prepare(
        `SELECT e.source_line FROM events_fts f JOIN events e ON e.id = f.rowid WHERE events_fts MATCH 'signature'`,
      )
      .pluck()
      .all();
    expect(hits).toEqual([1]);
    db.close();
  });
});

describe('imports that did not finish', () => {
  it('reads a lone CR as text, so line numbers agree with sed -n', async () => {
    const file = writeLines('cr.ndjson', [good(1, { message: 'a\rb' }).replace('a\\rb', 'a\rb'), good(2)]);
    const db = newCase();
    const result = await importFile(db, file);
    expect(result).toMatchObject({ lines: 2, events: 1, rejects: 1 });
    expect(listRejects(db, result.sourceId ?? -1).map((r) => r.line)).toEqual([1]);
    expect(db.prepare(`SELECT source_line FROM events`).pluck().all()).toEqual([2]);
    db.close();
  });

  it('replaces what a killed import left, so nothing is counted twice', async () => {
    const casePath = path.join(tempDir(), 'k.coalmine');
    const file = writeLines(
      'k.ndjson',
      Array.from({ length: 30 }, (_, i) => good(i)),
    );
    let db = openCase(casePath, { create: true });
    const controller = new AbortController();
    const partial = await importFile(db, file, {
      batchSize: 10,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    // As if the process had been killed: still "importing", by a process that is gone.
    db.prepare(`UPDATE sources SET state = 'importing', importer = ? WHERE id = ?`).run(
      `${os.hostname()}:999999999`,
      partial.sourceId,
    );
    db.close();

    db = openCase(casePath); // opening notices the dead importer
    expect(listSources(db)[0]?.state).toBe('incomplete');
    const redo = await importFile(db, file);
    expect(redo).toMatchObject({ state: 'complete', events: 30, replaced: [partial.sourceId] });
    expect(db.prepare(`SELECT count(*) FROM events`).pluck().get()).toBe(30);
    expect(listSources(db).map((s) => s.state)).toEqual(['complete']);
    db.close();
  });

  it('refuses bytes that a live import holds, and replaces one that has gone silent', async () => {
    const file = writeLines('live.ndjson', [good(1)]);
    const db = newCase();
    const first = await importFile(db, file, { batchSize: 1, signal: AbortSignal.abort() });
    // Another machine imports the same file into this (shared) case and wrote a batch just now.
    db.prepare(`UPDATE sources SET state = 'importing', importer = 'other-host:42', heartbeat_at = ? WHERE id = ?`).run(
      Date.now(),
      first.sourceId,
    );
    await expect(importFile(db, file)).rejects.toThrow(
      /^source #\d+ of i\.coalmine is being imported right now: live\.ndjson cannot be imported into it/,
    );
    // Silent for ten minutes: that import is over, whatever its process id says.
    db.prepare(`UPDATE sources SET heartbeat_at = ? WHERE id = ?`).run(Date.now() - 10 * 60_000, first.sourceId);
    await expect(importFile(db, file)).resolves.toMatchObject({ state: 'complete', replaced: [first.sourceId] });
    db.close();
  });

  it('ends on a full disk with the source incomplete and its counts true to what was stored', async () => {
    const lines = Array.from({ length: 40 }, (_, i) => good(i % 60, { message: `${i} ${'y'.repeat(3000)}` }));
    const file = writeLines('big.ndjson', lines);
    const db = newCase();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 30}`);
    await expect(importFile(db, file, { batchSize: 10 })).rejects.toThrow(/big\.ndjson.*(full|failed)/);
    const [source] = listSources(db);
    expect(source?.state).toBe('incomplete');
    expect(source?.events).toBe(db.prepare(`SELECT count(*) FROM events`).pluck().get());
    expect(db.prepare(`SELECT count(*) FROM rejects`).pluck().get()).toBe(0);
    db.close();
  });

  it('marks a file that changes while it is read as incomplete', async () => {
    const lines = Array.from({ length: 12_000 }, (_, i) => good(i % 60, { message: `line ${i} ${'x'.repeat(200)}` }));
    const file = writeLines('growing.ndjson', lines);
    const db = newCase();
    let appended = false;
    const attempt = importFile(db, file, {
      batchSize: 1000,
      onProgress: () => {
        if (!appended) fs.appendFileSync(file, good(1) + '\n');
        appended = true;
      },
    });
    await expect(attempt).rejects.toThrow(/growing\.ndjson changed while it was being imported/);
    expect(listSources(db)[0]?.state).toBe('incomplete');
    db.close();
  });
});

describe('a log imported again after it has grown', () => {
  it('replaces the import of its start, so no line is counted twice, and keeps an unrelated file of the same name', async () => {
    const db = newCase();
    const dir = tempDir();
    const file = path.join(dir, 'app.ndjson');
    // Over a megabyte before the append, so the earlier size falls inside a read chunk.
    const line = (i: number): string =>
      ecs({
        '@timestamp': new Date(Date.UTC(2026, 0, 5, 10) + i * 1000).toISOString(),
        message: `m${i} ${'x'.repeat(150)}`,
      });
    fs.writeFileSync(file, Array.from({ length: 8000 }, (_, i) => line(i)).join('\n') + '\n');
    const before = await importFile(db, file);
    expect(before.events).toBe(8000);
    fs.appendFileSync(file, [line(8000), line(8001)].join('\n') + '\n');
    const after = await importFile(db, file);
    expect(after).toMatchObject({ state: 'complete', events: 8002, grownFrom: [before.sourceId] });
    expect(listSources(db).map((s) => s.id)).toEqual([after.sourceId]);
    expect(db.prepare(`SELECT count(*) FROM events`).pluck().get()).toBe(8002);

    // Another file that only shares the name (another folder, other lines) is a source of its own.
    const other = path.join(tempDir(), 'app.ndjson');
    fs.writeFileSync(other, [good(1, { message: 'another host' }), good(2), good(3), good(4)].join('\n') + '\n');
    await expect(importFile(db, other)).resolves.toMatchObject({ grownFrom: [] });
    expect(listSources(db)).toHaveLength(2);
    db.close();
  });
});
