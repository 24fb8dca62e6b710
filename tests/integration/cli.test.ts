// The CLI end to end: import → rollouts → analyse → review, and its exit codes.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Analysis, Rollout } from '../../shared/api.js';
import { coalmine, projectRoot } from '../helpers/cli.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const fixture = path.join(projectRoot, 'tests/fixtures/small-rollout.ndjson');

describe('coalmine CLI', () => {
  it('imports, lists the rollout, analyses it and writes the review', async () => {
    const casePath = path.join(tempDir(), 'a.coalmine');
    const imported = coalmine(['import', casePath, fixture]);
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain('20 events from 20 lines, 0 rejected');

    const rollouts = JSON.parse(coalmine(['rollouts', casePath, '--json']).stdout) as Rollout[];
    expect(rollouts.map((r) => r.id)).toEqual(['payments@2.0.0']);

    const analysed = coalmine(['analyse', casePath, '--json']);
    expect(analysed.code).toBe(0);
    const analysis = JSON.parse(analysed.stdout) as Analysis;
    const figures = Object.fromEntries(analysis.comparison.map((r) => [r.metric, [r.stable, r.canary]]));
    // The hand count of tests/unit/compare.test.ts.
    expect(figures).toMatchObject({
      requests: [10, 5],
      rate5xx: [0.1, 0.2],
      rate4xx: [0.2, 0.4],
      rate401: [0.1, 0.4],
      rate403: [0.1, 0],
      latencyP95: [100, 300],
    });

    const table = coalmine(['analyse', casePath]);
    expect(table.stdout).toMatch(/401 rate\s+10\.00 % \(1 of 10\)\s+40\.00 % \(2 of 5\)\s+\+300\.0 %/);

    const out = path.join(tempDir(), 'review.md');
    const review = coalmine(['review', casePath, '--format', 'md', '--out', out]);
    expect(review.code).toBe(0);
    const markdown = fs.readFileSync(out, 'utf8');
    // The review's own format is tested in tests/integration/reviewCli.test.ts; here, that the
    // pipeline ends in it: front matter, the window in UK time, the source's hash.
    expect(markdown).toMatch(/^---\n/);
    expect(markdown).toContain('01/06/2026 11:00:00 BST');
    // Every time a person reads is UK style: no ISO or US-style dates in the document.
    expect(markdown).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(markdown).not.toMatch(/\b\d{1,2}\/\d{1,2}\/\d{2}\b(?!\d)/);
    const hash = (await import('node:crypto')).createHash('sha256').update(fs.readFileSync(fixture)).digest('hex');
    expect(markdown).toContain(hash);
    // The same case gives the same bytes.
    expect(coalmine(['review', casePath, '--format', 'md']).stdout).toBe(markdown);
  });

  it('exits 1 and lists the rejected lines with file and line number', () => {
    const casePath = path.join(tempDir(), 'b.coalmine');
    const file = writeLines('bad.ndjson', [
      '{"@timestamp":"2026-01-01T00:00:00Z","message":"ok"}',
      'not json',
      '{"@timestamp":"yesterday"}',
    ]);
    const run = coalmine(['import', casePath, file]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${file}:2: not valid JSON`);
    expect(run.stderr).toContain(`${file}:3: @timestamp: time "yesterday" is not ISO 8601`);
  });

  it('exits 2 with a message naming the file for unreadable input and usage errors', () => {
    const dir = tempDir();
    const missing = coalmine(['import', path.join(dir, 'c.coalmine'), path.join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.ndjson: no such file');
    expect(fs.existsSync(path.join(dir, 'c.coalmine'))).toBe(false);

    const noCase = coalmine(['analyse', path.join(dir, 'none.coalmine')]);
    expect(noCase.code).toBe(2);
    expect(noCase.stderr).toContain('none.coalmine: no such case file');

    expect(coalmine(['import', path.join(dir, 'd.coalmine'), fixture, '--track', 'blue']).code).toBe(2);
    expect(coalmine(['frobnicate']).code).toBe(2);
    const badFormat = coalmine(['review', path.join(dir, 'd.coalmine'), '--format', 'docx']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/--format.*docx/);
  });

  it('keeps terminal control sequences from log text out of the terminal', () => {
    const casePath = path.join(tempDir(), 'e.coalmine');
    const file = writeLines('esc.ndjson', ['{"@timestamp":"\\u001b]0;pwned\\u0007"}']);
    const run = coalmine(['import', casePath, file]);
    expect(run.code).toBe(1);
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(run.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(run.stderr).toContain('␛]0;pwned␇');
  });

  it('reads a case without changing it', () => {
    const casePath = path.join(tempDir(), 'ro.coalmine');
    expect(coalmine(['import', casePath, fixture]).code).toBe(0);
    const before = fs.readFileSync(casePath);
    for (const args of [
      ['rollouts', casePath],
      ['analyse', casePath],
      ['review', casePath, '--format', 'md'],
    ]) {
      expect(coalmine(args).code).toBe(0);
    }
    expect(fs.readFileSync(casePath).equals(before)).toBe(true);
    expect(fs.existsSync(`${casePath}-wal`)).toBe(false);
  });

  it('names the file it cannot write, and never creates a case for a folder', () => {
    const dir = tempDir();
    const casePath = path.join(dir, 'f.coalmine');
    const folder = coalmine(['import', casePath, dir]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`${dir}: not a regular file`);
    expect(fs.existsSync(casePath)).toBe(false);
    expect(coalmine(['import', casePath, fixture]).code).toBe(0);
    const out = path.join(dir, 'no-such-folder', 'r.md');
    const review = coalmine(['review', casePath, '--format', 'md', '--out', out]);
    expect(review.code).toBe(2);
    expect(review.stderr).toContain(`${out}: cannot write the review`);
    expect(review.stderr).not.toContain('unexpected error');
  });
});
