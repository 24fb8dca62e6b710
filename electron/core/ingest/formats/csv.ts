// CSV with a header row: generic exports (columns found by name through aliases, or named by
// the user's mapping) and Kibana Discover exports (ECS column names, Kibana's date format).
// A record is one line, or several when a quoted field holds line breaks; it is recorded at
// its first line. Rows are split by papaparse; this module decides where a record ends, which
// column means what, and why a bad row is rejected.
import Papa from 'papaparse';
import { CoalmineError } from '../../../../shared/errors.js';
import type { NewEvent } from '../../case/events.js';
import { type TimeResult, parseTime, wallTimeToUtc } from '../time.js';
import { parseAccessTime } from './accessLog.js';
import { pathOf } from './ecsNdjson.js';
import { type FormatContext, type LogFormat, type RecordSink, blankEvent } from './types.js';

/**
 * The fields a column can be mapped to, with the column names (compared case-insensitively)
 * that mean each. Units: `duration_ms` milliseconds, `duration_s` seconds, `duration_ns`
 * nanoseconds (ECS `event.duration`). `track` takes a label value (canary, stable, …) that the
 * tagging rules read; `path` takes a path or a whole URL.
 */
export const CSV_FIELDS = {
  timestamp: ['timestamp', 'time', 'date', '@timestamp', 'datetime', 'ts', 'event_time'],
  status: ['status', 'status_code', 'http_status', 'http.response.status_code', 'response_code', 'statuscode'],
  duration_ms: ['duration_ms', 'latency', 'latency_ms', 'response_time', 'response_time_ms', 'elapsed_ms'],
  duration_s: ['duration_s', 'request_time', 'latency_s', 'response_time_s'],
  duration_ns: ['duration_ns', 'event.duration'],
  client_ip: ['ip', 'client_ip', 'remote_addr', 'client.ip', 'source.ip', 'clientip'],
  user: ['user', 'username', 'user_name', 'user.name', 'user.id'],
  track: ['track', 'release', 'labels.track', 'labels.release', 'labels.role', 'kubernetes.labels.role'],
  version: ['version', 'service.version', 'app_version'],
  service: ['service', 'service.name', 'app', 'application'],
  environment: [
    'environment',
    'env',
    'service.environment',
    'deployment.environment',
    'deployment.environment.name',
    'labels.environment',
    'labels.env',
  ],
  host: ['host', 'hostname', 'host.name', 'host.hostname'],
  pod: ['pod', 'pod_name', 'kubernetes.pod.name'],
  level: ['level', 'severity', 'log.level', 'loglevel'],
  method: ['method', 'http_method', 'http.request.method', 'verb'],
  path: ['path', 'url', 'url.path', 'uri', 'endpoint', 'url.original'],
  message: ['message', 'msg', 'log'],
  error_type: ['error_type', 'error.type', 'exception_class'],
  error_message: ['error_message', 'error.message'],
  error_stack: ['error_stack', 'stack', 'stack_trace', 'error.stack_trace'],
} as const;

export type CsvField = keyof typeof CSV_FIELDS;

export function isCsvField(name: string): name is CsvField {
  return Object.hasOwn(CSV_FIELDS, name);
}

/** A user's mapping: column name (as in the header) → field. */
export type CsvMapping = Record<string, CsvField>;

/** `column=field,column=field` (as `--map` takes it) into a mapping; throws on a bad pair. */
export function parseCsvMapping(text: string): CsvMapping {
  const mapping: CsvMapping = {};
  for (const pair of text.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.lastIndexOf('=');
    const column = pair.slice(0, eq).trim();
    const target = pair.slice(eq + 1).trim();
    if (eq <= 0 || column === '') {
      throw new CoalmineError('BAD_INPUT', `--map: "${pair}" is not column=field`);
    }
    if (!isCsvField(target)) {
      throw new CoalmineError(
        'BAD_INPUT',
        `--map: "${target}" is not a field Coalmine reads; one of: ${Object.keys(CSV_FIELDS).join(', ')}`,
      );
    }
    mapping[column] = target;
  }
  return mapping;
}

