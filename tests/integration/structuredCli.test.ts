// The CLI for the structured formats: CSV mappings saved in the case, tagging rules, retag.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listSources } from '../../electron/core/case/sources.js';
import { coalmine } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const csv = (name: string, rows: string[]) => writeLines(name, ['When,Code,Box,Text', ...rows]);

describe('coalmine import --map / --mapping', () => {
  it('saves a mapping under a name, reuses it, and records it on the source', () => {
    const casePath = path.join(tempDir(), 'm.coalmine');
    const first = csv('first.csv', [
      '2026-11-19T09:52:03Z,200,web-canary-1,ok',
      '2026-11-19T09:52:04Z,401,web-stable-1,no',
    ]);
    const imported = coalmine([
      'import',
      casePath,
      first,
      '--map',
      'When=timestamp,Code=status,Box=host,Text=message',
      '--mapping',
      'web',
    ]);
    expect(imported.stderr).toContain('2 events from 3 lines, 0 rejected');
    expect(imported.code).toBe(0);

    const mappings = JSON.parse(coalmine(['mappings', casePath, '--json']).stdout) as unknown;
    expect(mappings).toEqual([
      { name: 'web', mapping: { When: 'timestamp', Code: 'status', Box: 'host', Text: 'message' } },
    ]);
    const second = csv('second.csv', ['2026-11-19T09:52:05Z,503,web-canary-1,boom']);
    const again = coalmine(['import', casePath, second, '--mapping', 'web', '--json']);
    expect(again.code).toBe(0);
    const [result] = JSON.parse(again.stdout) as { format: string; events: number }[];
    expect(result).toMatchObject({ format: 'csv', events: 1 });

    const tags = JSON.parse(coalmine(['tags', casePath, '--json']).stdout) as { tracks: unknown[] };
    expect(tags.tracks).toEqual([
      { track: 'canary', rule: 'host-name', events: 2 },
      { track: 'stable', rule: 'host-name', events: 1 },
    ]);

    const db = openCase(casePath, { readOnly: true });
    const details = listSources(db).map((source) => source.details);
    db.close();
    const columns = { When: 'timestamp', Code: 'status', Box: 'host', Text: 'message' };
    expect(details).toEqual([{ csvMapping: { name: 'web', columns } }, { csvMapping: { name: 'web', columns } }]);

    const missing = coalmine(['import', casePath, second, '--mapping', 'nope']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no CSV mapping named "nope" in this case (it has: web)');
    const bad = coalmine(['import', casePath, second, '--map', 'When=when']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"when" is not a field Coalmine reads');
  });

  it('names the missing time column', () => {
    const casePath = path.join(tempDir(), 'm.coalmine');
    const run = coalmine(['import', casePath, csv('x.csv', ['2026-11-19T09:52:03Z,200,h,ok'])]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/x\.csv: line 1: no time column in the header .*--map COLUMN=timestamp/);
  });
});

describe('coalmine tags / retag', () => {
  it('shows the default rules, sets new ones (re-tagging the case) and refuses bad ones', () => {
    const casePath = path.join(tempDir(), 't.coalmine');
    const file = writeLines('e.ndjson', [
      JSON.stringify({
        '@timestamp': '2026-11-19T09:52:03Z',
        'service.name': 'checkout',
        'service.version': '4.13.0',
        message: 'a',
      }),
      JSON.stringify({
        '@timestamp': '2026-11-19T09:52:04Z',
        'service.name': 'checkout',
        'service.version': '4.12.3',
        message: 'b',
      }),
    ]);
    expect(coalmine(['import', casePath, file]).code).toBe(0);
    const shown = coalmine(['tags', casePath]);
    expect(shown.stdout).toContain('The default tagging rules (the case saved none)');
    expect(shown.stdout).toContain('1. label: label value: canary = canary, preview');
    expect(shown.stdout).toMatch(/unknown\s+—\s+2/);
    expect(coalmine(['rollouts', casePath, '--json']).stdout.trim()).toBe('[]');

    const rules = path.join(tempDir(), 'rules.json');
    fs.writeFileSync(
      rules,
      JSON.stringify({
        rules: [{ kind: 'version', service: 'checkout', canaryVersion: '4.13.0', stableVersion: '4.12.3' }],
      }),
    );
    const set = coalmine(['tags', casePath, '--set', rules]);
    expect(set.code).toBe(0);
    expect(set.stderr).toContain('re-tagged 2 events (2 changed): canary 1, stable 1, unknown 0');
    const rollouts = JSON.parse(coalmine(['rollouts', casePath, '--json']).stdout) as { id: string }[];
    expect(rollouts.map((r) => r.id)).toEqual(['checkout@4.13.0']);
    expect(coalmine(['tags', casePath]).stdout).toContain("The case's own tagging rules");

    const retag = JSON.parse(coalmine(['retag', casePath, '--json']).stdout) as { changed: number };
    expect(retag.changed).toBe(0);

    fs.writeFileSync(rules, JSON.stringify({ rules: [{ kind: 'version' }] }));
    const bad = coalmine(['tags', casePath, '--set', rules]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tagging rules are not valid: rules.0.canaryVersion');

    const reset = coalmine(['tags', casePath, '--reset']);
    expect(reset.stderr).toContain('re-tagged 2 events (2 changed): canary 0, stable 0, unknown 2');
  });
});
