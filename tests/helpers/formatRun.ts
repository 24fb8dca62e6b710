// Runs one format's parser over lines in memory, as the import pipeline does, and collects
// what it hands to the sink.
import fs from 'node:fs';
import type { NewEvent } from '../../electron/core/case/events.js';
import type { FormatContext, LogFormat, NewMetric } from '../../electron/core/ingest/formats/types.js';

export interface FormatRun {
  events: NewEvent[];
  metrics: NewMetric[];
  rejects: { line: number; reason: string; raw: string }[];
}

export function runFormat(format: LogFormat, lines: readonly string[], ctx: Partial<FormatContext> = {}): FormatRun {
  const run: FormatRun = { events: [], metrics: [], rejects: [] };
  const parser = format.open(
    { zone: 'Europe/London', year: 2026, fileName: 'test', options: {}, ...ctx },
    {
      event: (e) => run.events.push(e),
      metric: (m) => run.metrics.push(m),
      reject: (line, reason, raw) => run.rejects.push({ line, reason, raw }),
    },
  );
  lines.forEach((text, i) => parser.line(i + 1, text));
  parser.end();
  return run;
}

/** A file's lines as the line reader gives them: LF ends a line, one CR before it is dropped. */
export function fileLines(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/** The first non-blank lines, as detection sees them. */
export function probeSample(lines: readonly string[], n = 20): string[] {
  return lines.filter((l) => l.trim() !== '').slice(0, n);
}

export const REAL = '/work/shared/data/real';
