// The sample event behind a finding: one row of `events`, read with LIMIT 1 through the
// indexes the judge uses, shown as one trimmed line with its time, source and line (the
// reader can open the file at that line). Its text is pseudonymised before it is trimmed,
// so a cut can never leave half an address in clear.
import path from 'node:path';
import type { ReviewSample, ReviewTime } from '../../../shared/review.js';
import { formatUkWithZone } from '../../../shared/ukTime.js';
import type { CaseDb } from '../case/caseStore.js';
import type { Pseudonymiser } from './pseudonymise.js';

/**
 * How long a sample line may be, in characters, once made one line: long enough for a whole
 * ECS or JSON log line (fields such as the user come late in it), short enough for a page.
 */
export const SAMPLE_MAX_CHARS = 1000;
/** How much of a raw record is read at most (a stack trace can be long). */
const RAW_READ_CHARS = 4000;

export function reviewTime(epochMs: number): ReviewTime {
  return { epochMs, uk: formatUkWithZone(epochMs) };
}

/** Text as one line: runs of white space and control characters become one space. */
export function oneLine(text: string, max = SAMPLE_MAX_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\s\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface SampleRow {
  id: number;
  source_id: number;
  source_line: number;
  ts: number;
  raw: string;
  message: string | null;
  service: string | null;
  /** The event's `user`, told to the pseudonymiser (`noteUser`). */
  user: string | null;
}

/** The columns to SELECT for `sampleOf` (a prefix `e.` when the query joins). */
export function sampleColumns(alias = ''): string {
  const a = alias === '' ? '' : `${alias}.`;
  return `${a}id AS id, ${a}source_id AS source_id, ${a}source_line AS source_line, ${a}ts AS ts,
          substr(${a}raw, 1, ${RAW_READ_CHARS}) AS raw, substr(${a}message, 1, ${RAW_READ_CHARS}) AS message,
          ${a}service AS service, ${a}user AS user`;
}

/** The sources' names as a review shows them, pseudonymised (a file can be named for a person). */
export class SourceNames {
  private readonly names = new Map<number, string>();

  constructor(db: CaseDb, pseudonymiser: Pseudonymiser) {
    const rows = db.prepare(`SELECT id, name, format FROM sources`).all() as {
      id: number;
      name: string;
      format: string;
    }[];
    for (const r of rows) this.names.set(r.id, reviewSourceName(r.name, r.format, pseudonymiser));
  }

  of(id: number): string {
    return this.names.get(id) ?? `source ${id}`;
  }
}

/** A file's base name; a pull keeps its own name ("<index> on <cluster>"). */
export function sourceDisplayName(name: string, format: string): string {
  if (format.startsWith('elasticsearch')) return name;
  return path.basename(name.replace(/\\/g, '/'));
}

/** Extensions of log files only: any other last part of a name could be a domain's. */
const LOG_EXTENSION = /(?:\.(?:log|ndjson|jsonl|json|csv|tsv|txt|out|err|\d{1,3}))?(?:\.(?:gz|bz2|xz|zst|zip))?$/i;

/**
 * A source's name for a review: its display name with personal values replaced
 * (`logs-from-mary.major@corp.example.ndjson`). The extension is kept apart, so it is not read
 * as the end of an address and the reader still sees the file's kind.
 */
export function reviewSourceName(name: string, format: string, pseudonymiser: Pseudonymiser): string {
  const shown = sourceDisplayName(name, format);
  const extension = format.startsWith('elasticsearch') ? '' : (LOG_EXTENSION.exec(shown)?.[0] ?? '');
  return pseudonymiser.text(shown.slice(0, shown.length - extension.length)) + extension;
}

export function sampleOf(row: SampleRow, names: SourceNames, pseudonymiser: Pseudonymiser): ReviewSample {
  pseudonymiser.noteUser(row.user);
  return {
    text: oneLine(pseudonymiser.text(oneLine(row.raw, RAW_READ_CHARS))),
    at: reviewTime(row.ts),
    sourceId: row.source_id,
    sourceName: names.of(row.source_id),
    line: row.source_line,
  };
}
