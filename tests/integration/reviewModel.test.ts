// The review document built from real cases: the scenarios' known figures, evidence that
// leads back to the file and line, hashes that match sha256sum, the same bytes on every
// build, no personal data in clear unless asked, the analyst's notes applied, and the JSON
// valid against docs/schema/review.schema.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { openCase, type CaseDb } from '../../electron/core/case/caseStore.js';
import { saveReviewNotes } from '../../electron/core/case/reviewNotes.js';
import { listSources } from '../../electron/core/case/sources.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { createPseudonymiser, readPseudonymKey } from '../../electron/core/review/pseudonymise.js';
import { renderJsonReview } from '../../electron/core/review/reviewJson.js';
import { SAMPLE_MAX_CHARS } from '../../electron/core/review/reviewEvidence.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import type { ReviewDocument, ReviewSample } from '../../shared/review.js';
import { formatUkWithZone } from '../../shared/ukTime.js';
import { projectRoot } from '../helpers/cli.js';
import { sampleReviewDocument } from '../helpers/reviewFixture.js';
import { HEALTHY, MINUTE, T0, caseOf, scenario } from '../helpers/scenario.js';
import { ecs, writeLines } from '../helpers/tempCase.js';

const UK_TIME = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2} (GMT|BST)$/;

const schema = JSON.parse(fs.readFileSync(path.join(projectRoot, 'docs/schema/review.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function expectValid(doc: unknown): void {
  const ok = validate(doc);
  expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
  expect(ok).toBe(true);
}

/** A rollout with a 401 surge driven by one user, and a new token exception on the canary. */
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

/** The controller's log beside the service's: an abort 45 minutes in, naming who did it. */
function controllerLog(): string {
  return writeLines('argo-rollouts.ndjson', [
    ecs({
      '@timestamp': new Date(T0 + 20 * MINUTE + 500).toISOString(),
      'service.name': 'argo-rollouts',
      message: 'rollout shop-api step 2/4 setWeight 20',
    }),
    ecs({
      '@timestamp': new Date(T0 + 45 * MINUTE + 1500).toISOString(),
      'service.name': 'argo-rollouts',
      'user.name': 'alice',
      message: 'Rollout shop-api aborted by alice (alice@ops.example.org) from 198.51.100.23',
    }),
    // A request to an endpoint named for an action is a request, not the action.
    ecs({
      '@timestamp': new Date(T0 + 50 * MINUTE).toISOString(),
      'service.name': 'argo-rollouts',
      'http.response.status_code': 200,
      message: 'POST /api/rollout/abort 200',
    }),
  ]);
}

async function tokenCase(): Promise<CaseDb> {
  const db = await caseOf(TOKEN_ROLLOUT);
  await importFile(db, controllerLog());
  return db;
}

function lineOf(db: CaseDb, sample: ReviewSample): string {
  const source = listSources(db).find((s) => s.id === sample.sourceId);
  if (!source) throw new Error(`no source ${sample.sourceId}`);
  expect(path.basename(source.path)).toBe(sample.sourceName);
  const line = fs.readFileSync(source.path, 'utf8').split('\n')[sample.line - 1];
  if (line === undefined) throw new Error(`no line ${sample.line}`);
  return line;
}

function samples(doc: ReviewDocument): ReviewSample[] {
  return [...doc.timeline.map((e) => e.evidence.sample), ...doc.actions.map((a) => a.evidence?.sample ?? null)].filter(
    (s): s is ReviewSample => s !== null,
  );
}

describe('review document', () => {
  it('states the verdict, the table and the findings of a rollout with a 401 surge and a token exception', async () => {
    const db = await tokenCase();
    const analysis = analyseRollout(db);
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expectValid(doc);

    expect(doc.title).toBe('Post-deployment review: shop-api 1.0.0 → 1.1.0');
    expect(doc.verdict).toMatchObject({ decision: 'rollback', label: 'Roll back' });
    expect(doc.verdict.reasons.map((r) => r.rule)).toEqual(analysis.verdict.reasons.map((r) => r.rule));
    expect(doc.window.from.uk).toBe(formatUkWithZone(analysis.rollout.fromMs));
    expect(doc.window.duration).toBe('59 min 59 s');
    expect(doc.window.crossesClockChange).toBe(false);
    // The date is the window's end, never the clock.
    expect(doc.asOf.epochMs).toBe(analysis.rollout.toMs);
    expect(doc.summary.length).toBeGreaterThanOrEqual(3);
    expect(doc.summary.length).toBeLessThanOrEqual(5);
    expect(doc.summary[1]).toMatch(/^The verdict is to roll the canary back, because of .*a 401 surge on the canary/);

    // The table reads as the comparison page shows it, with counts a reader can check.
    const row = (metric: string) => doc.comparison.rows.find((r) => r.metric === metric);
    const canary401 = analysis.comparison.find((r) => r.metric === 'rate401');
    expect(canary401?.canaryCount).toBeGreaterThan(150);
    expect(row('rate401')?.canary).toBe(
      `${((canary401?.canary ?? 0) * 100).toFixed(2)} % (${canary401?.canaryCount} of 3,600)`,
    );
    expect(row('requests')).toMatchObject({ stable: '17,994', canary: '3,600' });
    expect(row('rate401')?.actionRequired).toBe('Roll back');
    expect(row('rate403')?.actionRequired).toBe('None');

    // The timeline: the surge from minute 30 to 40, the exception's first sight, the abort.
    for (const e of doc.timeline) {
      expect(e.at.uk).toMatch(UK_TIME);
      if (e.until) expect(e.until.uk).toMatch(UK_TIME);
    }
    const times = doc.timeline.map((e) => e.at.epochMs);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const surge = doc.timeline.find((e) => e.kind === 'surge');
    expect(surge).toMatchObject({
      title: '401 surge on the canary',
      at: { uk: '02/03/2026 10:30:00 GMT' },
      until: { uk: '02/03/2026 10:40:00 GMT' },
    });
    expect(surge?.evidence.sample?.text).toContain('"http.response.status_code":401');
    const first = doc.timeline.find((e) => e.kind === 'new-exception');
    expect(first?.title).toBe('First io.jsonwebtoken.SignatureException on the canary');
    expect(first?.at.epochMs).toBe(Date.parse(analysis.newExceptions[0]?.firstSeen ?? ''));
    expect(first?.evidence.sample?.at.epochMs).toBe(first?.at.epochMs);
    const abort = doc.timeline.find((e) => e.kind === 'rollout-action');
    expect(abort).toMatchObject({ title: 'Rollout aborted', at: { uk: '02/03/2026 10:45:01 GMT' } });
    expect(doc.timeline.filter((e) => e.kind === 'rollout-action')).toHaveLength(1);
    expect(doc.timeline.some((e) => e.kind === 'auth-burst')).toBe(true);
    expect(doc.timeline.some((e) => e.kind === 'threshold')).toBe(true);
    // The action found in the logs is listed with the actions, with its evidence.
    expect(doc.actions).toHaveLength(1);
    expect(doc.actions[0]).toMatchObject({ origin: 'logs', at: { uk: '02/03/2026 10:45:01 GMT' }, by: null });
    expect(doc.actions[0]?.text).toMatch(
      /^Rollout aborted, logged by argo-rollouts: Rollout shop-api aborted by user-[0-9a-f]{12} \(email-[0-9a-f]{12}@pseudonym\.invalid\) from ip-[0-9a-f]{12}$/,
    );
    expect(doc.actions[0]?.evidence?.sample?.sourceName).toBe('argo-rollouts.ndjson');
    expect(doc.actions[0]?.evidence?.sample?.line).toBe(2);

    // Recommendations from the rules: a 401 surge with a token exception → key rotation; the
    // rollback is logged, so no reminder to roll back.
    const ids = doc.recommendations.map((r) => r.id);
    expect(ids).toContain('key-rotation');
    expect(ids).toContain('fix-new-exceptions');
    expect(ids).not.toContain('authentication-change');
    expect(ids).not.toContain('confirm-rollback');
    expect(ids).not.toContain('promote-with-monitoring');
    expect(doc.recommendations.find((r) => r.id === 'key-rotation')?.because).toMatch(
      /^A 401 surge on the canary from 02\/03\/2026 10:30:00 GMT to 02\/03\/2026 10:40:00 GMT .*SignatureException/,
    );
    expect(doc.rootCause.draft).toBe(true);
    expect(doc.rootCause.why).toContain('token');

    // Every UK time in the document carries its zone, the judge's own sentences included; the
    // only ISO times are inside sample lines, as logged.
    const prose = JSON.stringify({
      ...doc,
      timeline: doc.timeline.map((e) => ({ ...e, evidence: null })),
      actions: [],
    });
    expect(prose).toMatch(/first at 02\/03\/2026 10:\d{2}:\d{2} GMT/);
    expect(prose).not.toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}(?! (GMT|BST))/);
    expect(prose).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}/);
    db.close();
  });

  it('gives evidence that leads to the file and line it came from, and hashes equal to sha256sum', async () => {
    const db = await tokenCase();
    const doc = buildReviewDocument(db, { pseudonymise: false });
    const found = samples(doc);
    expect(found.length).toBeGreaterThan(3);
    for (const sample of found) {
      const line = lineOf(db, sample);
      const doc = JSON.parse(line) as { '@timestamp': string };
      expect(Date.parse(doc['@timestamp'])).toBe(sample.at.epochMs);
      expect(sample.at.uk).toMatch(UK_TIME);
      // In clear, the sample is the line itself, cut to a readable length.
      expect(line.startsWith(sample.text.replace(/…$/, ''))).toBe(true);
      expect(sample.text.length).toBeLessThanOrEqual(SAMPLE_MAX_CHARS);
    }
    const sources = listSources(db);
    expect(doc.evidence.sources).toHaveLength(2);
    for (const s of doc.evidence.sources) {
      const file = sources.find((x) => x.id === s.id)?.path ?? '';
      const [sum] = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ');
      expect(s.sha256).toBe(sum);
      expect(s.size).toBe(fs.statSync(file).size);
      expect(s.name).toBe(path.basename(file));
      expect(s.importedAt.uk).toMatch(UK_TIME);
    }
    expect(doc.evidence.sources[0]).toMatchObject({
      format: 'ecs-ndjson',
      state: 'complete',
      lines: 21_600,
      pull: null,
    });
    expect(doc.evidence.thresholds.find((t) => t.key === 'errorRateRollback')).toEqual({
      key: 'errorRateRollback',
      value: '0.001 (0.10 %)',
      meaning: 'canary 5xx rate above this fraction → roll back',
    });
    db.close();
  });

  it('holds SQL that reproduces the table’s figures from the case', async () => {
    const db = await tokenCase();
    const analysis = analyseRollout(db);
    const doc = buildReviewDocument(db, { pseudonymise: true });
    const value = (metric: string, track: 'stable' | 'canary') =>
      analysis.comparison.find((r) => r.metric === metric)?.[track];
    const count = (metric: string, track: 'stable' | 'canary') =>
      analysis.comparison.find((r) => r.metric === metric)?.[`${track}Count`];
    for (const track of ['stable', 'canary'] as const) {
      const Track = track === 'stable' ? 'Stable' : 'Canary';
      const counts = doc.evidence.queries.find((q) => q.figure.startsWith(`${Track} requests`));
      const got = db.prepare(counts?.sql ?? '').get() as Record<string, number>;
      expect(got.requests).toBe(value('requests', track));
      expect(got.n5xx).toBe(count('rate5xx', track));
      expect(got.n401).toBe(count('rate401', track));
      expect(got.n403).toBe(count('rate403', track));
      expect(got.auth_failures).toBe(count('authFailuresPer1000', track));
      expect(got.pct401).toBeCloseTo((value('rate401', track) ?? 0) * 100, 2);
      for (const p of [50, 95, 99]) {
        const q = doc.evidence.queries.find((x) => x.figure === `${Track} p${p} latency (ms, nearest rank)`);
        expect(
          db
            .prepare(q?.sql ?? '')
            .pluck()
            .get(),
        ).toBe(value(`latencyP${p}`, track));
      }
    }
    db.close();
  });

  it('reviews logs without HTTP per event logged: the verdict in words, the note, and SQL per 1,000 events', async () => {
    const authLog = (host: string, failEvery: number): string[] =>
      Array.from({ length: 1200 }, (_, n) => {
        const ts = new Date(T0 + n * 3000);
        const two = (v: number) => String(v).padStart(2, '0');
        const stamp = `Mar  2 ${two(ts.getUTCHours())}:${two(ts.getUTCMinutes())}:${two(ts.getUTCSeconds())}`;
        return n % failEvery === 0
          ? `${stamp} ${host} sshd[${1000 + n}]: Failed password for invalid user admin from 198.51.100.${n % 200} port ${40000 + n} ssh2`
          : `${stamp} ${host} sshd[${1000 + n}]: Accepted publickey for deploy from 10.0.0.${n % 200} port ${40000 + n} ssh2: RSA SHA256:abc`;
      });
    const db = openCase(path.join(path.dirname(writeLines('auth-a.log', [])), 'auth.coalmine'), { create: true });
    const common = { service: 'bastion', zone: 'UTC', year: 2026 } as const;
    await importFile(db, writeLines('stable-auth.log', authLog('bastion-1', 50)), {
      ...common,
      track: 'stable',
      version: '9.6',
    });
    await importFile(db, writeLines('canary-auth.log', authLog('bastion-2', 4)), {
      ...common,
      track: 'canary',
      version: '9.7',
    });
    const analysis = analyseRollout(db);
    expect(analysis.volumeUnit).toBe('events');
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expect(doc.verdict.summary).toContain('a higher authentication failure rate on the canary');
    expect(doc.verdict.summary).not.toContain('the rule auth-failures');
    expect(doc.comparison.notes.join(' ')).toContain('per 1,000 events logged');
    for (const track of ['stable', 'canary'] as const) {
      const Track = track === 'stable' ? 'Stable' : 'Canary';
      const counts = doc.evidence.queries.find((q) => q.figure.startsWith(`${Track} requests`));
      expect(counts?.figure).toContain('per 1,000 events');
      const got = db.prepare(counts?.sql ?? '').get() as Record<string, number>;
      const row = analysis.comparison.find((r) => r.metric === 'authFailuresPer1000');
      expect(got.auth_failures_per_1000).toBeCloseTo(row?.[track] ?? Number.NaN, 1);
    }
    db.close();
  });

  it('gives the same bytes on every build, and after the case is closed and reopened read-only', async () => {
    const db = await tokenCase();
    saveReviewNotes(db, 'shop-api@1.1.0', { author: 'Analyst One', actions: [{ text: 'Opened INC-7' }] });
    const first = renderJsonReview(buildReviewDocument(db, { pseudonymise: true }));
    expect(renderJsonReview(buildReviewDocument(db, { pseudonymise: true }))).toBe(first);
    const file = db.name;
    db.close();
    const again = openCase(file, { readOnly: true });
    expect(renderJsonReview(buildReviewDocument(again, { pseudonymise: true }))).toBe(first);
    expect(first.endsWith('}\n')).toBe(true);
    expect(JSON.parse(first)).toEqual(buildReviewDocument(again, { pseudonymise: true }));
    again.close();
  });

  it('shows no client IP, e-mail address or user name in clear unless asked, with one pseudonym per person', async () => {
    const db = await tokenCase();
    const json = renderJsonReview(buildReviewDocument(db, { pseudonymise: true }));
    expect(json).not.toMatch(/@example\.com|@ops\.example\.org|203\.0\.113\.|198\.51\.100\./);
    expect(json).not.toMatch(/mallory|alice/);
    const p = createPseudonymiser(readPseudonymKey(db), []);
    const doc = JSON.parse(json) as ReviewDocument;
    // The surge's driver, its sample and the abort name the same people by the same pseudonyms.
    const surge = doc.timeline.find((e) => e.kind === 'surge');
    expect(surge?.detail).toContain(`user ${p.value('user', 'mallory')}`);
    expect(surge?.evidence.sample?.text).toContain(`"user.name":"${p.value('user', 'mallory')}"`);
    const abort = doc.actions.find((a) => a.origin === 'logs');
    expect(abort?.text).toContain(
      `aborted by ${p.value('user', 'alice')} (${p.value('email', 'alice@ops.example.org')}) from ${p.value('ip', '198.51.100.23')}`,
    );
    expect(doc.pseudonymised).toBe(true);

    const clear = buildReviewDocument(db, { pseudonymise: false });
    const clearJson = renderJsonReview(clear);
    expect(clear.pseudonymised).toBe(false);
    expect(clearJson).toContain('aborted by alice (alice@ops.example.org) from 198.51.100.23');
    expect(clearJson).toMatch(/@example\.com/);
    expect(clearJson).not.toMatch(/pseudonym\.invalid|user-[0-9a-f]{12}|ip-[0-9a-f]{12}/);
    db.close();
  });

  it('applies the analyst’s notes to the head, actions, root cause and recommendations', async () => {
    const db = await tokenCase();
    saveReviewNotes(db, 'shop-api@1.1.0', {
      author: 'Analyst One',
      signOff: { name: 'Lead Two', role: 'SRE lead', date: '03/03/2026' },
      actions: [
        { text: 'Opened incident INC-1042' },
        { at: '02/03/2026 10:50', text: 'Paged identity; told mallory@example.com', by: 'Analyst One' },
        { at: '02/03/2026 10:40:30', text: 'Stopped traffic to the canary' },
      ],
      rootCause: { why: 'The signing key was rotated on the canary only.' },
      dismissedRecommendations: ['fix-new-exceptions'],
      editedRecommendations: { 'key-rotation': 'Check the JWKS the canary trusts.' },
      addedRecommendations: ['Add a key-rotation test to the pipeline.'],
    });
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expectValid(doc);
    expect(doc.author).toBe('Analyst One');
    expect(doc.signOff).toEqual({ name: 'Lead Two', role: 'SRE lead', date: '03/03/2026' });
    expect(doc.actions.map((a) => [a.origin, a.at?.uk ?? null])).toEqual([
      ['analyst', '02/03/2026 10:40:30 GMT'],
      ['logs', '02/03/2026 10:45:01 GMT'],
      ['analyst', '02/03/2026 10:50:00 GMT'],
      ['analyst', null],
    ]);
    expect(doc.actions[2]?.by).toBe('Analyst One');
    expect(doc.actions[2]?.text).not.toContain('mallory');
    expect(doc.actions[3]?.text).toBe('Opened incident INC-1042');
    expect(doc.rootCause.draft).toBe(false);
    expect(doc.rootCause.why).toBe('The signing key was rotated on the canary only.');
    expect(doc.rootCause.whatOccurred).toContain('401 surge on the canary at 02/03/2026 10:30:00 GMT');
    const ids = doc.recommendations.map((r) => r.id);
    expect(ids).not.toContain('fix-new-exceptions');
    expect(ids[ids.length - 1]).toBe('analyst-1');
    expect(doc.recommendations.find((r) => r.id === 'key-rotation')).toMatchObject({
      text: 'Check the JWKS the canary trusts.',
      origin: 'rule',
    });
    expect(doc.recommendations.find((r) => r.id === 'analyst-1')).toEqual({
      id: 'analyst-1',
      text: 'Add a key-rotation test to the pipeline.',
      because: 'added by the analyst',
      origin: 'analyst',
    });
    db.close();
  });

  it('recommends from the findings: a 403 surge, a 401 surge without a token exception, too little traffic', async () => {
    const ids = async (...args: Parameters<typeof scenario>): Promise<[string, string[]]> => {
      const db = await caseOf(scenario(...args));
      const doc = buildReviewDocument(db, { pseudonymise: true });
      expectValid(doc);
      db.close();
      return [doc.verdict.decision, doc.recommendations.map((r) => r.id)];
    };
    const [, forbidden] = await ids({ surges: [{ status: 403, fromMinute: 20, toMinute: 30, rate: 0.3 }] });
    expect(forbidden).toContain('authorisation-policy');
    expect(forbidden).not.toContain('authentication-change');
    expect(forbidden).toContain('confirm-rollback');
    const [, unauthorised] = await ids({ surges: [{ status: 401, fromMinute: 20, toMinute: 30, rate: 0.3 }] });
    expect(unauthorised).toContain('authentication-change');
    expect(unauthorised).not.toContain('key-rotation');
    expect(unauthorised).not.toContain('authorisation-policy');
    const [decision, short] = await ids({ minutes: 2 });
    expect(decision).toBe('inconclusive');
    expect(short).toContain('more-traffic');
    expect(short).not.toContain('promote-with-monitoring');
  });

  it('marks a window that crosses the clock change, with GMT and BST times', async () => {
    // 29/03/2026: clocks go forward at 01:00 GMT. The window runs from 00:30 GMT to 02:29 BST.
    const db = await caseOf(scenario({ start: Date.UTC(2026, 2, 29, 0, 30), minutes: 60 }));
    const doc = buildReviewDocument(db, { pseudonymise: true });
    expectValid(doc);
    expect(doc.window.crossesClockChange).toBe(true);
    expect(doc.window.from.uk).toMatch(/^29\/03\/2026 00:30:\d{2} GMT$/);
    expect(doc.window.to.uk).toMatch(/^29\/03\/2026 02:29:\d{2} BST$/);
    expect(doc.window.duration).toBe('59 min 59 s');
    expect(doc.verdict.decision).toBe('promote');
    expect(doc.recommendations.map((r) => r.id)).toEqual(['promote-with-monitoring']);
    expect(doc.timeline.filter((e) => e.kind !== 'threshold' && e.kind !== 'auth-burst')).toEqual([]);
    db.close();
  });

  it('builds the demo case’s review with the analysis’s verdict, valid against the schema', async () => {
    const { ensureDemoCase } = await import('../../electron/core/demo/demoCase.js');
    const dir = fs.mkdtempSync(path.join(fs.realpathSync('/tmp'), 'coalmine-review-demo-'));
    try {
      const db = await ensureDemoCase(path.join(dir, 'demo.coalmine'), path.join(projectRoot, 'resources/demo'));
      const analysis = analyseRollout(db);
      const doc = buildReviewDocument(db, { pseudonymise: true });
      expectValid(doc);
      expect(doc.verdict.decision).toBe(analysis.verdict.decision);
      expect(doc.comparison.rows.map((r) => r.metric)).toEqual(analysis.comparison.map((r) => r.metric));
      expect(doc.evidence.sources.length).toBe(listSources(db).length);
      for (const s of samples(doc)) expect(s.at.uk).toMatch(UK_TIME);
      expect(renderJsonReview(doc)).not.toMatch(/[\w.+-]+@(?!pseudonym\.invalid)(?:[\w-]+\.)+[a-z]{2,}/i);
      db.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts the hand-written fixture and refuses a document that strays from the schema', () => {
    expectValid(JSON.parse(renderJsonReview(sampleReviewDocument())));
    const bad = structuredClone(sampleReviewDocument()) as unknown as Record<string, unknown>;
    bad.generatedAt = '2026-03-02T10:00:00Z';
    expect(validate(bad)).toBe(false);
    const isoTime = sampleReviewDocument({
      asOf: { epochMs: 0, uk: '1970-01-01T00:00:00Z' },
    });
    expect(validate(isoTime)).toBe(false);
  });
});

