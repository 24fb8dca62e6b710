// Upgrading a case to the deployment environment (migration 0008) fills the environment of the
// events stored before it from their raw records, so the same production logs imported before
// and after the upgrade are one rollout, not `shop-api@1.1.0` and `shop-api@1.1.0@production`.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listRollouts } from '../../electron/core/analysis/rollouts.js';
import { closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { schema7CopyOf } from '../helpers/olderCase.js';
import { MINUTE, T0, scenario, scenarioLines } from '../helpers/scenario.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

/** A scenario's lines, each naming its environment the way `spell` writes it. */
function named(lines: string[], spell: (line: Record<string, unknown>) => Record<string, unknown>): string[] {
  return lines.map((line) => JSON.stringify(spell(JSON.parse(line) as Record<string, unknown>)));
}

describe('upgrading a case of schema 7', () => {
  it('gives the events it held the environment their records name: old and new imports are one rollout', async () => {
    const lines = scenarioLines(scenario({ seed: 5, minutes: 30 }));
    const half = lines.findIndex(
      (line) =>
        (JSON.parse(line) as { '@timestamp': string })['@timestamp'] >= new Date(T0 + 15 * MINUTE).toISOString(),
    );
    expect(half).toBeGreaterThan(0);
    // Before: ECS's dotted key; after: nested as Filebeat writes it.
    const before = named(lines.slice(0, half), (doc) => ({ ...doc, 'service.environment': 'production' }));
    const after = named(lines.slice(half), (doc) => ({ ...doc, service: { environment: 'production' } }));

    const written = openCase(path.join(tempDir(), 'then.coalmine'), { create: true });
    expect((await importFile(written, writeLines('before.ndjson', before))).state).toBe('complete');
    const writtenPath = written.name;
    closeCase(written);
    const db = openCase(schema7CopyOf(writtenPath));
    expect((await importFile(db, writeLines('after.ndjson', after))).state).toBe('complete');

    const fresh = openCase(path.join(tempDir(), 'now.coalmine'), { create: true });
    await importFile(fresh, writeLines('before.ndjson', before));
    await importFile(fresh, writeLines('after.ndjson', after));

    const summary = (rollouts: ReturnType<typeof listRollouts>): unknown =>
      rollouts.map((r) => [r.id, r.environment, r.fromMs, r.toMs, r.stableEvents, r.canaryEvents]);
    expect(summary(listRollouts(db))).toEqual(summary(listRollouts(fresh)));
    expect(listRollouts(db).map((r) => r.id)).toEqual(['shop-api@1.1.0@production']);
    expect(db.prepare(`SELECT count(*) FROM events WHERE environment IS NOT 'production'`).pluck().get()).toBe(0);
    closeCase(db);
    closeCase(fresh);
  });
});
