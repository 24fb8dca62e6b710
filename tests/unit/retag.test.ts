// Re-tagging a case from its stored evidence (electron/core/case/retag.ts), without re-import.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { caseTaggingRules, retagCase, saveTaggingRules } from '../../electron/core/case/retag.js';
import { insertSource } from '../../electron/core/case/sources.js';
import { refuseCaseWrite } from '../../electron/core/caseWrites.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const at = (s: number) => `2026-11-19T09:52:${String(s).padStart(2, '0')}Z`;
const event = (s: number, fields: Record<string, unknown>) =>
  ecs({ '@timestamp': at(s), 'service.name': 'checkout', message: `event ${s}`, ...fields });

function tracks(db: ReturnType<typeof openCase>): { line: number; track: string; rule: string | null }[] {
  return db
    .prepare(
      `SELECT source_line AS line, track, track_rule AS rule FROM events WHERE source_id = 1 ORDER BY source_line`,
    )
    .all() as { line: number; track: string; rule: string | null }[];
}

describe('retag', () => {
  it('recomputes tracks with new rules, keeps a source-wide --track, and counts what changed', async () => {
    const db = openCase(path.join(tempDir(), 'r.coalmine'), { create: true });
    const records = writeLines('records.ndjson', [
      event(1, { 'labels.track': 'canary', 'service.version': '4.13.0' }),
      event(2, { 'host.name': 'web-stable-1', 'service.version': '4.12.3' }),
      event(3, { 'service.version': '4.13.0', 'kubernetes.pod.name': 'checkout-7bf84f9696-x2k4p' }),
      event(4, { 'service.version': '4.11.0' }),
    ]);
    const whole = writeLines('whole.ndjson', [event(5, { 'labels.track': 'canary', 'service.version': '4.13.0' })]);
    await importFile(db, records);
    await importFile(db, whole, { track: 'stable' });
    expect(tracks(db)).toEqual([
      { line: 1, track: 'canary', rule: 'label' },
      { line: 2, track: 'stable', rule: 'host-name' },
      { line: 3, track: 'unknown', rule: null },
      { line: 4, track: 'unknown', rule: null },
    ]);

    saveTaggingRules(db, {
      rules: [
        { kind: 'pod-template-hash', canary: ['7bf84f9696'], stable: [] },
        { kind: 'version', service: 'checkout', canaryVersion: '4.13.0', stableVersion: '4.12.3' },
      ],
    });
    const result = retagCase(db);
    expect(tracks(db)).toEqual([
      { line: 1, track: 'canary', rule: 'version:checkout' },
      { line: 2, track: 'stable', rule: 'version:checkout' },
      { line: 3, track: 'canary', rule: 'pod-template-hash' },
      { line: 4, track: 'unknown', rule: null },
    ]);
    // The --track stable import stays stable whatever its records say.
    expect(db.prepare(`SELECT track, track_rule AS rule FROM events WHERE source_id = 2`).all()).toEqual([
      { track: 'stable', rule: 'import' },
    ]);
    expect(result).toMatchObject({ events: 5, changed: 3, byTrack: { canary: 2, stable: 2, unknown: 1 } });

    // Running it again changes nothing.
    expect(retagCase(db)).toMatchObject({ events: 5, changed: 0 });
    db.close();
  });

  it('uses the case rules on import and falls back to the defaults', async () => {
    const db = openCase(path.join(tempDir(), 'r.coalmine'), { create: true });
    expect(caseTaggingRules(db)).toEqual(DEFAULT_TAGGING_RULES);
    saveTaggingRules(db, { rules: [{ kind: 'name', field: 'host', canary: ['blue'], stable: ['green'] }] });
    await importFile(db, writeLines('a.ndjson', [event(1, { 'host.name': 'web-blue-1', 'labels.track': 'stable' })]));
    expect(tracks(db)).toEqual([{ line: 1, track: 'canary', rule: 'host-name' }]);
    db.close();
  });

  it('re-tags metric samples from the same evidence as events (host, label), and back again', async () => {
    const db = openCase(path.join(tempDir(), 'r.coalmine'), { create: true });
    const metric = (s: number, fields: Record<string, unknown>) =>
      ecs({ '@timestamp': at(s), 'metricset.name': 'cpu', 'system.cpu.total.norm.pct': 0.25, ...fields });
    await importFile(
      db,
      writeLines('m.ndjson', [
        metric(1, { 'host.name': 'web-canary-1' }),
        metric(2, { 'host.name': 'web-9', 'labels.track': 'stable' }),
        metric(3, { 'host.name': 'web-9' }),
      ]),
    );
    const metricTracks = () => db.prepare(`SELECT track, track_rule FROM metrics ORDER BY id`).raw().all();
    const atImport = metricTracks();
    expect(atImport.map((r) => (r as unknown[])[0])).toEqual(['canary', 'stable', 'unknown']);
    saveTaggingRules(db, { rules: [{ kind: 'name', field: 'host', canary: ['web-9'], stable: ['canary'] }] });
    expect(retagCase(db)).toMatchObject({ metrics: 3, metricsChanged: 3 });
    expect(metricTracks().map((r) => (r as unknown[])[0])).toEqual(['stable', 'canary', 'canary']);
    // Back to the default rules: the stored label brings sample 2 back to stable, as at import.
    saveTaggingRules(db, DEFAULT_TAGGING_RULES);
    retagCase(db);
    expect(metricTracks()).toEqual(atImport);
    db.close();
  });
});

describe('re-tagging under a running import', () => {
  it('is refused by the guard of every write while an import of this process still writes to the case', () => {
    const casePath = path.join(tempDir(), 'busy.coalmine');
    const db = openCase(casePath, { create: true });
    insertSource(db, {
      path: '/logs/big.ndjson',
      name: 'big.ndjson',
      size: 1,
      sha256: 'a'.repeat(64),
      format: 'ecs-ndjson',
      zone: 'Europe/London',
      track: null,
      service: null,
      version: null,
      importedAt: 0,
    });
    expect(() => refuseCaseWrite({ path: casePath, db, readOnly: false }, false, 'it cannot be re-tagged')).toThrow(
      /^source #\d+ of busy\.coalmine is being imported right now: it cannot be re-tagged until that import has finished$/,
    );
    db.close();
  });
});
