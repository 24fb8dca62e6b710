// Personal data a review could carry out through what surrounds the log text: a file named for
// a person, an Elasticsearch index named for one, the user of an event sampled from outside
// the rollout's service, and the reads that find the names to look for.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { writeAnalysisSettings } from '../../electron/core/case/analysisSettings.js';
import { openCase, type CaseDb } from '../../electron/core/case/caseStore.js';
import { pullIntoCase, type PullOptions } from '../../electron/core/elastic/pull.js';
import { buildPullRequest } from '../../electron/core/elastic/pullRequest.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { createPseudonymiser, readPseudonymKey, windowUserNames } from '../../electron/core/review/pseudonymise.js';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { renderMarkdownReview } from '../../electron/core/review/reviewMarkdown.js';
import { renderReview } from '../../electron/core/review/renderReview.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import { CLUSTER, FakeCluster, ecsDocs, mockConnection } from '../helpers/fakeElastic.js';
import { MINUTE, T0, scenario, scenarioLines } from '../helpers/scenario.js';
import { ecs, tempDir, writeLines } from '../helpers/tempCase.js';

const PERSON_FILE = 'logs-from-mary.major@corp.example.ndjson';

/** The rollout's logs in a file named for a person, and a controller's naming its operator. */
async function personalCase(): Promise<CaseDb> {
  const db = openCase(path.join(tempDir(), 'privacy.coalmine'), { create: true });
  const rollout = scenario({ surges: [{ status: 401, fromMinute: 30, toMinute: 40, rate: 0.3, path: '/api/login' }] });
  await importFile(db, writeLines(PERSON_FILE, scenarioLines(rollout)));
  await importFile(
    db,
    writeLines('argo-rollouts.ndjson', [
      ecs({
        '@timestamp': new Date(T0 + 45 * MINUTE).toISOString(),
        'service.name': 'argo-rollouts',
        'user.name': 'quentin.blake',
        // Nothing but the event's user column says that this word is a name.
        message: 'Rollout shop-api aborted by quentin.blake',
      }),
    ]),
  );
  // An import that stopped halfway, under a name that is an address: listed as left out.
  const partial = writeLines('bob.smith@corp.example', scenarioLines(scenario({ minutes: 2 })));
  await importFile(db, partial);
  db.prepare(`UPDATE sources SET state = 'incomplete' WHERE path = ?`).run(partial);
  return db;
}

/** Canary-only authentication failures by people named in every way a log can name them. */
const FAILING = [
  { user: 'quentin.blake', ip: '198.51.100.23' },
  { user: 'mary.major@corp.example', ip: '2001:db8::7' },
  { user: 'ZOE\\zoe.admin', ip: '198.51.100.24' },
  { user: 'Jürgen Müller', ip: '198.51.100.25' },
];

describe('review privacy of who was affected', () => {
  it('names no principal or client IP in clear in any format unless asked', async () => {
    const db = openCase(path.join(tempDir(), 'affected.coalmine'), { create: true });
    await importFile(db, writeLines('rollout.ndjson', scenarioLines(scenario())));
    await importFile(
      db,
      writeLines(
        'failures.ndjson',
        FAILING.map(({ user, ip }, i) =>
          ecs({
            '@timestamp': new Date(T0 + (10 + i) * MINUTE).toISOString(),
            'service.name': 'shop-api',
            'service.version': '1.1.0',
            'labels.track': 'canary',
            'url.path': '/api/login',
            'http.response.status_code': 401,
            'client.ip': ip,
            'user.name': user,
            message: 'GET /api/login 401',
          }),
        ),
      ),
    );
    // Room in the list for everyone who failed once (the scenario's own users too).
    writeAnalysisSettings(db, { topSources: 100 });
    const doc = buildReviewDocument(db, { pseudonymise: true });
    const p = createPseudonymiser(readPseudonymKey(db), []);
    for (const { user, ip } of FAILING) {
      expect(doc.affected.canaryOnly).toContainEqual({ kind: 'user', name: p.value('user', user), count: 1 });
      expect(doc.affected.canaryOnly).toContainEqual({ kind: 'ip', name: p.value('ip', ip), count: 1 });
    }
    const clearNames = /quentin|blake|mary\.major|corp\.example|zoe|Jürgen|Müller|198\.51\.100|2001:db8/i;
    for (const format of ['md', 'html', 'json'] as const) {
      const text = (await renderReview(doc, format)).bytes.toString('utf8');
      expect(text, format).not.toMatch(clearNames);
    }
    const clear = renderJsonReview(buildReviewDocument(db, { pseudonymise: false }));
    for (const { user, ip } of FAILING) {
      expect(clear).toContain(JSON.stringify(user));
      expect(clear).toContain(JSON.stringify(ip));
    }
    db.close();
  });
});

describe('review privacy behind repeated percent-encoding', () => {
  it('replaces an address encoded twice in a logged action, in the action and its sample', async () => {
    const db = openCase(path.join(tempDir(), 'encoded.coalmine'), { create: true });
    await importFile(db, writeLines('rollout.ndjson', scenarioLines(scenario())));
    await importFile(
      db,
      writeLines('argo-rollouts.ndjson', [
        ecs({
          '@timestamp': new Date(T0 + 45 * MINUTE).toISOString(),
          'service.name': 'argo-rollouts',
          message: 'Rollout shop-api aborted via /api/abort?by=ops.lead%2540corp.example&next=%252Fhome',
        }),
      ]),
    );
    const doc = buildReviewDocument(db, { pseudonymise: true });
    const p = createPseudonymiser(readPseudonymKey(db), []);
    const abort = doc.actions.find((a) => a.origin === 'logs');
    expect(abort?.text).toContain(`by=${p.value('email', 'ops.lead@corp.example')}&next=%252Fhome`);
    expect(abort?.evidence?.sample?.text).toContain(p.value('email', 'ops.lead@corp.example'));
    for (const text of [renderJsonReview(doc), renderMarkdownReview(doc)]) expect(text).not.toMatch(/ops\.lead/);
    expect(renderJsonReview(buildReviewDocument(db, { pseudonymise: false }))).toContain('ops.lead%2540corp.example');
    db.close();
  });
});

