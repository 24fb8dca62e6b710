// The judge's commands as a user runs them: settings, business measures, defined rollouts,
// and the human output of analyse.
import { describe, expect, it } from 'vitest';
import { closeCase } from '../../electron/core/case/caseStore.js';
import { coalmine } from '../helpers/cli.js';
import { caseOf, scenario } from '../helpers/scenario.js';

async function caseFile(): Promise<string> {
  const db = await caseOf(
    scenario({ minutes: 30, surges: [{ status: 401, fromMinute: 10, toMinute: 15, rate: 0.5 }] }),
  );
  const file = db.name;
  closeCase(db);
  return file;
}

describe('coalmine settings', () => {
  it('shows the defaults, saves changes with the case, and refuses bad ones with a reason', async () => {
    const file = await caseFile();
    const shown = coalmine(['settings', file]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(
      /errorRateRollback\s+0\.001\s+0\.001\s+canary 5xx rate above this fraction → roll back/,
    );

    const set = coalmine(['settings', file, '--set', 'errorRateRollback=0.002', 'bucketMinutes=5', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ errorRateRollback: 0.002, bucketMinutes: 5 });
    expect(JSON.parse(coalmine(['analyse', file, '--json']).stdout)).toMatchObject({
      settings: { errorRateRollback: 0.002, bucketMinutes: 5 },
    });

    const unknown = coalmine(['settings', file, '--set', 'nope=1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no setting "nope"; settings: errorRateRollback/);
    const bad = coalmine(['settings', file, '--set', 'bucketMinutes=0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/bucketMinutes/);

    const reset = coalmine(['settings', file, '--reset', 'bucketMinutes', '--json']);
    expect(JSON.parse(reset.stdout)).toMatchObject({ errorRateRollback: 0.002, bucketMinutes: 1 });
  });
});

describe('coalmine measures', () => {
  it('defines a ratio of two filters that analyse compares, and explains a bad filter', async () => {
    const file = await caseFile();
    const defined = coalmine([
      'measures',
      file,
      '--define',
      'checkout-ok',
      '--label',
      'Checkout success',
      '--numerator',
      'url.path = /api/checkout and status < 300',
      '--denominator',
      'url.path = /api/checkout',
    ]);
    expect(defined.code).toBe(0);
    expect(defined.stdout).toContain(
      'checkout-ok (Checkout success, higher is better): url.path = /api/checkout and status < 300  /  url.path = /api/checkout',
    );
    const analysis = JSON.parse(coalmine(['analyse', file, '--json']).stdout) as {
      comparison: { metric: string; canaryDenominator: number }[];
    };
    expect(analysis.comparison.find((r) => r.metric === 'business:checkout-ok')?.canaryDenominator).toBeGreaterThan(
      100,
    );

    const bad = coalmine([
      'measures',
      file,
      '--define',
      'x',
      '--numerator',
      'password = 1',
      '--denominator',
      'status = 1',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/filter: unknown field "password"/);
    expect(coalmine(['measures', file, '--remove', 'checkout-ok', '--json']).stdout.trim()).toBe('[]');
  });
});

describe('coalmine rollouts --define', () => {
  it('saves a window (UK or ISO times), lists it as defined, and removes it again', async () => {
    const file = await caseFile();
    const defined = coalmine([
      'rollouts',
      file,
      '--define',
      '--service',
      'shop-api',
      '--canary',
      '1.1.0',
      '--stable',
      '1.0.0',
      '--from',
      '02/03/2026 10:00:00',
      '--to',
      '2026-03-02T10:09:59Z',
      '--json',
    ]);
    expect(defined.code).toBe(0);
    expect(defined.stderr).toContain('rollout shop-api@1.1.0 defined: 02/03/2026 10:00:00 to 02/03/2026 10:09:59');
    expect(JSON.parse(defined.stdout)).toMatchObject([
      { id: 'shop-api@1.1.0', origin: 'defined', stableVersion: '1.0.0', fromUk: '02/03/2026 10:00:00' },
    ]);
    const analysis = JSON.parse(coalmine(['analyse', file, '--json']).stdout) as {
      rollout: { origin: string; toUk: string };
      surges: unknown[];
    };
    expect(analysis.rollout).toMatchObject({ origin: 'defined', toUk: '02/03/2026 10:09:59' });
    expect(analysis.surges).toEqual([]); // the surge at 10:10 is outside the window now

    const badTime = coalmine([
      'rollouts',
      file,
      '--define',
      '--service',
      's',
      '--canary',
      '1',
      '--from',
      'yesterday',
      '--to',
      'now',
    ]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toMatch(/--from "yesterday" is neither DD\/MM\/YYYY HH:mm:ss nor ISO 8601 with an offset/);

    const removed = coalmine(['rollouts', file, '--remove', 'shop-api@1.1.0', '--json']);
    expect(JSON.parse(removed.stdout)).toMatchObject([{ id: 'shop-api@1.1.0', origin: 'found' }]);
  });
});

describe('coalmine analyse', () => {
  it('prints the verdict, its reasons, the table, surges, exceptions and auth failures as text', async () => {
    const file = await caseFile();
    const run = coalmine(['analyse', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Verdict: ROLL BACK\. Roll back: auth-surge\./m);
    expect(run.stdout).toMatch(
      /✗ auth-surge \[rollback\] A 401 surge on the canary from 02\/03\/2026 10:10:00 GMT to 02\/03\/2026 10:15:00 GMT/,
    );
    expect(run.stdout).toMatch(/^401 rate\s+.*\s+p < 0\.0001\s+rollback$/m);
    expect(run.stdout).toMatch(/^401\s+02\/03\/2026 10:10:00\s+02\/03\/2026 10:15:00/m);
    expect(run.stdout).toContain('Authentication failures: canary');
  });
});
