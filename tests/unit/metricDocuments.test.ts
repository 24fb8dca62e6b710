// Metricbeat-style ECS documents become metric samples (ecsNdjson.ts, ecsDocumentRecords).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { ecsNdjsonFormat } from '../../electron/core/ingest/formats/ecsNdjson.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { runFormat } from '../helpers/formatRun.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const cpu = {
  '@timestamp': '2026-11-19T09:52:00.000Z',
  metricset: { name: 'cpu', period: 10000 },
  event: { module: 'system', dataset: 'system.cpu' },
  host: { name: 'checkout-canary-1', cpu: { usage: 0.375 } },
  service: { name: 'checkout', version: '4.13.0' },
  system: { cpu: { total: { pct: 1.5, norm: { pct: 0.375 } }, cores: 4 } },
};

describe('metric documents', () => {
  it('gives one sample per metric field, tagged like an event, and no event', () => {
    const run = runFormat(ecsNdjsonFormat, [JSON.stringify(cpu)]);
    expect(run.events).toEqual([]);
    expect(run.rejects).toEqual([]);
    expect(run.metrics.map((m) => [m.name, m.value])).toEqual([
      ['system.cpu.total.norm.pct', 0.375],
      ['system.cpu.total.pct', 1.5],
      ['host.cpu.usage', 0.375],
    ]);
    expect(run.metrics[0]).toMatchObject({
      sourceLine: 1,
      ts: Date.UTC(2026, 10, 19, 9, 52),
      host: 'checkout-canary-1',
      service: 'checkout',
      version: '4.13.0',
    });
  });

  it('reads dotted memory and process metrics, and gives an event too when the document has a message', () => {
    const doc = {
      '@timestamp': '2026-11-19T09:52:00.000Z',
      'metricset.name': 'memory',
      'system.memory.actual.used.pct': 0.81,
      'system.memory.used.pct': '0.93',
      'process.cpu.pct': 0.02,
      message: 'memory pressure',
    };
    const run = runFormat(ecsNdjsonFormat, [JSON.stringify(doc)]);
    expect(run.metrics.map((m) => [m.name, m.value])).toEqual([
      ['system.memory.actual.used.pct', 0.81],
      ['system.memory.used.pct', 0.93],
      ['process.cpu.pct', 0.02],
    ]);
    expect(run.events.map((e) => e.message)).toEqual(['memory pressure']);
  });

  it('rejects a metric document with a value that is not a number, or with nothing Coalmine reads', () => {
    const run = runFormat(ecsNdjsonFormat, [
      JSON.stringify({ ...cpu, host: { name: 'h', cpu: { usage: 'high' } } }),
      JSON.stringify({
        '@timestamp': '2026-11-19T09:52:00.000Z',
        'metricset.name': 'diskio',
        'system.diskio.read.bytes': 5,
      }),
      JSON.stringify({ 'metricset.name': 'cpu', 'host.cpu.usage': 0.5 }),
    ]);
    expect(run.metrics).toEqual([]);
    expect(run.rejects.map((r) => [r.line, r.reason])).toEqual([
      [1, 'host.cpu.usage is not a number: "high"'],
      [2, 'metric document (metricset diskio) holds none of the metrics Coalmine reads and no message'],
      [3, 'no @timestamp'],
    ]);
  });

  it('stores the samples with their track and counts them on the source', async () => {
    const db = openCase(path.join(tempDir(), 'm.coalmine'), { create: true });
    const file = writeLines('metrics.ndjson', [
      ecs(cpu),
      ecs({ ...cpu, host: { name: 'checkout-stable-2', cpu: { usage: 0.2 } }, system: undefined }),
      ecs({ '@timestamp': '2026-11-19T09:52:01.000Z', message: 'a log line', 'host.name': 'checkout-canary-1' }),
    ]);
    const result = await importFile(db, file);
    expect(result).toMatchObject({ events: 1, metrics: 4, rejects: 0 });
    expect(listSources(db)[0]?.metrics).toBe(4);
    const rows = db.prepare(`SELECT source_line AS line, host, track, name, value FROM metrics ORDER BY id`).all();
    expect(rows).toEqual([
      { line: 1, host: 'checkout-canary-1', track: 'canary', name: 'system.cpu.total.norm.pct', value: 0.375 },
      { line: 1, host: 'checkout-canary-1', track: 'canary', name: 'system.cpu.total.pct', value: 1.5 },
      { line: 1, host: 'checkout-canary-1', track: 'canary', name: 'host.cpu.usage', value: 0.375 },
      { line: 2, host: 'checkout-stable-2', track: 'stable', name: 'host.cpu.usage', value: 0.2 },
    ]);
    db.close();
  });
});
