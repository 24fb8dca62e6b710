// Multi-line application logs through importFile (the parse worker and the case): every good
// record lands with its first line's number, every bad one is a reject with its line and reason.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

describe('Java log import', () => {
  it('keeps the records, rejects the orphan block and the impossible date, and counts exceptions', async () => {
    const file = writeLines('app.log', [
      '\tat com.shop.Orphan.run(Orphan.java:1)',
      '2024-03-01 10:00:00,000 ERROR [main] com.shop.Pay - capture failed',
      'java.lang.IllegalStateException: order 7 has no payment',
      '\tat com.shop.Pay.capture(Pay.java:42)',
      '2024-02-30 10:00:01,000 ERROR [main] com.shop.Pay - no such day',
      '\tat com.shop.Pay.capture(Pay.java:42)',
      '2024-03-01 10:00:02,000 WARN [main] o.s.s.w.a.Filter - Authentication request failed: Bad credentials',
      '2024-03-01 10:00:03,000 INFO [main] com.shop.App - ok',
    ]);
    const db = openCase(path.join(tempDir(), 'j.coalmine'), { create: true });
    const result = await importFile(db, file);
    expect(result).toMatchObject({
      format: 'java-log',
      lines: 8,
      events: 3,
      rejects: 2,
      exceptions: 1,
      authFailures: 1,
    });
    const rows = db
      .prepare('SELECT source_line AS line, level, error_type AS type, auth_rule AS rule FROM events ORDER BY id')
      .all();
    expect(rows).toEqual([
      { line: 2, level: 'error', type: 'java.lang.IllegalStateException', rule: null },
      { line: 7, level: 'warn', type: null, rule: 'app-spring-bad-credentials' },
      { line: 8, level: 'info', type: null, rule: null },
    ]);
    const rejects = listRejects(db, result.sourceId ?? -1);
    expect(rejects.map((r) => r.line)).toEqual([1, 5]);
    expect(rejects[0]?.reason).toMatch(/before any Java log record/);
    expect(rejects[1]?.reason).toMatch(/not a real date/);
    db.close();
  });
});
