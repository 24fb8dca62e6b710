// Elasticsearch _search responses saved as JSON (electron/core/ingest/formats/esSearch.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { detectFormat } from '../../electron/core/ingest/formats/index.js';
import { MAX_HIT_CHARS, esSearchFormat } from '../../electron/core/ingest/formats/esSearch.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { projectRoot } from '../helpers/cli.js';
import { fileLines, probeSample, runFormat } from '../helpers/formatRun.js';
import { tempDir } from '../helpers/tempCase.js';

const fixture = path.join(projectRoot, 'tests/fixtures/structured/search-pretty.json');

const hit = (id: string, source: Record<string, unknown> | null, extra: Record<string, unknown> = {}) => ({
  _index: 'logs',
  _id: id,
  _score: null,
  ...(source ? { _source: source } : {}),
  ...extra,
});
const response = (hits: unknown[], extra: Record<string, unknown> = {}) => ({
  took: 3,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { total: { value: hits.length, relation: 'eq' }, max_score: null, hits },
  ...extra,
});
const doc = (s: number, fields: Record<string, unknown> = {}) => ({
  '@timestamp': `2026-11-19T09:52:${String(s).padStart(2, '0')}Z`,
  message: `m${s}`,
  ...fields,
});

describe('Elasticsearch _search responses', () => {
  it('imports a pretty-printed response: each hit at the line where it starts, its text as raw', async () => {
    const db = openCase(path.join(tempDir(), 's.coalmine'), { create: true });
    const result = await importFile(db, fixture);
    expect(result).toMatchObject({ format: 'es-search', events: 3, rejects: 0, authFailures: 1 });
    const rows = db
      .prepare(`SELECT source_line AS line, track, track_rule AS rule, status, message, raw FROM events ORDER BY id`)
      .all() as { line: number; track: string; rule: string; status: number; message: string; raw: string }[];
    expect(rows.map((r) => [r.line, r.track, r.status, r.message])).toEqual([
      [17, 'canary', 401, 'login refused: {"reason": "bad token"} ]}'],
      [32, 'stable', 200, 'GET /api/cart'],
      [47, 'unknown', null, 'fields only'],
    ]);
    const lines = fileLines(fixture);
    expect(rows[0]?.raw).toBe(lines.slice(16, 31).join('\n').trim().replace(/,$/, ''));
    expect(rows[0]?.raw).toContain('"_id" : "a1"');
    expect(rows[1]?.rule).toBe('label'); // kubernetes.labels.role: stable
    db.close();
  });

  it('reads scroll pages one per line, an array of responses, concatenated and _msearch responses', () => {
    const page1 = JSON.stringify(response([hit('1', doc(1)), hit('2', doc(2))], { _scroll_id: 'abc' }));
    const page2 = JSON.stringify(response([hit('3', doc(3))], { _scroll_id: 'abc' }));
    expect(runFormat(esSearchFormat, [page1, page2]).events.map((e) => [e.sourceLine, e.message])).toEqual([
      [1, 'm1'],
      [1, 'm2'],
      [2, 'm3'],
    ]);
    const array = JSON.stringify([response([hit('1', doc(1))]), response([hit('2', doc(2))])], null, 2).split('\n');
    const arrayRun = runFormat(esSearchFormat, array);
    expect(arrayRun.events.map((e) => e.message)).toEqual(['m1', 'm2']);
    expect(arrayRun.events.map((e) => array[e.sourceLine - 1]?.trim())).toEqual(['{', '{']);
    const concatenated = [
      ...JSON.stringify(response([hit('1', doc(1))]), null, 2).split('\n'),
      ...JSON.stringify(response([hit('2', doc(2))]), null, 2).split('\n'),
    ];
    expect(runFormat(esSearchFormat, concatenated).events.map((e) => e.message)).toEqual(['m1', 'm2']);
    const msearch = JSON.stringify({
      took: 5,
      responses: [response([hit('1', doc(1))]), response([hit('2', doc(2))])],
    });
    expect(runFormat(esSearchFormat, [msearch]).events.map((e) => e.message)).toEqual(['m1', 'm2']);
  });

  it('reads a hit from its fields when _source is absent, and lets fields fill _source', () => {
    const run = runFormat(esSearchFormat, [
      JSON.stringify(
        response([
          hit('1', null, {
            fields: { '@timestamp': ['2026-11-19T09:52:01Z'], 'host.name': ['web-canary-1'], tags: ['a', 'b'] },
          }),
          hit('2', { message: 'no time in source' }, { fields: { '@timestamp': ['2026-11-19T09:52:02Z'] } }),
        ]),
      ),
    ]);
    expect(run.rejects).toEqual([]);
    expect(run.events.map((e) => [e.ts, e.host, e.message])).toEqual([
      [Date.UTC(2026, 10, 19, 9, 52, 1), 'web-canary-1', null],
      [Date.UTC(2026, 10, 19, 9, 52, 2), null, 'no time in source'],
    ]);
  });

  it('turns metric hits into samples', () => {
    const run = runFormat(esSearchFormat, [
      JSON.stringify(
        response([
          hit('1', doc(1, { metricset: { name: 'cpu' }, host: { name: 'web-canary-1', cpu: { usage: 0.42 } } })),
        ]),
      ),
    ]);
    expect(run.metrics.map((m) => [m.name, m.value, m.host])).toEqual([['host.cpu.usage', 0.42, 'web-canary-1']]);
    expect(run.events).toHaveLength(1); // it also carries a message
  });

  it('rejects bad hits with their line and id, and keeps the good ones', () => {
    const lines = JSON.stringify(
      response([
        hit('ok', doc(1)),
        hit('notime', { message: 'x' }),
        hit('empty', null),
        hit('bad', doc(2, { 'http.response.status_code': 'abc' })),
      ]),
      null,
      2,
    ).split('\n');
    const run = runFormat(esSearchFormat, lines);
    expect(run.events.map((e) => e.message)).toEqual(['m1']);
    expect(run.rejects.map((r) => [lines[r.line - 1]?.trim(), r.reason])).toEqual([
      ['{', expect.stringMatching(/^hit logs\/notime: no time \(looked for @timestamp, timestamp/)],
      ['{', 'hit logs/empty has neither _source nor fields'],
      ['{', 'hit logs/bad: http.response.status_code is not a number: "abc"'],
    ]);
  });

  it('survives truncation, junk, error responses and a hit beyond the size cap', () => {
    const good = JSON.stringify(response([hit('1', doc(1))]));
    const cut = JSON.stringify(response([hit('2', doc(2)), hit('3', doc(3))])).slice(0, -60);
    const truncatedHit = runFormat(esSearchFormat, [
      good,
      ...JSON.stringify(response([hit('4', doc(4))]), null, 2)
        .split('\n')
        .slice(0, 22),
    ]);
    expect(truncatedHit.events.map((e) => e.message)).toEqual(['m1']);
    expect(truncatedHit.rejects.map((r) => [r.line, r.reason])).toEqual([
      [18, 'the file ends inside this hit (truncated)'], // line 1 is `good`; the hit opens on line 17 of the pretty one
    ]);

    const run = runFormat(esSearchFormat, [
      'HTTP/1.1 200 OK',
      'content-type: application/json',
      good,
      JSON.stringify({ error: { type: 'search_phase_execution_exception' }, status: 400 }),
      cut,
      good,
    ]);
    expect(run.events.map((e) => [e.sourceLine, e.message])).toEqual([
      [3, 'm1'],
      [5, 'm2'],
      [6, 'm1'],
    ]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'malformed JSON: not part of an Elasticsearch search response (expected { or [)'],
      [2, '1 line skipped after malformed JSON, up to the next line that starts with { or ['],
      [4, 'an Elasticsearch error response, not search hits'],
      [5, 'malformed hit: the line ends inside a JSON string of the hit starting at line 5'],
    ]);

    const big = 'x'.repeat(MAX_HIT_CHARS + 10);
    const huge = runFormat(esSearchFormat, [
      JSON.stringify(response([hit('big', doc(1, { message: big })), hit('2', doc(2))])),
    ]);
    expect(huge.rejects.map((r) => [r.line, r.reason])).toEqual([[1, 'hit longer than 16 MiB; skipped']]);
    expect(huge.events.map((e) => e.message)).toEqual(['m2']);
  });

  it('is detected as es-search, pretty or compact, never as ECS NDJSON', () => {
    expect(detectFormat(probeSample(fileLines(fixture)), 'x.json').name).toBe('es-search');
    const compact = [
      JSON.stringify(response([hit('1', doc(1))], { _scroll_id: 'a' })),
      JSON.stringify(response([hit('2', doc(2))])),
    ];
    expect(detectFormat(compact, 'x.ndjson').name).toBe('es-search');
    expect(detectFormat(JSON.stringify([response([hit('1', doc(1))])], null, 2).split('\n'), 'x.json').name).toBe(
      'es-search',
    );
    // Hits on their own: elasticdump's one per line, and `jq -c .hits.hits`.
    const dump = [JSON.stringify(hit('1', doc(1))), JSON.stringify(hit('2', doc(2)))];
    expect(detectFormat(dump, 'dump.json').name).toBe('es-search');
    expect(runFormat(esSearchFormat, dump).events.map((e) => [e.sourceLine, e.message])).toEqual([
      [1, 'm1'],
      [2, 'm2'],
    ]);
    const array = [JSON.stringify([hit('1', doc(1)), hit('2', doc(2))])];
    expect(detectFormat(array, 'hits.json').name).toBe('es-search');
    expect(runFormat(esSearchFormat, array).events.map((e) => e.message)).toEqual(['m1', 'm2']);
    // filter_path=hits.hits._source: only the hits are left.
    const filtered = [JSON.stringify({ hits: { hits: [{ _source: doc(1) }, { _source: doc(2) }] } })];
    expect(detectFormat(filtered, 'x.json').name).toBe('es-search');
    expect(runFormat(esSearchFormat, filtered).events.map((e) => e.message)).toEqual(['m1', 'm2']);
  });
});
