// Which logged actions belong to a rollout: those of its own service, or naming it, from the
// window's start to a grace period after its end (a rollback comes after the last canary
// event), stopping where the next rollout of the same service starts.
import { describe, expect, it } from 'vitest';
import { findRollout } from '../../electron/core/analysis/rollouts.js';
import type { CaseDb } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { ACTION_GRACE_AFTER_MS, findRolloutActions, namesService } from '../../electron/core/review/rolloutActions.js';
import { MINUTE, T0, caseOf, scenario } from '../helpers/scenario.js';
import { ecs, writeLines } from '../helpers/tempCase.js';

const SECOND = 1000;

/** A rollout the judge rolls back: a 401 surge on the canary of shop-api. */
const FAILING = scenario({ surges: [{ status: 401, fromMinute: 20, toMinute: 40, rate: 0.4 }] });

async function withLog(db: CaseDb, lines: { at: number; service: string; message: string }[]): Promise<void> {
  await importFile(
    db,
    writeLines(
      `controller-${lines.length}.ndjson`,
      lines.map((l) =>
        ecs({ '@timestamp': new Date(l.at).toISOString(), 'service.name': l.service, message: l.message }),
      ),
    ),
  );
}

const messagesOf = (db: CaseDb, rolloutId?: string): string[] =>
  findRolloutActions(db, findRollout(db, rolloutId)).map((a) => a.row.message ?? '');

describe('rollout actions', () => {
  it('names the service as a whole word, in any case, inside deployment/, rollout/ and release names', () => {
    expect(namesService('kubectl rollout undo deployment/shop-api', 'shop-api')).toBe(true);
    expect(namesService('argo: rollout/Shop-API aborted', 'shop-api')).toBe(true);
    expect(namesService('helm rollback shop-api-prod 3', 'shop-api')).toBe(true);
    expect(namesService('Canary failed: rolling back shop-api.prod', 'shop-api')).toBe(true);
    expect(namesService('kubectl rollout undo deployment/myshop-api', 'shop-api')).toBe(false);
    expect(namesService('kubectl rollout undo deployment/shop-apis', 'shop-api')).toBe(false);
    expect(namesService('kubectl rollout undo deployment/billing', 'shop-api')).toBe(false);
    // A service name is text, not a pattern.
    expect(namesService('rollback of shopXapi', 'shop.api')).toBe(false);
    expect(namesService('anything', '')).toBe(false);
  });

  it('keeps the rollout’s own actions, before and after the window’s end, and leaves out other services’', async () => {
    const db = await caseOf(FAILING);
    const { fromMs, toMs } = findRollout(db);
    await withLog(db, [
      { at: fromMs + 10 * MINUTE, service: 'ci', message: 'kubectl rollout undo deployment/billing' },
      { at: fromMs + 12 * MINUTE, service: 'ci', message: 'kubectl rollout undo deployment/myshop-api' },
      { at: fromMs + 15 * MINUTE, service: 'argo-rollouts', message: 'Rollout shop-api paused at step 2' },
      { at: fromMs + 16 * MINUTE, service: 'shop-api', message: 'rollout promoted to step 3' },
      { at: toMs + 2 * SECOND, service: 'flagger', message: 'Canary failed: rolling back shop-api' },
      { at: toMs + 5 * MINUTE, service: 'ci', message: 'helm rollback shop-api-prod 41' },
      { at: toMs + ACTION_GRACE_AFTER_MS + SECOND, service: 'ci', message: 'kubectl rollout undo deployment/shop-api' },
      { at: fromMs - MINUTE, service: 'ci', message: 'kubectl rollout undo deployment/shop-api' },
    ]);
    expect(messagesOf(db)).toEqual([
      'Rollout shop-api paused at step 2',
      'rollout promoted to step 3',
      'Canary failed: rolling back shop-api',
      'helm rollback shop-api-prod 41',
    ]);
    db.close();
  });

  it('stops the grace period where the next rollout of the same service starts', async () => {
    const next = scenario({ canaryVersion: '1.2.0', start: T0 + 70 * MINUTE, minutes: 20 });
    const db = await caseOf(scenario(), next);
    const first = findRollout(db, 'shop-api@1.1.0');
    const second = findRollout(db, 'shop-api@1.2.0');
    expect(second.fromMs).toBeLessThan(first.toMs + ACTION_GRACE_AFTER_MS);
    await withLog(db, [
      { at: first.toMs + MINUTE, service: 'ci', message: 'kubectl rollout undo deployment/shop-api' },
      { at: second.fromMs + MINUTE, service: 'ci', message: 'helm rollback shop-api 7' },
    ]);
    expect(messagesOf(db, 'shop-api@1.1.0')).toEqual(['kubectl rollout undo deployment/shop-api']);
    expect(messagesOf(db, 'shop-api@1.2.0')).toEqual(['helm rollback shop-api 7']);
    db.close();
  });

  it('asks to confirm the rollback when only another service was rolled back, and not once this one was', async () => {
    const db = await caseOf(FAILING);
    const { fromMs, toMs } = findRollout(db);
    await withLog(db, [
      { at: fromMs + 30 * MINUTE, service: 'ci', message: 'kubectl rollout undo deployment/billing' },
    ]);
    let doc = buildReviewDocument(db, { pseudonymise: false });
    expect(doc.verdict.decision).toBe('rollback');
    // The verdict's line in words, where the judge's names rule ids.
    expect(doc.verdict.summary).toBe('Roll back: a 401 surge on the canary.');
    expect(doc.actions.filter((a) => a.origin === 'logs')).toEqual([]);
    expect(doc.recommendations.map((r) => r.id)).toContain('confirm-rollback');

    await withLog(db, [{ at: toMs + 2 * SECOND, service: 'flagger', message: 'Canary failed: rolling back shop-api' }]);
    doc = buildReviewDocument(db, { pseudonymise: false });
    const logged = doc.actions.filter((a) => a.origin === 'logs');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.text).toContain('Canary failed: rolling back shop-api');
    expect(doc.recommendations.map((r) => r.id)).not.toContain('confirm-rollback');
    db.close();
  });
});
