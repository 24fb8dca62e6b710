// The deployment environment as a rollout dimension: staging and production logs of one service
// and the same versions (a `logs-*` pull holds both) are two rollouts, each judged on its own
// environment's events only, exactly as if the case held that environment alone.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { defineRollout, listRollouts, rolloutIdOf, rolloutIdParts } from '../../electron/core/analysis/rollouts.js';
import { CASE_APPLICATION_ID, type CaseDb, openCase } from '../../electron/core/case/caseStore.js';
import { migrate } from '../../electron/core/case/migrations/index.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { renderHtmlReview } from '../../electron/core/review/reviewHtml.js';
import { renderMarkdownReview } from '../../electron/core/review/reviewMarkdown.js';
import { renderPdfReview } from '../../electron/core/review/reviewPdf.js';
import { MINUTE, T0, scenario, scenarioLines } from '../helpers/scenario.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

/** A scenario's lines, each record naming `environment` as ECS does (`service.environment`). */
function linesIn(environment: string | null, lines: string[]): string[] {
  if (environment === null) return lines;
  return lines.map((line) => JSON.stringify({ ...(JSON.parse(line) as object), 'service.environment': environment }));
}

// Staging runs the canary first and badly (5xx and slow); production's canary is healthy. Seeds
// differ, so no figure of one environment can pass for the other's.
const STAGING = scenario({
  seed: 11,
  minutes: 40,
  canary: { rpm: 40, rate5xx: 0.08, rate401: 0.004, rate403: 0.001, medianMs: 240 },
});
const PRODUCTION = scenario({ seed: 23, minutes: 50, start: T0 + 30 * MINUTE });

function newCase(): CaseDb {
  return openCase(path.join(tempDir(), 'env.coalmine'), { create: true });
}

async function importLines(db: CaseDb, name: string, lines: string[], environment?: string): Promise<void> {
  const result = await importFile(db, writeLines(name, lines), environment === undefined ? {} : { environment });
  expect(result.state).toBe('complete');
}

/** What a reader compares: every figure of the judgement, without the rollout's own name. */
function figures(db: CaseDb, id: string): unknown {
  const { rollout, totals, comparison, verdict, surges, exceptions, authFailures } = analyseRollout(db, id);
  return {
    window: [rollout.fromMs, rollout.toMs],
    versions: [rollout.stableVersion, rollout.canaryVersion],
    events: [rollout.stableEvents, rollout.canaryEvents],
    totals,
    comparison,
    verdict,
    surges,
    exceptions,
    authFailures,
  };
}

