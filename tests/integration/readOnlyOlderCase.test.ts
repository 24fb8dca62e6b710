// A read-only open of a case written before migration 0008 (an auditor's archive, which must not
// be written): it is read through 0008's read-only shim, as the build that wrote it read it, and
// gives what the same case upgraded gives — rollouts, judgement, sources, every review format
// byte for byte — through the judge's indexes of its own schema, leaving the file untouched.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { listRollouts } from '../../electron/core/analysis/rollouts.js';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { MIGRATIONS, schemaVersion } from '../../electron/core/case/migrations/index.js';
import type { Migration } from '../../electron/core/case/migrations/types.js';
import { listSources } from '../../electron/core/case/sources.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { renderHtmlReview } from '../../electron/core/review/reviewHtml.js';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { renderMarkdownReview } from '../../electron/core/review/reviewMarkdown.js';
import { renderPdfReview } from '../../electron/core/review/reviewPdf.js';
import { schema7CopyOf } from '../helpers/olderCase.js';
import { caseOf, scenario } from '../helpers/scenario.js';
import { tempDir } from '../helpers/tempCase.js';

const sha256 = (file: string): string => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Every review of every rollout, in every format. */
async function reviews(db: CaseDb): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const rollout of listRollouts(db)) {
    for (const pseudonymise of [true, false]) {
      const doc = buildReviewDocument(db, { rolloutId: rollout.id, pseudonymise });
      out.push(renderMarkdownReview(doc), renderHtmlReview(doc), renderJsonReview(doc));
      out.push((await renderPdfReview(doc)).toString('base64'));
    }
  }
  return out;
}

async function troubledCasePath(): Promise<string> {
  const db = await caseOf(
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
  const file = db.name;
  closeCase(db);
  return file;
}

describe('a read-only open of a case of schema 7', () => {
  it('reads it as the upgraded case reads, review bytes included, and writes nothing', async () => {
    const archived = schema7CopyOf(await troubledCasePath());
    const upgradedPath = path.join(tempDir(), 'upgraded.coalmine');
    fs.copyFileSync(archived, upgradedPath);
    const before = sha256(archived);

    const readOnly = openCase(archived, { readOnly: true });
    const upgraded = openCase(upgradedPath);
    expect(schemaVersion(upgraded)).toBe(MIGRATIONS.length);
    expect(schemaVersion(readOnly)).toBe(7);

    const rollouts = listRollouts(readOnly);
    expect(rollouts.map((r) => [r.id, r.environment])).toEqual([['shop-api@1.1.0', null]]);
    expect(rollouts).toEqual(listRollouts(upgraded));
    const analysis = analyseRollout(readOnly);
    expect(analysis.newExceptions.length).toBeGreaterThan(0);
    expect(analysis.surges.length).toBeGreaterThan(0);
    expect(analysis).toEqual(analyseRollout(upgraded));
    expect(listSources(readOnly)).toEqual(listSources(upgraded));
    expect(await reviews(readOnly)).toEqual(await reviews(upgraded));

    closeCase(readOnly);
    closeCase(upgraded);
    expect(sha256(archived)).toBe(before);
    expect(fs.existsSync(`${archived}-wal`)).toBe(false);
    // And the shim lives only in its connection: the file still reads as schema 7 elsewhere.
    const raw = new Database(archived, { readonly: true });
    expect(
      raw.prepare(`SELECT count(*) FROM pragma_table_info('events') WHERE name = 'environment'`).pluck().get(),
    ).toBe(0);
    raw.close();
  });

  it("reads events through schema 7's judge indexes, never the whole table", async () => {
    const readOnly = openCase(schema7CopyOf(await troubledCasePath()), { readOnly: true });
    const prepare = readOnly.prepare.bind(readOnly);
    const seen = new Set<string>();
    readOnly.prepare = (sql: string) => {
      if (/FROM events\b/.test(sql)) seen.add(sql);
      return prepare(sql);
    };
    analyseRollout(readOnly);
    listRollouts(readOnly);
    readOnly.prepare = prepare;
    expect(seen.size).toBeGreaterThanOrEqual(8);
    const indexes =
      /USING (COVERING )?INDEX (events_cohort|events_canary_versions|events_auth_failures|events_401_403|events_exceptions|events_fingerprints)\b|USING INTEGER PRIMARY KEY \(rowid=\?\)/;
    for (const sql of seen) {
      const names = [...sql.matchAll(/@(\w+)/g)].map((m) => m[1] as string);
      const params = Object.fromEntries(names.map((n) => [n, n === 'environment' ? null : 1]));
      const details = (readOnly.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[])
        .map((r) => r.detail)
        .filter((d) => /\bevents\b/.test(d));
      expect(details.length, sql).toBeGreaterThan(0);
      for (const d of details) expect(d, sql).toMatch(indexes);
    }
    expect(
      (
        readOnly
          .prepare(
            `EXPLAIN QUERY PLAN SELECT count(status) AS requests FROM events WHERE service = 'x' AND environment IS NULL AND track = 'canary' AND ts > 0 AND ts < 9`,
          )
          .all() as { detail: string }[]
      )
        .map((r) => r.detail)
        .join(' | '),
    ).toMatch(/COVERING INDEX events_cohort \(service=\? AND track=\? AND ts>\? AND ts<\?\)/);
    closeCase(readOnly);
  });

  it('is refused, as before, where a migration it lacks has no read-only shim', async () => {
    const archived = schema7CopyOf(await troubledCasePath());
    const last = MIGRATIONS[MIGRATIONS.length - 1] as Migration;
    const shim = Object.getOwnPropertyDescriptor(last, 'readOnlyShim') as PropertyDescriptor;
    delete (last as Partial<Migration>).readOnlyShim;
    try {
      expect(() => openCase(archived, { readOnly: true })).toThrow(
        /archived\.coalmine uses an older case schema \(7\); a read-only open cannot upgrade it/,
      );
    } finally {
      Object.defineProperty(last, 'readOnlyShim', shim);
    }
  });
});
