// The two-thread import: the reader waits for the writer, a cancel stops it at once, and a
// reader that dies leaves the source incomplete with true counts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { type ParseMessage, runParseJob } from '../../electron/core/ingest/parseJob.js';
import { useParseWorkerPath } from '../../electron/core/ingest/parsePipeline.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const good = (n: number): string =>
  ecs({ '@timestamp': `2026-01-05T10:00:${String(n % 60).padStart(2, '0')}Z`, message: `event ${n}` });

afterEach(() => useParseWorkerPath(null));

describe('import pipeline', () => {
  it('the reader stops while the writer has not taken its batch (backpressure)', async () => {
    const file = writeLines(
      'bp.ndjson',
      Array.from({ length: 100 }, (_, i) => good(i)),
    );
    const seen: ParseMessage[] = [];
    let release: () => void = () => {};
    const blocked = new Promise<void>((resolve) => (release = resolve));
    let third: () => void = () => {};
    const reachedThird = new Promise<void>((resolve) => (third = resolve));
    const job = runParseJob(
      {
        path: file,
        format: 'ecs-ndjson',
        formatContext: { zone: 'UTC', year: 2026, fileName: 'bp.ndjson', options: {} },
        normaliseContext: {
          track: null,
          service: null,
          version: null,
          environment: null,
          rules: DEFAULT_TAGGING_RULES,
        },
        batchSize: 1,
      },
      (message) => {
        seen.push(message);
        if (seen.length !== 3) return undefined;
        third();
        return blocked;
      },
    );
    // The whole file is in one chunk already: without backpressure all 100 batches would follow
    // at once, long before this wait ends.
    await reachedThird;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toHaveLength(3);
    release();
    await job;
    expect(seen.filter((m) => m.type === 'batch')).toHaveLength(100);
    expect(seen.at(-1)).toMatchObject({ type: 'end', lines: 100 });
  });

  it('a cancel while the writer waits stops the import at once: incomplete, counts true', async () => {
    const file = writeLines(
      'c.ndjson',
      Array.from({ length: 20_000 }, (_, i) => good(i)),
    );
    const db = openCase(path.join(tempDir(), 'c.coalmine'), { create: true });
    const controller = new AbortController();
    let batches = 0;
    const result = await importFile(db, file, {
      batchSize: 1000,
      signal: controller.signal,
      onProgress: () => {
        batches += 1;
        if (batches === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ state: 'incomplete', events: 2000 });
    const [source] = listSources(db);
    expect(source).toMatchObject({ state: 'incomplete', events: 2000 });
    expect(db.prepare(`SELECT count(*) FROM events`).pluck().get()).toBe(2000);
    db.close();
  });

  it('a reader that dies ends the import with a message; the source is incomplete, never importing', async () => {
    const dying = path.join(tempDir(), 'dying.mjs');
    fs.writeFileSync(dying, 'process.exit(3);\n');
    useParseWorkerPath(dying);
    const file = writeLines('d.ndjson', [good(1)]);
    const db = openCase(path.join(tempDir(), 'd.coalmine'), { create: true });
    await expect(importFile(db, file)).rejects.toThrow(/d\.ndjson stopped: the parse worker exited \(code 3\)/);
    expect(listSources(db).map((s) => [s.state, s.events])).toEqual([['incomplete', 0]]);
    db.close();
  });
});
