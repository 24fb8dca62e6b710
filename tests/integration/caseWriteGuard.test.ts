// The CLI's writing commands ask the same guard as the page (electron/core/caseWrites.ts):
// while another process imports into the case, rules and settings are refused, and the case
// keeps what it held.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { coalmine } from '../helpers/cli.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

async function caseImportedElsewhere(): Promise<{ casePath: string; source: number }> {
  const casePath = path.join(tempDir(), 'shared.coalmine');
  const db = openCase(casePath, { create: true });
  const lines = Array.from({ length: 5 }, (_, i) =>
    ecs({ '@timestamp': new Date(Date.UTC(2026, 10, 19, 9, 0, i)).toISOString(), 'service.name': 'checkout' }),
  );
  await importFile(db, writeLines('shared.ndjson', lines));
  const sourceId = (db.prepare(`SELECT max(id) AS id FROM sources`).get() as { id: number }).id;
  // As a `coalmine import` on another host (a shared folder) that wrote a batch a moment ago.
  db.prepare(`UPDATE sources SET state = 'importing', importer = 'other-host:4242', heartbeat_at = ? WHERE id = ?`).run(
    Date.now(),
    sourceId,
  );
  closeCase(db);
  return { casePath, source: sourceId };
}

describe('writing commands while another process imports', () => {
  it('are refused with the source named, and the case is unchanged', async () => {
    const { casePath, source } = await caseImportedElsewhere();
    const rules = path.join(tempDir(), 'rules.json');
    fs.writeFileSync(rules, JSON.stringify({ rules: [] }));
    for (const args of [
      ['settings', casePath, '--set', 'minRequests=10'],
      ['settings', casePath, '--reset', 'minRequests'],
      ['tags', casePath, '--set', rules],
      ['tags', casePath, '--reset'],
      ['retag', casePath],
      ['measures', casePath, '--define', 'conversion', '--numerator', 'status < 300', '--denominator', 'status exists'],
    ]) {
      const run = coalmine(args);
      expect(run.code, args.join(' ')).not.toBe(0);
      expect(run.stderr, args.join(' ')).toContain(`source #${source} of shared.coalmine is being imported right now`);
    }
    const db = openCase(casePath, { readOnly: true });
    expect(
      db.prepare(`SELECT count(*) AS n FROM settings WHERE key LIKE 'analysis.%' OR key LIKE 'tagging%'`).get(),
    ).toEqual({ n: 0 });
    closeCase(db);
  });
});
