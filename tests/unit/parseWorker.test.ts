// The parse worker as each build ships it: the CLI's (out/node) and the app bundle's own entry
// (out/main, electron.vite.config.ts). `npm test` builds both first.
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../electron/core/case/events.js';
import { forEachPackedEvent } from '../../electron/core/ingest/eventBatch.js';
import type { ParseJob, ParseMessage } from '../../electron/core/ingest/parseJob.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { projectRoot } from '../helpers/cli.js';
import { ecs, writeLines } from '../helpers/tempCase.js';

function run(entry: string, job: ParseJob): Promise<ParseMessage[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: job });
    const seen: ParseMessage[] = [];
    worker.on('message', (m: ParseMessage) => {
      seen.push(m);
      if (m.type === 'batch') worker.postMessage({ type: 'ack' });
    });
    worker.on('error', reject);
    worker.on('exit', () => resolve(seen));
  });
}

describe('parse worker builds', () => {
  const file = (): string =>
    writeLines('w.ndjson', [
      ecs({ '@timestamp': '2026-01-05T10:00:00Z', 'labels.track': 'canary', message: 'a' }),
      '{oops',
      ecs({ '@timestamp': '2026-01-05T10:00:01Z', 'http.response.status_code': 401 }),
    ]);
  const job = (f: string): ParseJob => ({
    path: f,
    format: 'ecs-ndjson',
    formatContext: { zone: 'Europe/London', year: 2026, fileName: 'w.ndjson', options: {} },
    normaliseContext: { track: null, service: null, version: null, environment: null, rules: DEFAULT_TAGGING_RULES },
    batchSize: 2,
  });

  for (const entry of ['out/node/electron/core/ingest/parseWorker.js', 'out/main/parseWorker.js']) {
    it(`${entry} reads, parses and normalises a file in batches, waiting for the writer`, async () => {
      const messages = await run(path.join(projectRoot, entry), job(file()));
      expect(messages.map((m) => m.type)).toEqual(['batch', 'batch', 'end']);
      const events: NewEvent[] = [];
      for (const m of messages) if (m.type === 'batch') forEachPackedEvent(m.events, (e) => events.push(e));
      expect(events.map((e) => [e.sourceLine, e.track, e.authRule])).toEqual([
        [1, 'canary', null],
        [3, 'unknown', 'http-401'],
      ]);
      const rejects = messages.flatMap((m) => (m.type === 'batch' ? m.rejects : []));
      expect(rejects).toEqual([{ line: 2, reason: expect.stringMatching(/not valid JSON/) as string, raw: '{oops' }]);
      expect(messages.at(-1)).toMatchObject({ type: 'end', lines: 3, compression: null, cut: null });
    });
  }
});
