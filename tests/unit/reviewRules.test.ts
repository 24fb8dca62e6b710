// The small rules the review is built from, each on inputs a reader can check by hand.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ANALYSIS_SETTINGS } from '../../shared/analysisSettings.js';
import { openCase } from '../../electron/core/case/caseStore.js';
import type { Bucket } from '../../electron/core/analysis/figures.js';
import { readPseudonymKey } from '../../electron/core/review/pseudonymise.js';
import { SAMPLE_MAX_CHARS, oneLine } from '../../electron/core/review/reviewEvidence.js';
import { crossesClockChange } from '../../electron/core/review/reviewModel.js';
import { sqlText } from '../../electron/core/review/reviewSql.js';
import { authBursts } from '../../electron/core/review/reviewTimeline.js';
import { ROLLOUT_ACTION_PATTERNS } from '../../electron/core/review/rolloutActions.js';
import { preExistingSentence, verdictSummary } from '../../electron/core/review/verdictWords.js';
import type { Decision, RuleOutcome, Verdict, VerdictReason } from '../../shared/api.js';
import { tempDir } from '../helpers/tempCase.js';

const MINUTE = 60_000;

function reason(rule: string, metric: string, outcome: RuleOutcome): VerdictReason {
  const blocks = outcome !== 'pass' && outcome !== 'pre-existing';
  return {
    rule,
    metric,
    unit: 'ratio',
    stable: null,
    canary: null,
    threshold: null,
    pValue: null,
    outcome,
    blocks,
    text: '',
  };
}

const verdictOf = (decision: Decision, reasons: VerdictReason[]): Verdict => ({ decision, summary: '', reasons });

function bucket(minute: number, requests: number, authFailures: number): [number, Bucket] {
  const zero = { events: requests, n5xx: 0, n4xx: 0, n401: 0, n403: 0, latencySamples: 0, latencySum: 0 };
  return [minute, { ...zero, requests, authFailures, start: minute * MINUTE }];
}