/** The mapping given in the import's options (`ctx.options.csvMapping`), checked. */
function mappingOf(ctx: FormatContext): CsvMapping {
  const given = ctx.options.csvMapping;
  if (given === undefined || given === null) return {};
  if (typeof given !== 'object' || Array.isArray(given)) {
    throw new CoalmineError('BAD_INPUT', 'the CSV mapping must map column names to fields');
  }
  const mapping: CsvMapping = {};
  for (const [column, target] of Object.entries(given as Record<string, unknown>)) {
    if (typeof target !== 'string' || !isCsvField(target)) {
      throw new CoalmineError('BAD_INPUT', `the CSV mapping sends "${column}" to "${String(target)}", not a field`);
    }
    mapping[column] = target;
  }
  return mapping;
}

// Kibana's default `dateFormat`, `MMM D, YYYY @ HH:mm:ss.SSS`, in the exporting browser's zone;
// `dateFormat:dateNanos` writes up to nine digits (`…:ss.SSSSSSSSS`), of which ms are kept.
const KIBANA_TIME = /^([A-Z][a-z]{2}) (\d{1,2}), (\d{4}) @ (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A time written as Kibana's default date format, read in `zone`; null if it is not one. */
export function parseKibanaTime(text: string, zone: string): TimeResult | null {
  const m = KIBANA_TIME.exec(text.trim());
  if (!m) return null;
  const [, mon = '', d = '', y = '', h = '', mi = '', s = '', frac = ''] = m;
  const month = MONTHS.indexOf(mon);
  const year = Number(y);
  const day = Number(d);
  const millis = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
  const wall = Date.UTC(year, month, day, Number(h), Number(mi), Number(s), millis);
  const check = new Date(wall);
  if (
    month < 0 ||
    check.getUTCDate() !== day ||
    check.getUTCMonth() !== month ||
    Number(h) > 23 ||
    Number(mi) > 59 ||
    Number(s) > 59
  ) {
    return { ok: false, reason: `time "${text}" is not a real date and time` };
  }
  // Same bounds as parseTime, through it: a wall time in the zone, then the range check.
  return parseTime(wallTimeToUtc(wall, zone), zone);
}

/**
 * A CSV time: ISO 8601 (offset or the import's zone), Kibana's `MMM D, YYYY @ HH:mm:ss.SSS`
 * (the import's zone), epoch seconds (10 digits, optional fraction) or milliseconds (13), or an
 * access log's `dd/Mon/yyyy:HH:mm:ss ±zzzz`. Numeric day/month orders (`26/11/2026`) are not
 * read: 01/02 means a different day in a UK and a US export.
 */
export function parseCsvTime(text: string, zone: string): TimeResult {
  const trimmed = text.trim();
  const kibana = parseKibanaTime(trimmed, zone);
  if (kibana) return kibana;
  if (/^\d{10}(?:\.\d+)?$/.test(trimmed)) return parseTime(Math.round(Number(trimmed) * 1000), zone);
  // An access log's time, as a log shipper's CSV keeps it: `17/Dec/2018:10:47:58 +0800`.
  if (/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:/.test(trimmed)) return parseAccessTime(trimmed);
  const result = parseTime(trimmed, zone);
  if (result.ok || !/is not ISO 8601/.test(result.reason)) return result;
  return {
    ok: false,
    reason: `time "${trimmed.slice(0, 60)}" is not ISO 8601, epoch seconds or milliseconds, MMM D, YYYY @ HH:mm:ss.SSS or dd/Mon/yyyy:HH:mm:ss ±zzzz`,
  };
}

/** Records longer than this are taken for an unbalanced quote: the first line is rejected. */
export const MAX_RECORD_LINES = 1000;
export const MAX_RECORD_CHARS = 1024 * 1024;

const DELIMITERS = [',', ';', '\t', '|'] as const;

/** The delimiter of a header line: the candidate that splits it (outside quotes) most. */
export function headerDelimiter(header: string): string | null {
  let best: string | null = null;
  let bestCount = 0;
  for (const d of DELIMITERS) {
    let count = 0;
    let quoted = false;
    for (const c of header) {
      if (c === '"') quoted = !quoted;
      else if (c === d && !quoted) count += 1;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

/** Whether, after `text`, a quoted field is still open (its line break is part of the field). */
function quoteOpenAfter(text: string, delimiter: string, openAtStart: boolean): boolean {
  let quoted = openAtStart;
  let fieldStart = !openAtStart;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') i += 1;
        else quoted = false;
      }
    } else if (c === '"' && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = c === delimiter;
    }
  }
  return quoted;
}

export type CsvDialect = 'generic' | 'kibana';

/** Kibana prefixes values that a spreadsheet would run as formulas with `'` (csv:escapeFormulaValues). */
function unescapeKibana(value: string): string {
  return value.length > 1 && value.startsWith("'") && /^'[=+\-@\t\r]/.test(value) ? value.slice(1) : value;
}

interface ColumnPlan {
  /** For each field, the columns that feed it, in header order. */
  byField: Map<CsvField, number[]>;
  /** What each column was read as, for the source's details. */
  used: Record<string, CsvField>;
}

function planColumns(header: readonly string[], mapping: CsvMapping): ColumnPlan {
  const byField = new Map<CsvField, number[]>();
  const used: Record<string, CsvField> = {};
  const aliases = new Map<string, CsvField>();
  for (const [target, names] of Object.entries(CSV_FIELDS) as [CsvField, readonly string[]][]) {
    for (const n of names) aliases.set(n, target);
  }
  const mappedLower = new Map(Object.entries(mapping).map(([col, target]) => [col.trim().toLowerCase(), target]));
  const add = (target: CsvField, index: number, column: string): void => {
    byField.set(target, [...(byField.get(target) ?? []), index]);
    used[column] = target;
  };
  // The user's mapping first: a column it names is read before one found by its own name, and
  // a column it sends elsewhere is not also read by its own name.
  header.forEach((column, index) => {
    const target = mappedLower.get(column.trim().toLowerCase());
    if (target) add(target, index, column);
  });
  header.forEach((column, index) => {
    const key = column.trim().toLowerCase();
    const target = aliases.get(key);
    if (target && !mappedLower.has(key)) add(target, index, column);
  });
  for (const column of Object.keys(mapping)) {
    if (!header.some((h) => h.trim().toLowerCase() === column.trim().toLowerCase())) {
      throw new CoalmineError(
        'BAD_INPUT',
        `the CSV mapping names a column "${column}" that the header does not have (it has: ${header.join(', ')})`,
      );
    }
  }
  return { byField, used };
}

type RowOutcome = { ok: true; event: NewEvent } | { ok: false; reason: string };

function rowToEvent(
  row: readonly string[],
  plan: ColumnPlan,
  header: readonly string[],
  line: number,
  raw: string,
  ctx: FormatContext,
  dialect: CsvDialect,
): RowOutcome {
  const get = (f: CsvField): string | null => {
    for (const index of plan.byField.get(f) ?? []) {
      const cell = row[index];
      if (cell === undefined) continue;
      const value = dialect === 'kibana' ? unescapeKibana(cell) : cell;
      // Kibana writes an empty field as `-`.
      if (value.trim() !== '' && !(dialect === 'kibana' && value.trim() === '-')) return value;
    }
    return null;
  };
  const timeColumn = header[plan.byField.get('timestamp')?.[0] ?? -1] ?? 'timestamp';
  const tsText = get('timestamp');
  if (tsText === null) return { ok: false, reason: `no time (column ${timeColumn} is empty)` };
  const time = parseCsvTime(tsText, ctx.zone);
  if (!time.ok) return { ok: false, reason: `${timeColumn}: ${time.reason}` };

  const event = blankEvent(line, raw, time.ms, tsText);
  const statusText = get('status');
  if (statusText !== null) {
    const status = Number(statusText.trim());
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      return { ok: false, reason: `status "${statusText.slice(0, 40)}" is not an HTTP status` };
    }
    event.status = status;
  }
  for (const [f, toMs] of [
    ['duration_ms', 1],
    ['duration_s', 1000],
    ['duration_ns', 1e-6],
  ] as const) {
    const value = get(f);
    if (value === null || event.durationMs !== null) continue;
    const n = Number(value.trim());
    if (!Number.isFinite(n) || n < 0) {
      return { ok: false, reason: `${f} "${value.slice(0, 40)}" is not a non-negative number` };
    }
    event.durationMs = n * toMs;
  }
  const trimmed = (f: CsvField): string | null => get(f)?.trim() || null;
  event.trackLabel = get('track');
  event.version = trimmed('version');
  event.service = trimmed('service');
  event.environment = trimmed('environment');
  event.host = trimmed('host');
  event.pod = trimmed('pod');
  event.level = trimmed('level')?.toLowerCase() ?? null;
  event.httpMethod = trimmed('method')?.toUpperCase() ?? null;
  event.urlPath = pathOf(trimmed('path'));
  event.clientIp = trimmed('client_ip');
  event.user = trimmed('user');
  event.message = get('message');
  event.errorType = trimmed('error_type');
  event.errorMessage = get('error_message');
  event.errorStack = get('error_stack');
  return { ok: true, event };
}

