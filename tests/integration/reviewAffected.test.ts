// "Who was affected", built from real cases: the principals and client IPs that failed
// authentication only on the canary with their canary counts, the distinct counts per track
// (checked against the events by a query of their own), the bounded list and how many it
// leaves out, who was behind a 401 surge, the same pseudonym as in the timeline, hostile user
// names in clear as inert text, and the sentence that says nobody failed only on the canary.
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { type CaseDb } from '../../electron/core/case/caseStore.js';
import { writeAnalysisSettings } from '../../electron/core/case/analysisSettings.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { createPseudonymiser, readPseudonymKey } from '../../electron/core/review/pseudonymise.js';
import { renderHtmlReview } from '../../electron/core/review/reviewHtml.js';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { renderMarkdownReview } from '../../electron/core/review/reviewMarkdown.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import type { ReviewDocument } from '../../shared/review.js';
import { HEALTHY, MINUTE, T0, caseOf, scenario } from '../helpers/scenario.js';
import { HOSTILE_NAMES } from '../helpers/reviewFixture.js';
import { ecs, writeLines } from '../helpers/tempCase.js';

/** A 401 surge on the canary driven by mallory, who never fails on stable. */
const SURGE = scenario({
  surges: [{ status: 401, fromMinute: 30, toMinute: 40, rate: 0.3, path: '/api/login', user: 'mallory' }],
});

/** Canary requests of the scenario's service and version, each failing for a hostile user. */
function hostileFailures(): string {
  return writeLines(
    'hostile-canary.ndjson',
    HOSTILE_NAMES.map((name, i) =>
      ecs({
        '@timestamp': new Date(T0 + (50 + i) * MINUTE + 123).toISOString(),
        'service.name': 'shop-api',
        'service.version': '1.1.0',
        'labels.track': 'canary',
        'http.request.method': 'GET',
        'url.path': '/api/login',
        'http.response.status_code': 401,
        'client.ip': `192.0.2.${10 + i}`,
        'user.name': name,
        message: 'GET /api/login 401',
      }),
    ),
  );
}

/** The case, with room in the lists for every canary-only principal (many fail once). */
async function surgeCase(): Promise<CaseDb> {
  const db = await caseOf(SURGE);
  await importFile(db, hostileFailures());
  writeAnalysisSettings(db, { topSources: 100 });
  return db;
}

/** Distinct values of `column` among a track's authentication failures, by a query of the test's own. */
function distinct(db: CaseDb, track: 'canary' | 'stable', column: 'user' | 'client_ip'): Set<string> {
  const version = track === 'canary' ? `AND version = '1.1.0'` : '';
  return new Set(
    db
      .prepare(
        `SELECT DISTINCT ${column} FROM events WHERE service = 'shop-api' AND track = ? ${version}
         AND auth_failure = 1 AND ${column} IS NOT NULL`,
      )
      .pluck()
      .all(track) as string[],
  );
}

function only(canary: Set<string>, stable: Set<string>): string[] {
  return [...canary].filter((v) => !stable.has(v));
}

function section(markdown: string): string {
  const from = markdown.indexOf('## Who was affected');
  const to = markdown.indexOf('## Actions taken');
  expect(from).toBeGreaterThan(markdown.indexOf('## What occurred'));
  expect(to).toBeGreaterThan(from);
  return markdown.slice(from, to);
}

