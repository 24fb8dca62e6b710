// The review's own reads of `events` (samples, rollout actions, the window's user names) and the
// indexes they go through: a sample is one row found through the judge's indexes (migration
// 0004) with LIMIT 1, never a read of the whole window.
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import type { CaseDb } from '../../electron/core/case/caseStore.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { caseOf, scenario } from '../helpers/scenario.js';

const PARAMS: Record<string, unknown> = {
  service: 'shop-api',
  track: 'canary',
  version: '1.1.0',
  from: 0,
  to: 4e12,
  status: 401,
  fingerprint: '0123456789abcdef',
  query: 'rollback',
  limit: 10,
};

function plan(db: CaseDb, sql: string): string {
  const names = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string);
  const params = Object.fromEntries(names.map((n) => [n, n in PARAMS ? PARAMS[n] : 1]));
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' | ');
}

/** The statements reading events that building the review prepares, beyond the analysis's own. */
function reviewStatements(db: CaseDb): string[] {
  const prepare = db.prepare.bind(db);
  const collect = (work: () => void): Set<string> => {
    const seen = new Set<string>();
    db.prepare = (sql: string) => {
      if (/FROM events\b|JOIN events\b/.test(sql)) seen.add(sql);
      return prepare(sql);
    };
    try {
      work();
    } finally {
      db.prepare = prepare;
    }
    return seen;
  };
  const judge = collect(() => analyseRollout(db));
  return [...collect(() => buildReviewDocument(db, { pseudonymise: true }))].filter((s) => !judge.has(s));
}

describe('query plans of the review', () => {
  it('finds each sample through the intended index, one row at a time', async () => {
    const db = await caseOf(
      scenario({
        minutes: 30,
        surges: [{ status: 401, fromMinute: 5, toMinute: 10, rate: 0.5 }],
        exceptions: [
          {
            track: 'canary',
            rate: 0.02,
            type: 'java.lang.IllegalStateException',
            message: (n) => `cart ${n} closed`,
            stack: '\tat com.shop.Cart.add(Cart.java:1)',
          },
          // Authentication failures without a 401: a burst outside the surge.
          {
            track: 'canary',
            rate: 0.1,
            type: 'TokenExpiredError',
            message: () => 'jwt expired',
            stack: '    at verify (jwt.js:1)',
          },
        ],
      }),
    );
    const statements = reviewStatements(db);
    const planOf = (pattern: RegExp): string => {
      const sql = statements.find((s) => pattern.test(s));
      if (!sql) throw new Error(`no statement matches ${pattern}`);
      expect(sql).toMatch(/LIMIT (1|@limit)\b/);
      return plan(db, sql);
    };
    expect(planOf(/status = @status/)).toMatch(
      /INDEX events_401_403 \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(planOf(/fingerprint = @fingerprint/)).toMatch(
      /INDEX events_fingerprints \(service=\? AND environment=\? AND fingerprint=\?/,
    );
    expect(planOf(/AND auth_failure = 1/)).toMatch(
      /INDEX events_auth_failures \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    // A threshold crossing's sample: a range of one bucket in either index over the canary.
    expect(planOf(/status >= 500 ORDER BY/)).toMatch(
      /SEARCH events USING (COVERING )?INDEX (events_cohort|events_canary_versions) \(service=\? AND environment=\? AND (track|version)=\? AND ts>\? AND ts<\?\)/,
    );
    // Rollout actions: candidates from the full-text index, then each event by its id.
    expect(planOf(/events_fts MATCH/)).toMatch(
      /SCAN events_fts VIRTUAL TABLE INDEX .*SEARCH e USING INTEGER PRIMARY KEY/,
    );
    // ... and only those of the rollout's service or naming it, up to a bounded time.
    expect(statements.find((s) => /events_fts MATCH/.test(s))).toMatch(/e\.ts BETWEEN @from AND @to[\s\S]*@service/);
    // The window's user names (for pseudonyms) read the table in order only when the window is
    // most of it (tests/unit/reviewPrivacy.test.ts checks their plans); nothing else scans it.
    for (const sql of statements.filter((s) => !/SELECT DISTINCT user FROM events/.test(s))) {
      expect(plan(db, sql), sql).not.toMatch(/SCAN events\b(?! USING)|SCAN e\b(?! USING)/);
    }
    db.close();
  });

  it('counts who was affected through the indexes of authentication failures and of 401/403', async () => {
    const db = await caseOf(
      scenario({ minutes: 30, surges: [{ status: 401, fromMinute: 5, toMinute: 10, rate: 0.5 }] }),
    );
    const statements = reviewStatements(db);
    const plansOf = (pattern: RegExp): string[] => {
      const found = statements.filter((s) => pattern.test(s));
      expect(found.length, String(pattern)).toBeGreaterThan(0);
      return found.map((sql) => plan(db, sql));
    };
    // Per track, per kind: the failures' principals or IPs, counted.
    const grouped = plansOf(/auth_failure = 1 AND (user|client_ip) IS NOT NULL GROUP BY/);
    expect(grouped).toHaveLength(4); // principals and IPs, canary (with its version) and stable
    for (const p of grouped)
      expect(p).toMatch(
        /INDEX events_auth_failures \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
      );
    for (const p of plansOf(/auth_failure = 1 AND user IS NULL AND client_ip IS NULL/)) {
      expect(p).toMatch(
        /INDEX events_auth_failures \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
      );
    }
    for (const p of plansOf(/count\(DISTINCT user\)/)) {
      expect(p).toMatch(/INDEX events_401_403 \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/);
    }
    db.close();
  });
});
