// A cohort that is empty only because the service's events of that track in the window are
// under another environment (or none): the judgement says so, with what to do; and a rollout
// defined by hand in an environment its canary version never ran in is refused, window or not.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasControlCharacters } from '../../shared/controlCharacters.js';
import { analyseRollout } from '../../electron/core/analysis/analyse.js';
import { defineRollout, listRollouts } from '../../electron/core/analysis/rollouts.js';
import { type CaseDb, openCase } from '../../electron/core/case/caseStore.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { MINUTE, T0, scenario, scenarioLines } from '../helpers/scenario.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const LINES = scenarioLines(scenario({ seed: 3, minutes: 20 }));
const ofTrack = (track: string): string[] =>
  LINES.filter((line) => (JSON.parse(line) as Record<string, unknown>)['labels.track'] === track);

/** A case holding stable's and the canary's lines, each in the environment given (null: none named). */
async function caseWith(stable: string | null, canary: string | null): Promise<CaseDb> {
  const db = openCase(path.join(tempDir(), 'env.coalmine'), { create: true });
  for (const [track, environment] of [
    ['stable', stable],
    ['canary', canary],
  ] as const) {
    const lines = ofTrack(track).map((line) =>
      environment === null
        ? line
        : JSON.stringify({ ...(JSON.parse(line) as object), 'service.environment': environment }),
    );
    expect((await importFile(db, writeLines(`${track}.ndjson`, lines))).state).toBe('complete');
  }
  return db;
}

function minTraffic(db: CaseDb): string {
  const reason = analyseRollout(db).verdict.reasons.find((r) => r.rule === 'min-requests');
  return reason?.text ?? '';
}

const STABLE = ofTrack('stable').length;

describe('an empty cohort whose events are under another environment', () => {
  it('names stable events that name no environment, and how to bring them in', async () => {
    const db = await caseWith(null, 'production');
    expect(listRollouts(db).map((r) => r.id)).toEqual(['shop-api@1.1.0@production']);
    const text = minTraffic(db);
    expect(text).toMatch(/^Stable served no requests in the window, so there is nothing to compare/);
    // Stable's events inside the canary's window only.
    const rollout = listRollouts(db)[0];
    const inWindow = ofTrack('stable').filter((line) => {
      const ts = Date.parse((JSON.parse(line) as { '@timestamp': string })['@timestamp']);
      return rollout !== undefined && ts >= rollout.fromMs && ts <= rollout.toMs;
    }).length;
    expect(inWindow).toBeLessThanOrEqual(STABLE);
    expect(text).toContain(
      ` ${inWindow.toLocaleString('en-GB')} stable events of shop-api in this window name no environment, and this rollout takes only those of production: import their logs with --environment production to judge them here (into a new case, if they are in this one: a file is imported once).`,
    );
    db.close();
  });

  it("names a canary's environment to a rollout of events that name none", async () => {
    const db = await caseWith('production', null);
    expect(listRollouts(db).map((r) => r.id)).toEqual(['shop-api@1.1.0']);
    expect(minTraffic(db)).toMatch(
      / stable events of shop-api in this window name the environment production, and this rollout takes only events that name none: import the canary's logs with --environment production to judge the two together there \(into a new case, if they are in this one: a file is imported once\)\.$/,
    );
    db.close();
  });

  it('names the other named environment, its control characters made visible', async () => {
    const db = await caseWith('stag\u001b[2Jing\nx', 'production');
    const text = minTraffic(db);
    expect(text).toMatch(
      / stable events of shop-api in this window are in the environment stag␛\[2Jing␊x, not production: a rollout compares its two tracks within one environment\.$/,
    );
    expect(hasControlCharacters(text)).toBe(false);
    db.close();
  });

  it('tells a rollout defined where neither track ran to define it where both did', async () => {
    const db = await caseWith('production', 'production');
    // Defined before the events had their environment (an upgraded case): a window and none.
    db.prepare(
      `INSERT INTO rollout_definitions (id, service, canary_version, from_ts, to_ts, defined_at)
       VALUES ('shop-api@1.1.0', 'shop-api', '1.1.0', ?, ?, 0)`,
    ).run(T0, T0 + 20 * MINUTE);
    const reason = analyseRollout(db, 'shop-api@1.1.0').verdict.reasons.find((r) => r.rule === 'min-requests');
    expect(reason?.text).toMatch(
      /^Neither track logged any events in the window: there is nothing to judge\. [\d,]+ stable events of shop-api in this window name the environment production, as the canary's do: define the rollout with --environment production to judge them\. [\d,]+ canary events of shop-api in this window name the environment production, as the stable's do: define the rollout with --environment production to judge them\. No event carries an HTTP status, so the judge counts events logged\.$/,
    );
    db.close();
  });

  it('says nothing more when the service has no such events', async () => {
    const db = await caseWith('production', 'production');
    const lone = openCase(path.join(tempDir(), 'lone.coalmine'), { create: true });
    await importFile(lone, writeLines('canary.ndjson', ofTrack('canary')));
    expect(minTraffic(lone)).toMatch(/each track needs at least [\d,]+\.$/);
    expect(minTraffic(db)).toMatch(/^Both tracks served enough requests/);
    lone.close();
    db.close();
  });
});

describe('defining a rollout in an environment', () => {
  it('is refused with a window given by hand where the canary version runs only in another environment', async () => {
    const db = await caseWith('production', 'production');
    const window = { from: T0, to: T0 + 10 * MINUTE };
    expect(() =>
      defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0', environment: 'staging', ...window }),
    ).toThrow(
      /^no canary event of shop-api 1\.1\.0 in the environment staging in this case \(on the canary track, or on no track with that version\): it runs in production; name that with --environment$/,
    );
    expect(() => defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0', ...window })).toThrow(
      /naming no environment .*it runs in production; name that with --environment$/,
    );
    // A version that runs nowhere yet may still be given its window by hand, as before.
    expect(
      defineRollout(db, { service: 'shop-api', canaryVersion: '2.0.0', environment: 'staging', ...window }),
    ).toMatchObject({ id: 'shop-api@2.0.0@staging', canaryEvents: 0 });
    expect(
      defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0', environment: ' production ', ...window }),
    ).toMatchObject({
      id: 'shop-api@1.1.0@production',
      fromMs: window.from,
      toMs: window.to,
    });
    db.close();
  });

  it('refuses a blank environment rather than reading it as none', async () => {
    const db = await caseWith(null, null);
    for (const environment of ['', '   ', '\t']) {
      expect(() => defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0', environment })).toThrow(
        /^the environment is blank: name one \(staging, production, …\), or leave it out for the events that name none$/,
      );
    }
    expect(defineRollout(db, { service: 'shop-api', canaryVersion: '1.1.0' }).id).toBe('shop-api@1.1.0');
    db.close();
  });
});