describe('review privacy beyond the log text', () => {
  it('pseudonymises source names everywhere they enter the document, and every user of a sampled event', async () => {
    const db = await personalCase();
    const doc = buildReviewDocument(db, { pseudonymise: true });
    const json = renderJsonReview(doc);
    const markdown = renderMarkdownReview(doc);
    for (const text of [json, markdown]) {
      expect(text).not.toMatch(/mary\.major|bob\.smith|quentin|blake/i);
    }
    const p = createPseudonymiser(readPseudonymKey(db), []);
    const fileName = `${p.value('email', 'logs-from-mary.major@corp.example')}.ndjson`;
    expect(doc.evidence.sources.map((s) => s.name)).toContain(fileName);
    // The hash and size still lead to the file.
    const source = doc.evidence.sources.find((s) => s.name === fileName);
    expect(source?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.evidence.excludedSources.map((s) => s.name)).toEqual([p.value('email', 'bob.smith@corp.example')]);
    const samples = doc.timeline.flatMap((e) => (e.evidence.sample === null ? [] : [e.evidence.sample]));
    expect(samples.length).toBeGreaterThan(0);
    expect(samples.some((s) => s.sourceName === fileName)).toBe(true);
    // The controller's operator is no user of the rollout's window: known from the sampled
    // event's user column, and replaced in the action's text and sample alike.
    const abort = doc.actions.find((a) => a.origin === 'logs');
    expect(abort?.text).toContain(`aborted by ${p.value('user', 'quentin.blake')}`);
    expect(abort?.evidence?.sample?.text).toContain(p.value('user', 'quentin.blake'));

    const clear = buildReviewDocument(db, { pseudonymise: false });
    expect(clear.evidence.sources.map((s) => s.name)).toContain(PERSON_FILE);
    expect(renderJsonReview(clear)).toContain('quentin.blake');
    db.close();
  });

  it('pseudonymises an Elasticsearch pull’s index name', async () => {
    const db = openCase(path.join(tempDir(), 'pull.coalmine'), { create: true });
    const cluster = new FakeCluster(ecsDocs(50, '2026-03-02T10:00:00.000Z', {}));
    const request = buildPullRequest({
      url: 'https://es.example.test:9200',
      index: 'logs-mary.major@corp.example',
      from: '2026-03-02T10:00:00Z',
      to: '2026-03-02T11:00:00Z',
      pageSize: 100,
      auth: { kind: 'none' },
    });
    await pullIntoCase(db, request, { Connection: mockConnection(cluster) as PullOptions['Connection'] });
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expect(renderJsonReview(doc)).not.toMatch(/mary\.major/);
    const p = createPseudonymiser(readPseudonymKey(db), []);
    const [source] = doc.evidence.sources;
    expect(source?.pull?.index).toBe(p.value('email', 'logs-mary.major@corp.example'));
    expect(source?.name).toBe(`${p.value('email', 'logs-mary.major@corp.example')} on ${CLUSTER.name}`);
    db.close();
  });

  it('reads the names to find through the cohort index, over the rollout’s window only', async () => {
    const db = await personalCase();
    const { rollout } = analyseRollout(db);
    const names = windowUserNames(db, rollout);
    expect(names.length).toBeGreaterThan(10);
    expect(names).not.toContain('quentin.blake');
    const plans = (): string[] => {
      const prepare = db.prepare.bind(db);
      const seen: string[] = [];
      db.prepare = (sql: string) => {
        seen.push(sql);
        return prepare(sql);
      };
      try {
        windowUserNames(db, rollout);
      } finally {
        db.prepare = prepare;
      }
      return seen.map((sql) =>
        (
          db
            .prepare(`EXPLAIN QUERY PLAN ${sql}`)
            .all({ service: 'shop-api', environment: null, from: 0, to: 1, limit: 1 }) as {
            detail: string;
          }[]
        )
          .map((r) => r.detail)
          .join(' | '),
      );
    };
    // This case is mostly the window: the names are read from the table in order.
    const [count, , whole] = plans();
    expect(count).toMatch(
      /SEARCH events USING COVERING INDEX events_cohort \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(whole).toMatch(/SCAN events\b(?! USING)/);
    // Another service's days of logs before it: the window is a small part, read by the index.
    for (let copy = 1; copy <= 2; copy += 1) {
      db.prepare(
        `INSERT INTO events (source_id, source_line, ts, ts_text, track, service, user, raw)
         SELECT source_id, source_line, ts - 172800000, ts_text, track, 'other-api', user, raw FROM events`,
      ).run();
    }
    const [, , windowOnly] = plans();
    expect(windowOnly).toMatch(
      /SEARCH events USING INDEX events_cohort \(service=\? AND environment=\? AND track=\? AND ts>\? AND ts<\?\)/,
    );
    expect(windowUserNames(db, rollout).sort()).toEqual([...names].sort());
    // A bound that is hit fails the review, never leaves names beyond it in clear.
    expect(() => windowUserNames(db, rollout, 5)).toThrow(/more than 5 distinct users/);
    db.close();
  });
});
