// The indexes the judge's queries need (migration 0004), asserted on the plans SQLite makes
// for the very statements an analysis prepares: every read of `events` goes through one of
// them, and none reads the whole table.
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { defineRollout, listRollouts } from '../../electron/core/analysis/rollouts.js';
import type { CaseDb } from '../../electron/core/case/caseStore.js';
import { caseOf, scenario } from '../helpers/scenario.js';

/** Values for every named parameter the judge's statements use (plans do not depend on them). */
const PARAMS: Record<string, unknown> = {
  service: 'shop-api',
  track: 'canary',
  version: '1.1.0',
  from: 0,
  to: 4e12,
  b: 0,
  bucketMs: 60_000,
  status: 401,
  limit: 10,
  fingerprint: '0123456789abcdef',
};

function paramsOf(sql: string): Record<string, unknown> {
  const names = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string);
  return Object.fromEntries(names.map((n) => [n, n in PARAMS ? PARAMS[n] : /^n\d+$/.test(n) ? 'x' : 1]));
}

function plan(db: CaseDb, sql: string): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(paramsOf(sql)) as { detail: string }[]).map((r) => r.detail);
}

/** The SQL of every statement `work` prepares that reads events. */
function preparedBy(db: CaseDb, work: () => void): string[] {
  const prepare = db.prepare.bind(db);
  const seen: string[] = [];
  db.prepare = (sql: string) => {
    if (/FROM events\b/.test(sql)) seen.push(sql);
    return prepare(sql);
  };
  try {
    work();
  } finally {
    db.prepare = prepare;
  }
  return [...new Set(seen)];
}

async function troubledCase(): Promise<CaseDb> {
  return caseOf(
    scenario({
      minutes: 20,
      surges: [{ status: 401, fromMinute: 5, toMinute: 10, rate: 0.5 }],
      exceptions: [
        {
          track: 'canary',
          rate: 0.01,
          type: 'java.lang.IllegalStateException',
          message: (n) => `cart ${n} closed`,
          stack: '\tat com.shop.Cart.add(Cart.java:1)',
        },
      ],
    }),
  );
}

// The judge's indexes, or one row by its id (an exception group's example, read last).
const OUR_INDEXES =
  /USING (COVERING )?INDEX (events_cohort|events_canary_versions|events_auth_failures|events_401_403|events_exceptions|events_fingerprints)\b|USING INTEGER PRIMARY KEY \(rowid=\?\)/;

describe('query plans of the judge', () => {
  it('reads events only through the judge indexes, never the whole table', async () => {
    const db = await troubledCase();
    const statements = preparedBy(db, () => {
      const analysis = analyseRollout(db);
      expect(analysis.surges.length).toBeGreaterThan(0); // so the surge drivers' query ran
      expect(analysis.newExceptions.length).toBeGreaterThan(0); // and the seen-before one
      listRollouts(db);
    });
    expect(statements.length).toBeGreaterThanOrEqual(8);
    for (const sql of statements) {
      const details = plan(db, sql).filter((d) => /\bevents\b/.test(d));
      expect(details.length, sql).toBeGreaterThan(0);
      for (const d of details) expect(d, sql).toMatch(OUR_INDEXES);
    }
    db.close();
  });

  it('uses the intended index for each query that matters', async () => {
    const db = await troubledCase();
    const statements = preparedBy(db, () => analyseRollout(db));
    const planOf = (pattern: RegExp): string => {
      const sql = statements.find((s) => pattern.test(s));
      if (!sql) throw new Error(`no statement matches ${pattern}`);
      return plan(db, sql).join(' | ');
    };
    // Counts per bucket and latencies: the cohort index alone, no table read and no sort.
    expect(planOf(/count\(status\) AS requests/)).toMatch(
      /SEARCH events USING COVERING INDEX events_cohort \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(planOf(/count\(status\) AS requests/)).not.toMatch(/TEMP B-TREE/);
    expect(planOf(/SELECT duration_ms FROM events/)).toMatch(/COVERING INDEX events_cohort/);
    expect(planOf(/SELECT coalesce\(service, ''\) AS service/)).toMatch(/INDEX events_canary_versions/);
    expect(planOf(/AND auth_failure = 1/)).toMatch(
      /INDEX events_auth_failures \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(planOf(/status IN \(401, 403\)/)).toMatch(
      /INDEX events_401_403 \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(planOf(/SELECT id, ts, error_type/)).toMatch(
      /INDEX events_exceptions \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(planOf(/fingerprint = @fingerprint/)).toMatch(
      /INDEX events_fingerprints \(service=\? AND environment=\? AND fingerprint=\? AND ts<\?\)/,
    );
    db.close();
  });

  it('reads a defined rollout (which takes untracked events of its versions) through the same indexes', async () => {
    const db = await troubledCase();
    defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0', stableVersion: '1.0.0' });
    const statements = preparedBy(db, () => analyseRollout(db));
    const counts = statements.find((s) => /count\(status\) AS requests/.test(s));
    expect(counts).toMatch(/track IN \(@track, 'unknown'\)/);
    expect(plan(db, counts ?? '').join(' | ')).toMatch(
      /SEARCH events USING COVERING INDEX events_cohort \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    for (const sql of statements) {
      for (const d of plan(db, sql).filter((x) => /\bevents\b/.test(x))) expect(d, sql).toMatch(OUR_INDEXES);
    }
    db.close();
  });
});
