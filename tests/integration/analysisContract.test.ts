// The JSON contract of `coalmine analyse --json`: real output validates against the schema
// committed in docs/schema, the schema refuses what breaks the contract, and `--exit-code`
// reports the verdict to a pipeline.
import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { closeCase } from '../../electron/core/case/caseStore.js';
import { writeAnalysisSettings } from '../../electron/core/case/analysisSettings.js';
import type { Analysis } from '../../shared/api.js';
import { parseEventFilter } from '../../shared/eventFilter.js';
import { coalmine, projectRoot } from '../helpers/cli.js';
import { HEALTHY, T0, caseOf, scenario } from '../helpers/scenario.js';

const schema = JSON.parse(
  fs.readFileSync(path.join(projectRoot, 'docs/schema/analysis.schema.json'), 'utf8'),
) as object;
const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

function caseFile(db: { name: string }): string {
  return db.name;
}

/** A case with a surge, a new exception, a business measure and CPU samples: every part filled. */
async function busyCase(): Promise<string> {
  const db = await caseOf(
    scenario({
      surges: [{ status: 401, fromMinute: 20, toMinute: 30, rate: 0.4 }],
      exceptions: [
        {
          track: 'canary',
          rate: 0.005,
          type: 'java.lang.IllegalStateException',
          message: (n) => `cart ${n} is closed`,
          stack: '\tat com.shop.Cart.add(Cart.java:10)',
        },
      ],
    }),
  );
  writeAnalysisSettings(db, {
    businessMeasures: [
      {
        name: 'conversion',
        label: 'Conversion',
        numerator: parseEventFilter('url.path = /api/checkout and status < 300'),
        denominator: parseEventFilter('url.path = /api/cart'),
        higherIsBetter: true,
      },
    ],
  });
  db.prepare(
    `INSERT INTO metrics (source_id, source_line, ts, track, service, version, host, name, value)
     VALUES (1, 0, ?, ?, 'shop-api', NULL, 'h', 'system.cpu.total.norm.pct', ?)`,
  ).run(T0 + 60_000, 'canary', 0.5);
  const file = caseFile(db);
  closeCase(db);
  return file;
}

function analyse(casePath: string, ...extra: string[]) {
  const run = coalmine(['analyse', casePath, '--json', ...extra]);
  return { ...run, json: run.stdout ? (JSON.parse(run.stdout) as Record<string, unknown>) : null };
}

describe('the analysis JSON contract', () => {
  it('is what the schema describes, on a case where every part has content', async () => {
    const { code, json } = analyse(await busyCase());
    expect(code).toBe(0);
    expect(validate(json), JSON.stringify(validate.errors, null, 2)).toBe(true);
    const analysis = json as {
      surges: unknown[];
      newExceptions: unknown[];
      comparison: { metric: string }[];
      rollout: { from: string; fromUk: string };
    };
    expect(analysis.surges).toHaveLength(1);
    expect(analysis.newExceptions).toHaveLength(1);
    expect(analysis.comparison.map((r) => r.metric)).toEqual(
      expect.arrayContaining(['resource:system.cpu.total.norm.pct', 'business:conversion', 'latencyP99']),
    );
    expect(analysis.rollout.fromUk).toMatch(/^02\/03\/2026 10:00:\d\d$/);
  });

  it('holds for the demo case too', async () => {
    const { ensureDemoCase } = await import('../../electron/core/demo/demoCase.js');
    const { tempDir } = await import('../helpers/tempCase.js');
    const casePath = path.join(tempDir(), 'demo.coalmine');
    closeCase(await ensureDemoCase(casePath, path.join(projectRoot, 'resources/demo')));
    const { json, code } = analyse(casePath, '--exit-code');
    expect(validate(json), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect((json as { verdict: { decision: string } }).verdict.decision).toBe('rollback');
    expect(code).toBe(12);
  });

  it('is not trivially permissive: it refuses what breaks the contract', async () => {
    const { json } = analyse(await busyCase());
    const good = json as unknown as Analysis;
    const broken = (change: (copy: Analysis) => void): boolean => {
      const copy = structuredClone(good);
      change(copy);
      return validate(copy);
    };
    const set = (target: object, key: string, value: unknown): void => {
      Object.assign(target, { [key]: value });
    };
    expect(validate(good), JSON.stringify(validate.errors)).toBe(true);
    expect(broken((c) => Reflect.deleteProperty(c, 'verdict'))).toBe(false);
    expect(broken((c) => set(c.verdict, 'decision', 'ship it'))).toBe(false);
    expect(broken((c) => set(c.rollout, 'fromUk', '2026-03-02 10:00:00'))).toBe(false);
    expect(broken((c) => set(c.rollout, 'from', '02/03/2026 10:00:00'))).toBe(false);
    expect(broken((c) => set(c.surges[0] ?? {}, 'startUk', '2/3/2026 10:20'))).toBe(false);
    expect(broken((c) => set(c.surges[0] ?? {}, 'status', 500))).toBe(false);
    expect(broken((c) => set(c.comparison[0] ?? {}, 'pValue', 1.5))).toBe(false);
    expect(broken((c) => set(c.comparison[1] ?? {}, 'canaryCount', -1))).toBe(false);
    expect(broken((c) => set(c.newExceptions[0] ?? {}, 'status', 'shared'))).toBe(false);
    expect(broken((c) => set(c.verdict.reasons[0] ?? {}, 'extra', true))).toBe(false);
    expect(broken((c) => set(c.verdict, 'reasons', []))).toBe(false);
    expect(broken((c) => Reflect.deleteProperty(c.authFailures, 'byRule'))).toBe(false);
  });
});

describe('analyse --exit-code', () => {
  it('gives 0 to promote, 10 to hold, 11 when inconclusive; without the flag, 0', async () => {
    const healthy = await caseOf(scenario());
    const holding = await caseOf(
      scenario({
        exceptions: [
          {
            track: 'canary',
            rate: 0.0008,
            type: 'java.lang.IllegalStateException',
            message: (n) => `cart ${n} is closed`,
            stack: '\tat com.shop.Cart.add(Cart.java:10)',
          },
        ],
      }),
    );
    const tiny = await caseOf(scenario({ canary: { ...HEALTHY, rpm: 1 }, minutes: 20 }));
    const files = [healthy, holding, tiny].map((db) => {
      const file = caseFile(db);
      closeCase(db);
      return file;
    });
    const codes = files.map((file) => coalmine(['analyse', file, '--exit-code']).code);
    expect(codes).toEqual([0, 10, 11]);
    expect(coalmine(['analyse', files[1] ?? '']).code).toBe(0);
    const text = coalmine(['analyse', files[1] ?? '', '--exit-code']).stdout;
    expect(text, text).toMatch(/^Verdict: HOLD\. Hold: .*new-exception/m);
  });
});
