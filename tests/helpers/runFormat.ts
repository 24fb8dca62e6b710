import type { NewEvent } from '../../electron/core/case/events.js';
import type { FormatContext, LogFormat } from '../../electron/core/ingest/formats/types.js';
import { normaliseEvent } from '../../electron/core/ingest/normalise.js';
import { DEFAULT_TAGGING_RULES } from '../../electron/core/ingest/tagging.js';
import { runFormat as runParser } from './formatRun.js';

export interface RunResult {
  events: NewEvent[];
  rejects: { line: number; reason: string; raw: string }[];
}

/** Feeds `lines` (numbered from 1) through a format and the normalise step, as an import does. */
export function runFormat(format: LogFormat, lines: readonly string[], ctx: Partial<FormatContext> = {}): RunResult {
  const { events, rejects } = runParser(format, lines, { fileName: 'test.log', ...ctx });
  const normalise = { track: null, service: null, version: null, environment: null, rules: DEFAULT_TAGGING_RULES };
  return { events: events.map((e) => normaliseEvent(e, normalise)), rejects };
}