describe('who was affected', () => {
  it('counts the distinct principals and IPs per track as the events have them, and lists the canary-only ones', async () => {
    const db = await surgeCase();
    const doc = buildReviewDocument(db, { pseudonymise: false });
    const { affected } = doc;
    const users = { canary: distinct(db, 'canary', 'user'), stable: distinct(db, 'stable', 'user') };
    const ips = { canary: distinct(db, 'canary', 'client_ip'), stable: distinct(db, 'stable', 'client_ip') };
    expect(affected.principals).toEqual({
      canary: users.canary.size,
      stable: users.stable.size,
      canaryOnly: only(users.canary, users.stable).length,
    });
    expect(affected.clientIps).toEqual({
      canary: ips.canary.size,
      stable: ips.stable.size,
      canaryOnly: only(ips.canary, ips.stable).length,
    });
    expect(affected.canaryUnnamed).toBe(0);

    // mallory leads: the surge's failures are hers, and she never fails on stable.
    const mallory = affected.canaryOnly[0];
    const malloryFailures = db
      .prepare(`SELECT count(*) FROM events WHERE user = 'mallory' AND auth_failure = 1`)
      .pluck()
      .get() as number;
    expect(mallory).toEqual({ kind: 'user', name: 'mallory', count: malloryFailures });
    // Each hostile name failed once, on the canary only, and is listed as logged.
    for (const name of HOSTILE_NAMES) {
      expect(affected.canaryOnly).toContainEqual({ kind: 'user', name, count: 1 });
    }
    // Every listed name is a canary-only one; the list and what it leaves out add up.
    const canaryOnlyUsers = only(users.canary, users.stable);
    for (const party of affected.canaryOnly.filter((p) => p.kind === 'user'))
      expect(canaryOnlyUsers).toContain(party.name);
    const listedUsers = affected.canaryOnly.filter((p) => p.kind === 'user').length;
    expect(listedUsers + affected.canaryOnlyNotListed.users).toBe(affected.principals.canaryOnly);
    const listedIps = affected.canaryOnly.filter((p) => p.kind === 'ip').length;
    expect(listedIps + affected.canaryOnlyNotListed.ips).toBe(affected.clientIps.canaryOnly);
    // Bounded by the topSources setting, per kind, most failures first.
    const analysis = analyseRollout(db);
    expect(listedUsers).toBeLessThanOrEqual(analysis.settings.topSources);
    expect(listedIps).toBeLessThanOrEqual(analysis.settings.topSources);
    const counts = affected.canaryOnly.filter((p) => p.kind === 'user').map((p) => p.count);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    // The judge's canary-only entries are the same people with the same counts.
    for (const entry of analysis.authFailures.canaryOnly.filter((e) => e.kind === 'user').slice(0, 3)) {
      expect(affected.canaryOnly).toContainEqual({ kind: 'user', name: entry.value, count: entry.canary });
    }

    // Who was behind the surge: mallory first, with the surge's own driver count.
    const [surge] = affected.surges;
    const [judged] = analysis.surges;
    expect(surge?.status).toBe(401);
    expect(surge?.at.epochMs).toBe(Date.parse(judged?.start ?? ''));
    expect(surge?.parties[0]).toEqual({
      kind: 'user',
      name: 'mallory',
      count: judged?.drivers.find((d) => d.kind === 'user' && d.value === 'mallory')?.count,
    });
    expect(surge?.distinct.users).toBeGreaterThanOrEqual(surge?.parties.filter((p) => p.kind === 'user').length ?? 0);
    expect(affected.summary[0]).toBe(
      `${affected.principals.canaryOnly} principals and ${affected.clientIps.canaryOnly} client IPs failed authentication on the canary and never on stable in the window.`,
    );
    db.close();
  });

  it('names each person by the pseudonym the rest of the document uses, so a reader can follow one to a sample', async () => {
    const db = await surgeCase();
    const doc = buildReviewDocument(db, { pseudonymise: true });
    const p = createPseudonymiser(readPseudonymKey(db), []);
    const mallory = p.value('user', 'mallory');
    expect(mallory).toMatch(/^user-[0-9a-f]{12}$/);
    expect(doc.affected.canaryOnly[0]?.name).toBe(mallory);
    expect(doc.affected.surges[0]?.parties[0]?.name).toBe(mallory);
    // The surge's timeline entry names her the same, and its sample event is one of hers.
    const surgeEntry = doc.timeline.find((e) => e.kind === 'surge');
    expect(surgeEntry?.detail).toContain(`user ${mallory}`);
    const samples = doc.timeline.flatMap((e) => (e.evidence.sample ? [e.evidence.sample.text] : []));
    expect(samples.some((text) => text.includes(mallory))).toBe(true);
    for (const party of doc.affected.canaryOnly) {
      expect(party.name).toMatch(/^(user-[0-9a-f]{12}|ip-[0-9a-f]{12}|email-[0-9a-f]{12}@pseudonym\.invalid)$/);
    }
    for (const name of HOSTILE_NAMES) {
      expect(doc.affected.canaryOnly).toContainEqual({ kind: 'user', name: p.value('user', name), count: 1 });
    }
    db.close();
  });

  it('writes hostile names in clear as inert text in Markdown and HTML', async () => {
    const db = await surgeCase();
    const doc = buildReviewDocument(db, { pseudonymise: false });
    const md = section(renderMarkdownReview(doc));
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md).toContain('\\| pipe \\|');
    expect(md).toContain('\\*\\*bold\\*\\*');
    expect(md).toContain('line\u240abreak');
    expect(md).toContain('evil\ufffdgnp.exe');
    expect(md).not.toMatch(/<script|[\u202a-\u202e]|(?<!\\)\*\*bold/);
    // Every row of the canary-only table has its three cells: no name broke the table.
    const rows = md.split('\n').filter((line) => /^\| (Principal|Client IP) \|/.test(line));
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length, row).toBe(5);
    const html = renderHtmlReview(doc);
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/[\u202a-\u202e]/);
    const json = renderJsonReview(doc);
    expect(json).not.toMatch(/[\u202a-\u202e]/);
    expect((JSON.parse(json) as ReviewDocument).affected).toEqual(doc.affected);
    db.close();
  });

  it('shows a line break or bidi override in a name behind a surge as a visible stand-in, here and in the timeline', async () => {
    const name = 'eve\nmallory\u202e';
    const db = await caseOf(
      scenario({ surges: [{ status: 401, fromMinute: 30, toMinute: 40, rate: 0.3, path: '/api/login', user: name }] }),
    );
    const doc = buildReviewDocument(db, { pseudonymise: false });
    expect(doc.affected.surges[0]?.parties[0]).toMatchObject({ kind: 'user', name });
    const detail = doc.timeline.find((e) => e.kind === 'surge')?.detail ?? '';
    expect(detail).toContain('user eve\u240amallory\ufffd (');
    expect(detail).not.toMatch(/[\n\u202e]/);
    const md = renderMarkdownReview(doc);
    expect(section(md)).toContain('eve\u240amallory\ufffd');
    expect(md).not.toMatch(/[\u202e]/);
    db.close();
  });

  it('keeps the list to topSources per kind and says how many more', async () => {
    const db = await surgeCase();
    writeAnalysisSettings(db, { topSources: 2 });
    const { affected } = buildReviewDocument(db, { pseudonymise: true });
    expect(affected.canaryOnly.filter((p) => p.kind === 'user')).toHaveLength(2);
    expect(affected.canaryOnly.filter((p) => p.kind === 'ip')).toHaveLength(2);
    expect(affected.canaryOnlyNotListed.users).toBe(affected.principals.canaryOnly - 2);
    expect(affected.canaryOnlyNotListed.ips).toBe(affected.clientIps.canaryOnly - 2);
    const md = section(renderMarkdownReview(buildReviewDocument(db, { pseudonymise: true })));
    expect(md).toContain(
      `And ${affected.canaryOnlyNotListed.users} more principals and ${affected.canaryOnlyNotListed.ips} more client IPs failed only on the canary`,
    );
    db.close();
  });

  it('says nobody failed on the canary when the canary had no authentication failure', async () => {
    const db = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 60, rate401: 0, rate403: 0 } }));
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expect(doc.affected.principals.canary).toBe(0);
    expect(doc.affected.canaryOnly).toEqual([]);
    expect(doc.affected.surges).toEqual([]);
    expect(doc.affected.summary[0]).toBe(
      'No principal or client IP failed authentication on the canary in the window, so nobody failed only on the canary.',
    );
    const md = section(renderMarkdownReview(doc));
    expect(md).toContain('Nobody failed authentication only on the canary.');
    expect(md).toContain('No 401 or 403 surge on the canary.');
    db.close();
  });

  it('says nobody failed only on the canary when everyone who failed there failed on stable too', async () => {
    const line = (track: 'canary' | 'stable', minute: number, user: string, status: number): string =>
      ecs({
        '@timestamp': new Date(T0 + minute * MINUTE).toISOString(),
        'service.name': 'tiny-api',
        'service.version': track === 'canary' ? '2.0.0' : '1.0.0',
        'labels.track': track,
        'url.path': '/login',
        'http.response.status_code': status,
        'client.ip': '198.51.100.7',
        'user.name': user,
        message: `GET /login ${status}`,
      });
    const db = await caseOf();
    await importFile(
      db,
      writeLines('tiny.ndjson', [
        // The window opens with the canary's first event and closes with its last.
        line('canary', 0, 'bob', 200),
        line('stable', 0, 'bob', 200),
        line('canary', 1, 'alice', 401),
        line('stable', 2, 'alice', 401),
        line('canary', 4, 'bob', 200),
        line('stable', 4, 'bob', 200),
      ]),
    );
    const { affected } = buildReviewDocument(db, { pseudonymise: true });
    expect(affected.principals).toEqual({ canary: 1, stable: 1, canaryOnly: 0 });
    expect(affected.clientIps).toEqual({ canary: 1, stable: 1, canaryOnly: 0 });
    expect(affected.canaryOnly).toEqual([]);
    expect(affected.summary[0]).toBe(
      'Nobody failed authentication only on the canary: every principal (1) and client IP (1) that failed on it also failed on stable in the window.',
    );
    db.close();
  });
});
