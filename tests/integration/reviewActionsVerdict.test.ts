// The verdict of a review in words, on the token rollout of reviewModel.test.ts (a 401 surge
// driven by one user and a new token exception): its line and the summary's sentence name the
// reasons as a reader would, never by the judge's rule ids.
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { caseOf, scenario } from '../helpers/scenario.js';

const TOKEN_ROLLOUT = scenario({
  surges: [{ status: 401, fromMinute: 30, toMinute: 40, rate: 0.3, path: '/api/login', user: 'mallory' }],
  exceptions: [
    {
      track: 'canary',
      rate: 0.01,
      type: 'io.jsonwebtoken.SignatureException',
      message: (n) => `JWT signature does not match locally computed signature (kid k${n})`,
      stack: '\tat io.jsonwebtoken.impl.DefaultJwtParser.parse(DefaultJwtParser.java:354)',
    },
  ],
});

describe('the verdict of a review, in words', () => {
  it('writes the verdict line and the summary’s sentence with the reasons as findings', async () => {
    const db = await caseOf(TOKEN_ROLLOUT);
    const judged = analyseRollout(db);
    // The judge names rule ids (for the CLI); the review does not.
    expect(judged.verdict.summary).toMatch(/^Roll back: .*auth-surge/);
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expect(doc.verdict.summary).toMatch(/^Roll back: (.+ on the canary)( and .+ on the canary)*\.$/);
    expect(doc.verdict.summary).toContain('a 401 surge on the canary');
    expect(doc.verdict.summary).not.toMatch(/auth-surge|new-exception|p95-regression/);
    expect(doc.summary[1]).toMatch(/^The verdict is to roll the canary back, because of .*a 401 surge on the canary/);
    db.close();
  });
});
