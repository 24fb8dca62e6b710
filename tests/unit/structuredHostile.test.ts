// Hostile input for the structured formats: every fixture cut at every point, and with
// characters flipped, must read without throwing, keeping the records before the damage.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvFormat } from '../../electron/core/ingest/formats/csv.js';
import { esSearchFormat } from '../../electron/core/ingest/formats/esSearch.js';
import { jsonLinesFormat } from '../../electron/core/ingest/formats/jsonLines.js';
import { kibanaCsvFormat } from '../../electron/core/ingest/formats/kibanaCsv.js';
import type { LogFormat } from '../../electron/core/ingest/formats/types.js';
import { projectRoot } from '../helpers/cli.js';
import { REAL, runFormat } from '../helpers/formatRun.js';

const fixture = (name: string) => path.join(projectRoot, 'tests/fixtures/structured', name);
const cases: [string, LogFormat, string][] = (
  [
    [jsonLinesFormat, `${REAL}/elastic-beats/es_startup_shutdown_due_to_exception.log`],
    [jsonLinesFormat, fixture('pino.ndjson')],
    [esSearchFormat, fixture('search-pretty.json')],
    [kibanaCsvFormat, fixture('kibana-discover.csv')],
    [csvFormat, fixture('requests.csv')],
  ] as const
).map(([format, file]) => [format.name, format, file]);

const linesOf = (text: string) => text.split('\n');

describe('structured formats under damage', () => {
  it.each(cases)('%s reads %s cut at any point without throwing', (_name, format, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const whole = runFormat(format, linesOf(text));
    expect(whole.rejects).toEqual([]);
    // CSV readers refuse a header with no time column by design: cut after the header.
    const from = format === csvFormat || format === kibanaCsvFormat ? text.indexOf('\n') + 1 : 1;
    const step = Math.max(1, Math.floor(text.length / 400));
    for (let cut = from; cut < text.length; cut += step) {
      const run = runFormat(format, linesOf(text.slice(0, cut)));
      // Never more good records than the whole file, and those kept are the file's own.
      expect(run.events.length).toBeLessThanOrEqual(whole.events.length);
      for (const event of run.events) {
        expect(whole.events.some((e) => e.sourceLine === event.sourceLine && e.ts === event.ts)).toBe(true);
      }
    }
  });

  it.each(cases)('%s reads %s with characters flipped without throwing', (_name, format, file) => {
    const text = fs.readFileSync(file, 'utf8');
    const headerEnd = format === csvFormat || format === kibanaCsvFormat ? text.indexOf('\n') + 1 : 0;
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const noise = ['{', '}', '[', ']', '"', '\\', ',', '\n', '\u0000', '\u202e', 'é'];
    for (let round = 0; round < 60; round += 1) {
      const chars = [...text];
      for (let k = 0; k < 3; k += 1) {
        const at = headerEnd + Math.floor(random() * (chars.length - headerEnd));
        chars[at] = noise[Math.floor(random() * noise.length)] ?? '';
      }
      const run = runFormat(format, linesOf(chars.join('')));
      expect(run.events.length + run.rejects.length).toBeGreaterThan(0);
    }
  });
});

describe('es-search: hostile nesting', () => {
  it('rejects a line of thousands of brackets inside a response instead of growing without bound', () => {
    const run = runFormat(esSearchFormat, ['{"took":1,"hits":{"hits":[', '['.repeat(100_000)]);
    expect(run.events).toEqual([]);
    expect(run.rejects).toEqual([
      expect.objectContaining({ reason: expect.stringMatching(/nested deeper than 512 levels/) as unknown }),
    ]);
  });
});
