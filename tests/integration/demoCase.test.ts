// The demo case: its logs are what the generator writes (so they can be regenerated), and
// the comparison the app shows matches a count made straight from the raw lines.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { judgeRollout as compareRollout } from '../../electron/core/analysis/analyse.js';
import { findRollout } from '../../electron/core/analysis/rollouts.js';
import { ensureDemoCase } from '../../electron/core/demo/demoCase.js';
import { generateDemoFiles } from '../../electron/core/demo/generateDemo.js';
import { projectRoot } from '../helpers/cli.js';
import { tempDir } from '../helpers/tempCase.js';

const demoDir = path.join(projectRoot, 'resources/demo');

interface Doc {
  '@timestamp': string;
  labels?: { track?: string };
  'labels.track'?: string;
  http?: { response?: { status_code?: number } };
  'http.response.status_code'?: number;
}

/** Counts straight from the raw NDJSON, without any Coalmine code. */
function handCount() {
  const docs = fs
    .readdirSync(demoDir)
    .filter((f) => f.endsWith('.ndjson'))
    .flatMap((f) => fs.readFileSync(path.join(demoDir, f), 'utf8').trim().split('\n'))
    .map((line) => JSON.parse(line) as Doc);
  const track = (d: Doc) => d['labels.track'] ?? d.labels?.track;
  const status = (d: Doc) => d['http.response.status_code'] ?? d.http?.response?.status_code;
  const canaryTimes = docs.filter((d) => track(d) === 'canary').map((d) => Date.parse(d['@timestamp']));
  const from = Math.min(...canaryTimes);
  const to = Math.max(...canaryTimes);
  const inWindow = (t: string) =>
    docs.filter((d) => track(d) === t && Date.parse(d['@timestamp']) >= from && Date.parse(d['@timestamp']) <= to);
  const counts = (t: string) => {
    const requests = inWindow(t).filter((d) => status(d) !== undefined);
    return {
      requests: requests.length,
      n5xx: requests.filter((d) => (status(d) ?? 0) >= 500).length,
      n401: requests.filter((d) => status(d) === 401).length,
      n403: requests.filter((d) => status(d) === 403).length,
    };
  };
  return { from, to, stable: counts('stable'), canary: counts('canary') };
}

describe('demo case', () => {
  it('ships exactly what the generator writes', () => {
    for (const file of generateDemoFiles()) {
      expect(fs.readFileSync(path.join(demoDir, file.name), 'utf8') === file.content, file.name).toBe(true);
    }
  });

  it('shows figures that match a count of the raw lines, with trouble on the canary', async () => {
    const db = await ensureDemoCase(path.join(tempDir(), 'demo.coalmine'), demoDir);
    const analysis = compareRollout(db, findRollout(db));
    db.close();
    const hand = handCount();
    expect([analysis.rollout.fromMs, analysis.rollout.toMs]).toEqual([hand.from, hand.to]);
    const row = (m: string) => analysis.comparison.find((r) => r.metric === m);
    expect([row('requests')?.stable, row('requests')?.canary]).toEqual([hand.stable.requests, hand.canary.requests]);
    expect([row('rate5xx')?.stableCount, row('rate5xx')?.canaryCount]).toEqual([hand.stable.n5xx, hand.canary.n5xx]);
    expect([row('rate401')?.stableCount, row('rate401')?.canaryCount]).toEqual([hand.stable.n401, hand.canary.n401]);
    expect([row('rate403')?.stableCount, row('rate403')?.canaryCount]).toEqual([hand.stable.n403, hand.canary.n403]);
    // The demo's point: the canary's 401 rate is several times stable's.
    expect(hand.canary.n401 / hand.canary.requests).toBeGreaterThan((3 * hand.stable.n401) / hand.stable.requests);
  });

  it('is rebuilt when the demo logs change, and reused when they do not', async () => {
    const casePath = path.join(tempDir(), 'demo.coalmine');
    (await ensureDemoCase(casePath, demoDir)).close();
    const first = fs.statSync(casePath).mtimeMs;
    (await ensureDemoCase(casePath, demoDir)).close();
    expect(fs.statSync(casePath).mtimeMs).toBe(first);
    const otherDir = tempDir();
    fs.writeFileSync(
      path.join(otherDir, 'only.ndjson'),
      '{"@timestamp":"2026-01-01T00:00:00Z","labels.track":"canary"}\n',
    );
    const db = await ensureDemoCase(casePath, otherDir);
    expect(db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    db.close();
  });
});
