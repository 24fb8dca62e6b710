import type { NewEvent } from '../../electron/core/case/events.js';
import type { FormatContext, LogFormat } from '../../electron/core/ingest/formats/types.js';
import { normaliseEvent } from '../../electron/core/ingest/normalise.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';

export interface RunResult {
  events: NewEvent[];
  rejects: { line: number; reason: string; raw: string }[];
}

/** Feeds `lines` (numbered from 1) through a format and the normalise step, as an import does. */
export function runFormat(format: LogFormat, lines: readonly string[], ctx: Partial<FormatContext> = {}): RunResult {
  const result: RunResult = { events: [], rejects: [] };
  const parser = format.open(
    { zone: 'Europe/London', year: 2026, fileName: 'test.log', options: {}, ...ctx },
    {
      event: (event) =>
        result.events.push(
          normaliseEvent(event, { track: null, service: null, version: null, rules: DEFAULT_TAGGING_RULES }),
        ),
      metric: () => {},
      reject: (line, reason, raw) => result.rejects.push({ line, reason, raw }),
    },
  );
  lines.forEach((text, i) => parser.line(i + 1, text));
  parser.end();
  return result;
}