const NO_TIME_COLUMN = `no time column in the header (looked for ${CSV_FIELDS.timestamp.join(', ')}); name it with --map COLUMN=timestamp`;

function readHeader(
  text: string,
  mapping: CsvMapping,
  dialect: CsvDialect,
): { delimiter: string; names: string[]; plan: ColumnPlan } {
  const delimiter = headerDelimiter(text) ?? ',';
  const parsed = Papa.parse<string[]>(text, { delimiter, quoteChar: '"' });
  const names = (parsed.data[0] ?? []).map((h) => (dialect === 'kibana' ? unescapeKibana(h) : h).trim());
  return { delimiter, names, plan: planColumns(names, mapping) };
}

/** LogFormat.check: the header (the first non-blank line) must name a time column, and the mapping only its columns. */
export function checkCsv(sample: readonly string[], ctx: FormatContext, dialect: CsvDialect): string | null {
  const first = sample[0];
  if (first === undefined) return null; // an empty file: nothing to read, nothing to refuse
  try {
    const { plan } = readHeader(first, mappingOf(ctx), dialect);
    return plan.byField.has('timestamp') ? null : `line 1: ${NO_TIME_COLUMN}`;
  } catch (error) {
    if (error instanceof CoalmineError) return error.message;
    throw error;
  }
}

