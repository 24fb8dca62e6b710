// `coalmine import --environment`, and `coalmine rollouts` naming and defining environments.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Rollout } from '../../shared/api.js';
import { coalmine } from '../helpers/cli.js';
import { MINUTE, scenario, scenarioLines } from '../helpers/scenario.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

describe('environments on the command line', () => {
  it('imports with --environment, lists a rollout per environment, and defines one in an environment', () => {
    const casePath = path.join(tempDir(), 'env.coalmine');
    const lines = scenarioLines(scenario({ minutes: 10, stable: { ...scenario().stable, rpm: 30 } }));
    const staging = writeLines('staging.ndjson', lines);
    // The same records again, some naming production themselves: theirs is kept.
    const production = writeLines(
      'production.ndjson',
      lines.map((l) => JSON.stringify({ ...(JSON.parse(l) as object), 'service.environment': 'production' })),
    );
    expect(coalmine(['import', casePath, staging, '--environment', 'staging']).code).toBe(0);
    expect(coalmine(['import', casePath, production, '--environment', 'staging']).code).toBe(0);

    const listed = coalmine(['rollouts', casePath]);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^Rollout\s+Origin\s+Service\s+Environment\s+Stable\s+Canary\s+From\s+To\b/);
    expect(rows.filter((r) => /^shop-api@/.test(r)).map((r) => r.split(/\s{2,}/).slice(0, 4))).toEqual([
      ['shop-api@1.1.0@production', 'found', 'shop-api', 'production'],
      ['shop-api@1.1.0@staging', 'found', 'shop-api', 'staging'],
    ]);

    const json = (): Rollout[] => JSON.parse(coalmine(['rollouts', casePath, '--json']).stdout) as Rollout[];
    const [first] = json();
    const defined = coalmine([
      'rollouts',
      casePath,
      '--define',
      '--service',
      'shop-api',
      '--environment',
      'staging',
      '--canary',
      '1.1.0',
      '--from',
      new Date((first?.fromMs ?? 0) + 2 * MINUTE).toISOString(),
    ]);
    expect(defined.code, defined.stderr).toBe(0);
    expect(defined.stderr).toContain('rollout shop-api@1.1.0@staging defined');
    expect(json().map((r) => [r.id, r.environment, r.origin])).toEqual([
      ['shop-api@1.1.0@production', 'production', 'found'],
      ['shop-api@1.1.0@staging', 'staging', 'defined'],
    ]);
    expect(coalmine(['rollouts', casePath, '--environment', 'staging']).stderr).toMatch(/go with --define/);

    const analysed = coalmine(['analyse', casePath, '--rollout', 'shop-api@1.1.0@production']);
    expect(analysed.stdout.split('\n')[0]).toBe(
      'Rollout shop-api@1.1.0@production (found): shop-api in production 1.0.0 → 1.1.0',
    );

    // Notes are kept under the rollout's own id: staging's are not production's.
    const notes = path.join(tempDir(), 'notes.json');
    fs.writeFileSync(notes, JSON.stringify({ author: 'A. Analyst' }));
    const saved = coalmine(['notes', casePath, '--rollout', 'shop-api@1.1.0@staging', '--set', notes]);
    expect(saved.code, saved.stderr).toBe(0);
    expect(JSON.parse(coalmine(['notes', casePath, '--rollout', 'shop-api@1.1.0@staging']).stdout)).toEqual({
      author: 'A. Analyst',
    });
    expect(JSON.parse(coalmine(['notes', casePath, '--rollout', 'shop-api@1.1.0@production']).stdout)).toEqual({});
  });

  it('shows no environment column for a case whose events name none', () => {
    const casePath = path.join(tempDir(), 'plain.coalmine');
    const file = writeLines('plain.ndjson', scenarioLines(scenario({ minutes: 5 })));
    expect(coalmine(['import', casePath, file]).code).toBe(0);
    const listed = coalmine(['rollouts', casePath]);
    expect(listed.stdout.split('\n')[0]).toMatch(/^Rollout\s+Origin\s+Service\s+Stable\s+Canary\s/);
    expect(listed.stdout).toContain('shop-api@1.1.0 ');
  });
});
