// The business-measure filter language: what it reads, what it refuses, and that what it
// becomes in SQL carries values only as bound parameters.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { filterToSql } from '../../electron/core/analysis/eventFilterSql.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { FilterSyntaxError, formatEventFilter, parseEventFilter } from '../../shared/eventFilter.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

describe('event filters', () => {
  it('read conditions joined by "and", with numbers, words, quoted text and lists', () => {
    expect(parseEventFilter('url.path = /api/checkout and status >= 200 and status < 300')).toEqual([
      { field: 'url.path', op: '=', value: '/api/checkout' },
      { field: 'status', op: '>=', value: 200 },
      { field: 'status', op: '<', value: 300 },
    ]);
    expect(parseEventFilter('message contains "order \\"42\\" confirmed" and http.method in (POST, PUT)')).toEqual([
      { field: 'message', op: 'contains', value: 'order "42" confirmed' },
      { field: 'http.method', op: 'in', value: ['POST', 'PUT'] },
    ]);
    expect(parseEventFilter('user.name exists AND error.type missing')).toEqual([
      { field: 'user.name', op: 'exists', value: null },
      { field: 'error.type', op: 'missing', value: null },
    ]);
  });

  it('write back to text that reads the same', () => {
    const text = 'url.path prefix /api/cart and message contains "timed out" and status in (502, 504)';
    expect(formatEventFilter(parseEventFilter(text))).toBe(text);
  });

  it('refuse unknown fields, operators, a word where a number goes, and an empty filter, saying why', () => {
    expect(() => parseEventFilter('password = x')).toThrow(/unknown field "password"; fields: status/);
    expect(() => parseEventFilter('status like 5')).toThrow(FilterSyntaxError);
    expect(() => parseEventFilter('status = abc')).toThrow(/status compares with a number, not "abc"/);
    expect(() => parseEventFilter('status = 200 or status = 201')).toThrow(/expected "and"/);
    expect(() => parseEventFilter('  ')).toThrow(/empty/);
  });

  it('become SQL with every value bound, so a hostile value is only a value', async () => {
    const hostile = "x' OR 1=1; DROP TABLE events; --";
    const sql = filterToSql(parseEventFilter(`message = "${hostile}" and url.path prefix "/a'b"`), 'f');
    expect(sql.sql).not.toContain(hostile);
    expect(sql.sql).not.toContain("'");
    expect(Object.values(sql.params)).toEqual([hostile, "/a'b"]);

    const db = openCase(path.join(tempDir(), 'f.coalmine'), { create: true });
    await importFile(
      db,
      writeLines('f.ndjson', [
        ecs({ '@timestamp': '2026-01-01T10:00:00Z', message: hostile, 'url.path': "/a'b/c" }),
        ecs({ '@timestamp': '2026-01-01T10:00:01Z', message: 'other', 'url.path': "/a'b" }),
      ]),
    );
    const count = (filter: string): number =>
      (
        db
          .prepare(`SELECT count(*) AS n FROM events WHERE ${filterToSql(parseEventFilter(filter), 'f').sql}`)
          .get(filterToSql(parseEventFilter(filter), 'f').params) as { n: number }
      ).n;
    expect(count(`message = "${hostile}"`)).toBe(1);
    expect(count(`url.path prefix "/a'b"`)).toBe(2);
    expect(count(`url.path = "/a'b"`)).toBe(1);
    expect(count('message contains "%"')).toBe(0); // no LIKE wildcards
    expect(db.prepare(`SELECT count(*) AS n FROM events`).get()).toEqual({ n: 2 });
    db.close();
  });
});