describe('review rules', () => {
  it('tells a window that crosses a clock change, even one that crosses two', () => {
    expect(crossesClockChange(Date.UTC(2026, 2, 29, 0, 30), Date.UTC(2026, 2, 29, 1, 30))).toBe(true);
    expect(crossesClockChange(Date.UTC(2026, 2, 2, 10), Date.UTC(2026, 2, 2, 11))).toBe(false);
    expect(crossesClockChange(Date.UTC(2026, 6, 1), Date.UTC(2026, 6, 20))).toBe(false);
    // Both ends in GMT, BST between them.
    expect(crossesClockChange(Date.UTC(2026, 0, 10), Date.UTC(2026, 11, 10))).toBe(true);
  });

  it('finds auth-failure bursts: enough failures, well above stable’s rate, merged across one quiet bucket', () => {
    const settings = { ...DEFAULT_ANALYSIS_SETTINGS }; // at least 3 a bucket, at least 2× stable, gap 1
    const stable = { failures: 10, requests: 1000 }; // 1 %
    const buckets = new Map([
      bucket(0, 100, 2), // too few
      bucket(1, 100, 3), // 3 % ≥ 2 %: hot
      bucket(3, 100, 5), // one quiet bucket later: same burst
      bucket(6, 400, 6), // 1.5 % < 2 %: not hot
      bucket(8, 0, 4), // failures and no request: hot
    ]);
    expect(authBursts(buckets, stable, settings)).toEqual([
      { from: 1 * MINUTE, to: 4 * MINUTE, failures: 8, requests: 200 },
      { from: 8 * MINUTE, to: 9 * MINUTE, failures: 4, requests: 0 },
    ]);
    expect(authBursts(buckets, { failures: 0, requests: 1000 }, settings)).toHaveLength(2);
    expect(authBursts(buckets, stable, { ...settings, surgeMergeGapBuckets: 0 })).toHaveLength(3);
  });

  it('names rollout actions from the wording of the tools that take them', () => {
    const name = (line: string): string | undefined => ROLLOUT_ACTION_PATTERNS.find((p) => p.test.test(line))?.id;
    expect(name('+ kubectl rollout undo deployment/checkout --to-revision=41')).toBe('kubectl-rollout-undo');
    expect(name('helm rollback checkout 12 --wait')).toBe('helm-rollback');
    expect(name('kubectl argo rollouts abort checkout -n shop')).toBe('argo-abort');
    expect(name('time="2026-03-02T10:45:01Z" level=info msg="Rollout aborted" rollout=shop/checkout')).toBe(
      'argo-abort',
    );
    expect(name('kubectl argo rollouts undo checkout')).toBe('argo-undo');
    expect(name('kubectl argo rollouts promote checkout')).toBe('argo-promote');
    expect(name('Rollout paused at step 2')).toBe('argo-pause');
    expect(name('Rolling back podinfo.test failed checks threshold reached 5')).toBe('flagger-rollback');
    expect(name('Canary failed! Scaling down podinfo.test')).toBe('flagger-rollback');
    expect(name('Promotion completed! Scaling down podinfo.test')).toBe('flagger-promotion');
    expect(name('deploy job: release 4.13.0 rolled back to 4.12.3')).toBe('rollback');
    expect(name('GET /api/rollback-preview 200')).toBeUndefined();
    expect(name('rollback_count=0')).toBeUndefined();
    expect(name('Rollback of checkout to 4.12.3 started')).toBe('rollback');
    expect(name('GET /api/orders 200')).toBeUndefined();
    expect(name('user aborted the upload')).toBeUndefined();
  });

  it('writes the verdict’s line in words, naming the reasons that decide it', () => {
    const rollback = verdictOf('rollback', [
      reason('min-requests', 'requests', 'pass'),
      reason('p95-regression', 'latencyP95', 'rollback'),
      reason('auth-surge', 'rate401', 'rollback'),
      reason('new-exception', 'exceptionsPer1000', 'rollback'),
      reason('client-error-rate', 'rate4xx', 'investigate'),
    ]);
    expect(verdictSummary(rollback)).toBe(
      'Roll back: a p95 latency regression on the canary, a 401 surge on the canary and a new exception on the canary.',
    );
    const several = verdictOf('rollback', [
      reason('new-exception', 'exceptionsPer1000', 'rollback'),
      reason('new-exception', 'exceptionsPer1000', 'rollback'),
      reason('auth-surge', 'rate403', 'rollback'),
    ]);
    expect(verdictSummary(several)).toBe('Roll back: new exceptions on the canary and a 403 surge on the canary.');
    expect(
      verdictSummary(
        verdictOf('hold', [
          reason('error-rate-investigate', 'rate5xx', 'investigate'),
          reason('p95-regression', 'latencyP95', 'insufficient-data'),
          reason('future-rule', 'x', 'hold'),
        ]),
      ),
    ).toBe(
      'Hold: the canary’s 5xx rate above the threshold to investigate, too little data to judge p95 latency and the rule future-rule.',
    );
    const promote = verdictOf('promote', [
      reason('error-rate', 'rate5xx', 'pre-existing'),
      reason('auth-rate-401', 'rate401', 'pre-existing'),
    ]);
    expect(verdictSummary(promote)).toBe(
      'Promote: every rule passes. Conditions that predate the canary, on stable too: the 5xx rate and the 401 rate.',
    );
    expect(preExistingSentence(promote)).toBe(
      'Conditions that predate the canary, on stable too: the 5xx rate and the 401 rate.',
    );
    expect(preExistingSentence(rollback)).toBeNull();
    expect(verdictSummary(verdictOf('inconclusive', [reason('min-requests', 'requests', 'insufficient-data')]))).toBe(
      'Inconclusive: too few requests to tell the canary from stable.',
    );
    // No rule id is left in a line a reader sees.
    for (const v of [rollback, several, promote]) expect(verdictSummary(v)).not.toMatch(/[a-z]+-[a-z]+(?=[,.])/);
  });

  it('makes a sample one line of readable length', () => {
    expect(oneLine('a\r\n\tb\u0000c\u2028d   e')).toBe('a b c d e');
    const long = oneLine('x'.repeat(SAMPLE_MAX_CHARS + 100));
    expect(long).toHaveLength(SAMPLE_MAX_CHARS);
    expect(long.endsWith('…')).toBe(true);
  });

  it('writes log values as SQL literals that cannot act', () => {
    expect(sqlText("shop'api")).toBe("'shop''api'");
    expect(sqlText('a\nb; DROP TABLE events')).toBe(
      `CAST(X'${Buffer.from('a\nb; DROP TABLE events').toString('hex').toUpperCase()}' AS TEXT)`,
    );
  });

  it('refuses to pseudonymise a case whose key is gone, saying how to mend it', () => {
    const db = openCase(path.join(tempDir(), 'k.coalmine'), { create: true });
    expect(readPseudonymKey(db)).toMatch(/^[0-9a-f]{64}$/);
    db.prepare(`DELETE FROM settings WHERE key = 'review.pseudonymKey'`).run();
    expect(() => readPseudonymKey(db)).toThrow(/this case has no pseudonym key .*pseudonymisation off/);
    db.close();
  });
});
