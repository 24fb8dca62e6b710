// Completing a source is one IMMEDIATE transaction with whatever the completion makes obsolete:
// once a row says complete, no write guard sees a live import, so nothing of that import may be
// left to write after it (another process would be let in between, and a crash there would
// leave an earlier import of a log's start counted twice beside the whole log).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import {
  completeSource,
  deleteSource,
  endImportHere,
  insertSource,
  listSources,
} from '../../electron/core/case/sources.js';
import { tempDir } from '../helpers/tempCase.js';

function newSource(db: ReturnType<typeof openCase>, name: string): number {
  return insertSource(db, {
    path: `/logs/${name}`,
    name,
    size: 1,
    sha256: name,
    format: 'ecs-ndjson',
    zone: 'UTC',
    track: null,
    service: null,
    version: null,
    importedAt: 0,
  });
}

describe('completeSource', () => {
  it('completes and settles in one step: a failure while settling leaves the source importing and the earlier one kept', () => {
    const db = openCase(path.join(tempDir(), 'complete.coalmine'), { create: true });
    const earlier = newSource(db, 'app.log.start');
    completeSource(db, earlier);
    const grown = newSource(db, 'app.log');
    expect(() =>
      completeSource(db, grown, () => {
        deleteSource(db, earlier);
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(listSources(db).map((s) => [s.id, s.state])).toEqual([
      [earlier, 'complete'],
      [grown, 'importing'],
    ]);
    // Settled with it, the earlier source is gone in the same step as the other completes.
    expect(completeSource(db, grown, () => (deleteSource(db, earlier), 'settled'))).toBe('settled');
    expect(listSources(db).map((s) => [s.id, s.state])).toEqual([[grown, 'complete']]);
    endImportHere(db, earlier);
    endImportHere(db, grown);
    db.close();
  });
});