/** Reads CSV lines into records; `dialect` picks Kibana's conventions. */
export function openCsv(
  ctx: FormatContext,
  sink: RecordSink,
  dialect: CsvDialect,
): {
  line(number: number, text: string): void;
  end(): void;
} {
  const mapping = mappingOf(ctx);
  let header: string[] | null = null;
  let delimiter = ',';
  let plan: ColumnPlan | null = null;
  let pending: { line: number; lines: string[]; chars: number } | null = null;

  const takeHeader = (number: number, text: string): void => {
    const read = readHeader(text, mapping, dialect);
    delimiter = read.delimiter;
    header = read.names;
    plan = read.plan;
    if (!plan.byField.has('timestamp')) {
      throw new CoalmineError('BAD_INPUT', `${ctx.fileName}:${number}: ${NO_TIME_COLUMN}`);
    }
  };

  /** `lines` is the record's lines when it spans several. */
  const record = (number: number, raw: string, lines?: string[]): void => {
    if (!header || !plan) return;
    const parsed = Papa.parse<string[]>(raw, { delimiter, quoteChar: '"' });
    const problem = parsed.errors.find((e) => e.type === 'Quotes');
    if (lines && (problem || parsed.data.length > 1)) {
      // The quote that opened this record was a stray one: only its line is bad.
      unbalanced(number, lines);
      return;
    }
    if (problem) {
      sink.reject(number, `malformed quotes (${problem.message.toLowerCase()})`, raw);
      return;
    }
    const row = parsed.data[0] ?? [];
    if (parsed.data.length > 1 || row.length < header.length) {
      const fields = parsed.data.length > 1 ? 'more than one row' : `${row.length} fields`;
      sink.reject(number, `short row: ${fields}, the header has ${header.length}`, raw);
      return;
    }
    if (row.length > header.length && row.slice(header.length).some((cell) => cell.trim() !== '')) {
      sink.reject(number, `long row: ${row.length} fields, the header has ${header.length}`, raw);
      return;
    }
    const outcome = rowToEvent(row, plan, header, number, raw, ctx, dialect);
    if (outcome.ok) sink.event(outcome.event);
    else sink.reject(number, outcome.reason, raw);
  };

  const feed = (number: number, text: string): void => {
    if (pending) {
      pending.lines.push(text);
      pending.chars += text.length + 1;
      if (quoteOpenAfter(text, delimiter, true)) {
        if (pending.lines.length > MAX_RECORD_LINES || pending.chars > MAX_RECORD_CHARS) overflow();
        return;
      }
      const done = pending;
      pending = null;
      record(done.line, done.lines.join('\n'), done.lines);
      return;
    }
    if (text.trim() === '') return;
    if (!header) {
      takeHeader(number, text);
      return;
    }
    if (quoteOpenAfter(text, delimiter, false)) {
      pending = { line: number, lines: [text], chars: text.length + 1 };
      return;
    }
    record(number, text);
  };

  // A quote that never closes: its line is rejected, and the lines after it are read again
  // as records of their own, so one stray quote costs one row.
  const overflow = (): void => {
    const open = pending;
    if (!open) return;
    pending = null;
    unbalanced(open.line, open.lines);
  };
  function unbalanced(line: number, lines: string[]): void {
    sink.reject(
      line,
      `unbalanced quotes: a quoted field opened on this line does not close into a well-formed row (read ${lines.length} lines)`,
      lines[0] ?? '',
    );
    lines.slice(1).forEach((text, i) => feed(line + 1 + i, text));
  }

  return {
    line: feed,
    end() {
      while (pending) overflow();
    },
  };
}