describe('the deployment environment as a rollout dimension', () => {
  it('finds one rollout per environment, each judged on its environment only, as in a case holding it alone', async () => {
    const mixed = newCase();
    await importLines(mixed, 'staging.ndjson', linesIn('staging', scenarioLines(STAGING)));
    await importLines(mixed, 'production.ndjson', linesIn('production', scenarioLines(PRODUCTION)));
    const rollouts = listRollouts(mixed);
    expect(rollouts.map((r) => [r.id, r.environment, r.service, r.stableVersion, r.canaryVersion])).toEqual([
      ['shop-api@1.1.0@staging', 'staging', 'shop-api', '1.0.0', '1.1.0'],
      ['shop-api@1.1.0@production', 'production', 'shop-api', '1.0.0', '1.1.0'],
    ]);

    for (const [environment, s] of [
      ['staging', STAGING],
      ['production', PRODUCTION],
    ] as const) {
      const alone = newCase();
      await importLines(alone, `${environment}.ndjson`, linesIn(environment, scenarioLines(s)));
      const id = `shop-api@1.1.0@${environment}`;
      expect(listRollouts(alone).map((r) => r.id)).toEqual([id]);
      expect(figures(mixed, id)).toEqual(figures(alone, id));
      // And the counts are the scenario's own: nothing of the other environment joined.
      const own = scenarioLines(s).map((l) => JSON.parse(l) as Record<string, unknown>);
      const mixedRollout = rollouts.find((r) => r.id === id);
      expect(mixedRollout?.canaryEvents).toBe(own.filter((d) => d['labels.track'] === 'canary').length);
      alone.close();
    }
    // Staging's bad canary is staging's verdict, not production's.
    expect(analyseRollout(mixed, 'shop-api@1.1.0@staging').verdict.decision).toBe('rollback');
    expect(analyseRollout(mixed, 'shop-api@1.1.0@production').verdict.decision).not.toBe('rollback');
    mixed.close();
  });

  it('keeps the ids and figures of a case whose events name no environment', async () => {
    const db = newCase();
    await importLines(db, 'plain.ndjson', scenarioLines(PRODUCTION));
    const [rollout] = listRollouts(db);
    expect(rollout?.id).toBe('shop-api@1.1.0');
    expect(rollout?.environment).toBeNull();
    // The review says nothing of environments, and its queries read as before them.
    const doc = buildReviewDocument(db, { pseudonymise: false });
    expect(doc.environment).toBeUndefined();
    expect(Object.keys(doc)).not.toContain('environment');
    expect(doc.evidence.queries.map((q) => q.sql).join('\n')).not.toMatch(/environment/);
    db.close();
  });

  it('names the environment in the review, and its queries reproduce the figures of that environment', async () => {
    const db = newCase();
    await importLines(db, 'staging.ndjson', linesIn('staging', scenarioLines(STAGING)));
    await importLines(db, 'production.ndjson', linesIn('production', scenarioLines(PRODUCTION)));
    const id = 'shop-api@1.1.0@production';
    const doc = buildReviewDocument(db, { rolloutId: id, pseudonymise: false });
    expect(doc.environment).toBe('production');
    expect(doc.title).toBe('Post-deployment review: shop-api in production 1.0.0 → 1.1.0');
    expect(doc.summary[0]).toMatch(/the canary of shop-api in production, version 1\.1\.0/);
    const markdown = renderMarkdownReview(doc);
    expect(markdown).toMatch(/^environment: "?production"?$/m);
    expect(markdown).toMatch(/Environment\*?\*?:?\*?\*? production/);

    const analysis = analyseRollout(db, id);
    for (const track of ['stable', 'canary'] as const) {
      const title = `${track === 'stable' ? 'Stable' : 'Canary'} requests`;
      const query = doc.evidence.queries.find((q) => q.figure.startsWith(title));
      expect(query?.sql).toContain(`environment IS 'production'`);
      const row = db.prepare(query?.sql ?? '').get() as { requests: number };
      expect(row.requests).toBe(analysis.totals.find((t) => t.track === track)?.requests);
    }
    db.close();
  });

  it('renders an environment the logs wrote as text, in every format', async () => {
    const hostile = '<img src=x onerror=alert(1)>\n# prod';
    const db = newCase();
    await importLines(db, 'hostile.ndjson', linesIn(hostile, scenarioLines(scenario({ minutes: 5 }))));
    const [rollout] = listRollouts(db);
    expect(rollout?.environment).toBe(hostile);
    expect(rolloutIdParts(rollout?.id ?? '')?.environment).toBe(hostile);
    const doc = buildReviewDocument(db, { pseudonymise: false });
    const html = renderHtmlReview(doc);
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(renderMarkdownReview(doc)).not.toMatch(/^# prod/m);
    expect((await renderPdfReview(doc)).subarray(0, 5).toString()).toBe('%PDF-');
    db.close();
  });

  it('judges a rollout with no environment on the events naming none, beside environments of the same service', async () => {
    const db = newCase();
    await importLines(db, 'staging.ndjson', linesIn('staging', scenarioLines(STAGING)));
    await importLines(db, 'plain.ndjson', scenarioLines(PRODUCTION));
    const alone = newCase();
    await importLines(alone, 'plain.ndjson', scenarioLines(PRODUCTION));
    expect(listRollouts(db).map((r) => r.id)).toEqual(['shop-api@1.1.0@staging', 'shop-api@1.1.0']);
    expect(figures(db, 'shop-api@1.1.0')).toEqual(figures(alone, 'shop-api@1.1.0'));
    // Its review queries now say `environment IS NULL`: without it they would count staging too.
    const doc = buildReviewDocument(db, { rolloutId: 'shop-api@1.1.0', pseudonymise: false });
    const canary = doc.evidence.queries.find((q) => q.figure.startsWith('Canary requests'));
    expect(canary?.sql).toContain('environment IS NULL');
    const row = db.prepare(canary?.sql ?? '').get() as { requests: number };
    expect(row.requests).toBe(analyseRollout(db, 'shop-api@1.1.0').totals.find((t) => t.track === 'canary')?.requests);
    db.close();
    alone.close();
  });

  it('fills --environment for the records that name none, and keeps a record’s own', async () => {
    const db = newCase();
    const own = linesIn('production', scenarioLines(PRODUCTION)).slice(0, 5);
    const bare = scenarioLines(STAGING).slice(0, 5);
    await importLines(db, 'mixed.ndjson', [...own, ...bare], '  staging  ');
    const environments = db
      .prepare(`SELECT environment, count(*) AS n FROM events GROUP BY environment ORDER BY environment`)
      .all();
    expect(environments).toEqual([
      { environment: 'production', n: 5 },
      { environment: 'staging', n: 5 },
    ]);
    const details = db.prepare(`SELECT details FROM sources`).pluck().get() as string;
    expect(JSON.parse(details)).toMatchObject({ environment: 'staging' });
    db.close();
  });

  it('defines a rollout in an environment, and says where the version runs when none is named', async () => {
    const db = newCase();
    await importLines(db, 'staging.ndjson', linesIn('staging', scenarioLines(STAGING)));
    await importLines(db, 'production.ndjson', linesIn('production', scenarioLines(PRODUCTION)));
    expect(() => defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0' })).toThrow(
      /naming no environment.*it runs in production, staging; name that with --environment/,
    );
    const found = listRollouts(db).find((r) => r.environment === 'production');
    const defined = defineRollout(db, {
      service: 'shop-api',
      environment: 'production',
      canaryVersion: '1.1.0',
      stableVersion: '1.0.0',
      from: (found?.fromMs ?? 0) + 10 * MINUTE,
    });
    expect(defined).toMatchObject({ id: 'shop-api@1.1.0@production', environment: 'production', origin: 'defined' });
    expect(defined.toMs).toBe(found?.toMs);
    // It replaced the found one of production; staging's is untouched.
    expect(listRollouts(db).map((r) => [r.id, r.origin])).toEqual([
      ['shop-api@1.1.0@staging', 'found'],
      ['shop-api@1.1.0@production', 'defined'],
    ]);
    db.close();
  });

  it('opens a case of schema 7, migrates it, and finds the same rollouts with the same ids', () => {
    const casePath = path.join(tempDir(), 'old.coalmine');
    const raw = new Database(casePath);
    raw.pragma(`application_id = ${CASE_APPLICATION_ID}`);
    migrate(raw, casePath, 7);
    raw
      .prepare(
        `INSERT INTO sources (id, path, name, size, sha256, format, zone, imported_at, state)
         VALUES (1, '/logs/a.ndjson', 'a.ndjson', 1, ?, 'ecs-ndjson', 'Europe/London', 0, 'complete')`,
      )
      .run('ab'.repeat(32));
    const insert = raw.prepare(
      `INSERT INTO events (source_id, source_line, ts, ts_text, track, service, version, status, raw)
       VALUES (1, ?, ?, '', ?, ?, ?, 200, '{}')`,
    );
    let line = 0;
    for (let i = 0; i < 5; i += 1) {
      for (const [track, service, version] of [
        ['stable', 'shop-api', '1.0.0'],
        ['canary', 'shop-api', '1.1.0'],
        ['stable', 'pay@svc', '1'],
        ['canary', 'pay@svc', '2/beta'],
      ] as const) {
        insert.run((line += 1), T0 + line * 1000, track, service, version);
      }
    }
    raw
      .prepare(
        `INSERT INTO rollout_definitions (id, service, stable_version, canary_version, from_ts, to_ts, defined_at)
         VALUES (?, 'shop-api', '1.0.0', '1.1.0', ?, ?, 0)`,
      )
      .run(rolloutIdOf('shop-api', '1.1.0'), T0, T0 + 60_000);
    raw.close();

    const db = openCase(casePath);
    const rollouts = listRollouts(db);
    expect(rollouts.map((r) => [r.id, r.origin, r.environment, r.canaryEvents, r.stableEvents])).toEqual([
      ['shop-api@1.1.0', 'defined', null, 5, 5],
      // Its first stable event comes a second before its canary's window opens.
      ['pay%40svc@2%2Fbeta', 'found', null, 5, 4],
    ]);
    db.close();
  });
});

describe('rollout ids', () => {
  it('are unchanged without an environment, and never collide with one that has it', () => {
    expect(rolloutIdOf('shop-api', '1.1.0')).toBe('shop-api@1.1.0');
    expect(rolloutIdOf('shop-api', '1.1.0', null)).toBe('shop-api@1.1.0');
    expect(rolloutIdOf('shop-api', '1.1.0', 'production')).toBe('shop-api@1.1.0@production');
    // An `@` inside a part is encoded, so no two-part id equals a three-part one.
    expect(rolloutIdOf('a', 'b@c')).toBe('a@b%40c');
    expect(rolloutIdOf('a', 'b', 'c')).toBe('a@b@c');
    const parts = ['', 'a', 'b@c', '@', '%40', 'prod uction', 'über', '生产', '%', 'a%2', 'x/y', '😀', 'staging\n'];
    const ids = new Map<string, unknown>();
    for (const service of parts) {
      for (const version of parts) {
        for (const environment of [null, ...parts]) {
          const id = rolloutIdOf(service, version, environment);
          const key = JSON.stringify([service, version, environment]);
          expect(ids.get(id) ?? key, id).toBe(key);
          ids.set(id, key);
          expect(rolloutIdParts(id)).toEqual({ service, canaryVersion: version, environment });
        }
      }
    }
  });

  it('reads back no id that rolloutIdOf would not write', () => {
    for (const id of ['a', 'a@b@c@d', 'a@b c', 'a@%41', 'a@%4', 'a@%C3', 'a@b@%zz']) {
      expect(rolloutIdParts(id), id).toBeNull();
    }
  });
});