describe('threshold crossings', () => {
  it('dates a crossing where the running rate went above the threshold for good, not at a stray error', async () => {
    const shape = { ...HEALTHY, rpm: 60, rate5xx: 0.003 };
    // One canary, healthy for 30 minutes (a stray 500 now and then), then failing 20 % of
    // requests: two logs of the same service and versions, the second canary from minute 30.
    const db = await caseOf(
      scenario({ seed: 11, canary: shape }),
      scenario({ seed: 12, canaryFromMinute: 30, canary: { ...shape, rate5xx: 0.2 }, stable: { ...HEALTHY, rpm: 1 } }),
    );
    const analysis = analyseRollout(db);
    const doc = buildReviewDocument(db, { pseudonymise: true });
    db.close();
    const investigate = analysis.verdict.reasons.find((r) => r.rule === 'error-rate-investigate');
    expect(investigate?.blocks).toBe(true);
    const crossing = doc.timeline.find((e) => e.kind === 'threshold' && e.title.includes('error-rate-investigate'));
    expect(crossing).toBeDefined();
    // The running 5xx rate passes 1 % only once the failing half has begun.
    expect(crossing?.at.epochMs).toBeGreaterThanOrEqual(T0 + 30 * MINUTE);
    expect(crossing?.at.epochMs).toBeLessThan(T0 + 36 * MINUTE);
    expect(crossing?.evidence.sample?.text).toContain('"http.response.status_code":500');
  });
});