/** Lines that look like a header of column names, and rows with as many fields. */
export function csvShape(sample: readonly string[]): { header: string[]; consistent: number } | null {
  const first = sample[0];
  if (first === undefined) return null;
  const delimiter = headerDelimiter(first);
  if (delimiter === null) return null;
  const header = (Papa.parse<string[]>(first, { delimiter }).data[0] ?? []).map((h) =>
    h.trim().replace(/^'(?=[=+\-@])/, ''),
  );
  if (header.length < 2 || !header.every((h) => /^[\w@.\-/ ]{1,100}$/.test(h))) return null;
  // The rows as the reader will see them: a quoted field may hold line breaks. The sample may
  // end inside one; that last row is not counted.
  const parsed = Papa.parse<string[]>(sample.slice(1).join('\n'), { delimiter });
  const rows = parsed.data;
  if (rows.length > 1 && parsed.errors.some((e) => e.type === 'Quotes')) rows.pop();
  if (rows.length === 0 || sample.length === 1) return { header, consistent: 1 };
  const matching = rows.filter((r) => r.length === header.length);
  return { header, consistent: matching.length / rows.length };
}

const TIME_NAMES = new Set<string>(CSV_FIELDS.timestamp);

export const csvFormat: LogFormat = {
  name: 'csv',
  label: 'CSV with a header row (columns by name, or a saved mapping)',
  probe(sample, fileName) {
    const shape = csvShape(sample);
    if (shape === null) return 0;
    // Quoted fields spanning lines make some sample rows look short.
    if (shape.consistent < 0.5) return 0;
    const timed = shape.header.some((h) => TIME_NAMES.has(h.toLowerCase()));
    const named = /\.(?:csv|tsv)$/i.test(fileName);
    return (timed ? 0.6 : 0.3) + (named ? 0.2 : 0);
  },
  check: (sample, ctx) => checkCsv(sample, ctx, 'generic'),
  open(ctx, sink) {
    return openCsv(ctx, sink, 'generic');
  },
};
