// logfmt: one record per line of `key=value` pairs, a value quoted when it holds spaces
// (`msg="login failed"`, `\"` and `\\` escaped inside). Go services write it (logrus's text
// formatter when not on a terminal, go-kit log, Prometheus, Grafana, Loki), and so do Rails'
// lograge and many twelve-factor apps:
//   time="2024-01-01T10:00:00Z" level=error msg="login failed" user=bob status=401 duration=12ms
//   ts=2024-01-01T10:00:00.123Z caller=main.go:42 level=info msg="Starting Loki"
// The pairs become a document read through the JSON lines aliases (jsonLines.ts), so a key
// means here what it means there (`ts`, `level`, `msg`, `status`, `duration=250ms`, …).
import { pathOf } from './ecsNdjson.js';
import type { NewEvent } from '../../case/events.js';
import { type OuterTime, jsonDocumentToEvent } from './jsonLines.js';
import type { LogFormat } from './types.js';

/** Pairs beyond this are not read: a record names its fields in the first few hundred. */
const MAX_PAIRS = 512;
const KEY_START = /[A-Za-z_@]/;

/**
 * The pairs of a logfmt line, or null when the line is not one (it does not start with a key,
 * or a quoted value is never closed). A key written without `=` is a flag: true.
 */
export function parseLogfmt(line: string): Record<string, unknown> | null {
  const doc: Record<string, unknown> = {};
  let pairs = 0;
  let i = 0;
  const n = line.length;
  while (i < n) {
    while (i < n && (line[i] === ' ' || line[i] === '\t')) i += 1;
    if (i >= n) break;
    if (!KEY_START.test(line[i] as string)) return pairs === 0 ? null : doc;
    const keyStart = i;
    while (i < n && line[i] !== '=' && line[i] !== ' ' && line[i] !== '\t' && line[i] !== '"') i += 1;
    const key = line.slice(keyStart, i);
    if (line[i] !== '=') {
      if (line[i] === '"') return null;
      doc[key] = true;
      continue;
    }
    i += 1;
    let value: string;
    if (line[i] === '"') {
      i += 1;
      let text = '';
      let closed = false;
      while (i < n) {
        const c = line[i] as string;
        if (c === '\\' && i + 1 < n) {
          const next = line[i + 1] as string;
          text += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          i += 2;
        } else if (c === '"') {
          closed = true;
          i += 1;
          break;
        } else {
          text += c;
          i += 1;
        }
      }
      if (!closed) return null;
      value = text;
    } else {
      const valueStart = i;
      while (i < n && line[i] !== ' ' && line[i] !== '\t') i += 1;
      value = line.slice(valueStart, i);
    }
    doc[key] = value;
    pairs += 1;
    if (pairs >= MAX_PAIRS) break;
  }
  return pairs === 0 ? null : doc;
}

// A line that opens with a key and a value, as the probe wants to see most lines do.
export const LOGFMT_START = /^[A-Za-z_@][\w.@-]*=(?:"|[^\s"=])/;
/**
 * Keys only logfmt writers use for what the JSON aliases name otherwise: Grafana's and log15's
 * `t` (time) and `lvl` (level). Renamed here, so a bare `t` never becomes a time in JSON lines.
 */
const LOGFMT_NAMES: Record<string, string> = { t: 'time', lvl: 'level' };

function withLogfmtNames(doc: Record<string, unknown>): Record<string, unknown> {
  for (const [key, name] of Object.entries(LOGFMT_NAMES)) {
    if (key in doc && !(name in doc)) {
      doc[name] = doc[key];
      delete doc[key];
    }
  }
  return doc;
}

/**
 * One logfmt line into an event, or why not. `outerTime` (a container log's time) is taken
 * when the pairs hold no time; `raw` is what the event keeps as its record.
 */
export function logfmtToEvent(
  text: string,
  lineNumber: number,
  raw: string,
  zone: string,
  outerTime: OuterTime | null = null,
): { ok: true; event: NewEvent } | { ok: false; reason: string } {
  const doc = parseLogfmt(text.trim());
  if (doc === null) {
    return { ok: false, reason: 'not a logfmt line (key=value pairs, a value with spaces in double quotes)' };
  }
  const outcome = jsonDocumentToEvent(withLogfmtNames(doc), lineNumber, raw, zone, outerTime);
  if (!outcome.ok) return outcome;
  const { event } = outcome;
  // lograge and the Go HTTP loggers write the request's path as `path`.
  if (event.urlPath === null && typeof doc.path === 'string' && doc.path.startsWith('/')) {
    event.urlPath = pathOf(doc.path);
  }
  return outcome;
}

const TIME_KEY = /(?:^|\s)(?:time|ts|timestamp|t|@timestamp|date|datetime)=/;

export const logfmtFormat: LogFormat = {
  name: 'logfmt',
  label: 'logfmt (key=value lines: logrus, go-kit, Prometheus, Grafana, Loki, lograge)',
  probe(sample) {
    if (sample.length === 0) return 0;
    let fits = 0;
    for (const line of sample) {
      if (!LOGFMT_START.test(line) || !TIME_KEY.test(line)) continue;
      const doc = parseLogfmt(line);
      if (doc !== null && Object.keys(doc).length >= 3) fits += 1;
    }
    const share = fits / sample.length;
    return share < 0.5 ? 0 : 0.5 + 0.45 * share;
  },
  open(ctx, sink) {
    return {
      line(number, text) {
        if (text.trim() === '') return;
        const outcome = logfmtToEvent(text, number, text, ctx.zone);
        if (outcome.ok) sink.event(outcome.event);
        else sink.reject(number, outcome.reason, text);
      },
      end() {},
    };
  },
};
