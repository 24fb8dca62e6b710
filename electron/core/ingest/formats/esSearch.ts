// Elasticsearch `_search` / scroll / point-in-time responses saved as JSON: one response,
// several concatenated (one per line or pretty-printed one after another), an array of them,
// or an `_msearch` `{"responses": [...]}`; also hits saved on their own, one per line
// (elasticdump) or in one compact array. The file is followed token by token without
// parsing whole documents; each object of a `hits.hits` array is cut out as it closes and
// mapped through the ECS mapping and the JSON lines aliases (its `_source`, else its `fields`), so memory holds one hit
// at a time whatever the file's size. A hit is recorded at the line where it starts; its raw
// text (with `_index` and `_id`) is kept as evidence, and its `<_index>/<_id>` as the document's
// key (case/documents.ts), so that a document this file shares with a pull or another file, or
// holds twice (overlapping pages), is counted once.
import { isObject } from '../fieldAccess.js';
import { ecsDocumentRecords, text } from './ecsNdjson.js';
import { jsonDocumentToEvent } from './jsonLines.js';
import type { LogFormat, RecordSink } from './types.js';

/** One hit longer than this is rejected (and skipped to its end), not held in memory. */
export const MAX_HIT_CHARS = 16 * 1024 * 1024;

interface Frame {
  kind: 'object' | 'array';
  /** The key under which this container sits in its parent object (null in an array). */
  key: string | null;
  /** In an object: the next string is a key. */
  expectKey: boolean;
  /** In an object: the key of the value being read. */
  pendingKey: string | null;
}

interface Capture {
  line: number;
  pieces: string[];
  chars: number;
  depth: number;
  tooLong: boolean;
}

/** `fields` as Elasticsearch returns them: every value an array; single values unwrapped. */
function flattenFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = Array.isArray(value) && value.length === 1 ? value[0] : value;
  }
  return out;
}

/**
 * A hit's document as the case keys it (case/documents.ts): `<_index>/<_id>` (an index name
 * never holds "/"); null unless the hit says both, as an id alone is unique only in its index.
 */
export function documentKey(index: unknown, id: unknown): string | null {
  if (typeof index !== 'string' || index === '' || typeof id !== 'string' || id === '') return null;
  return `${index}/${id}`;
}

function hitToRecords(raw: string, line: number, zone: string, sink: RecordSink): void {
  let hit: unknown;
  try {
    hit = JSON.parse(raw);
  } catch (error) {
    sink.reject(line, `hit is not valid JSON (${(error as Error).message})`, raw);
    return;
  }
  if (!isObject(hit)) {
    sink.reject(line, 'hit is not a JSON object', raw);
    return;
  }
  const id = `hit ${text(hit._index) ?? '?'}/${text(hit._id) ?? '?'}`;
  const source = isObject(hit._source) ? hit._source : null;
  const fields = isObject(hit.fields) ? flattenFields(hit.fields) : null;
  if (source === null && fields === null) {
    sink.reject(line, `${id} has neither _source nor fields`, raw);
    return;
  }
  // `fields` fill what `_source` leaves out (a source filtered with `_source: false` or includes).
  const doc = fields === null ? (source as Record<string, unknown>) : { ...fields, ...(source ?? {}) };
  // An index holds whatever was sent to it (pino's `msg`, a `timestamp` without `@`): ECS
  // names first, then the JSON lines aliases.
  const outcome = ecsDocumentRecords(doc, line, raw, zone, jsonDocumentToEvent);
  if (!outcome.ok) {
    sink.reject(line, `${id}: ${outcome.reason}`, raw);
    return;
  }
  const docKey = documentKey(hit._index, hit._id);
  if (outcome.event) {
    if (docKey !== null) outcome.event.docKey = docKey;
    sink.event(outcome.event);
  }
  for (const sample of outcome.metrics) {
    if (docKey !== null) sample.docKey = docKey;
    sink.metric(sample);
  }
}

const MAX_NESTING = 512;
const BACKSLASH = 0x5c;
const QUOTE = 0x22;

/** Index of the quote that closes the string opened before `from`, or -1 if the line ends first. */
function stringEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i += 1;
    else if (c === QUOTE) return i;
  }
  return -1;
}

/** A key with escapes; one that is not valid JSON is kept as written (it is never `hits`). */
function decodeKey(rawKey: string): string {
  try {
    return JSON.parse(`"${rawKey}"`) as string;
  } catch {
    return rawKey;
  }
}

export class SearchResponseReader {
  private stack: Frame[] = [];
  private capture: Capture | null = null;
  /** The line where the top-level value being read began. */
  private topLine = 0;
  /** After malformed JSON, lines are skipped until one starts a new top-level value. */
  private resync: { from: number; lines: number; reason: string } | null = null;

  constructor(
    private readonly zone: string,
    private readonly sink: RecordSink,
  ) {}

  line(number: number, text: string): void {
    if (this.resync) {
      if (!/^[[{]/.test(text)) {
        this.resync.lines += 1;
        return;
      }
      this.endResync();
    }
    let i = 0;
    if (this.capture) {
      i = this.continueCapture(number, text, 0);
      if (i < 0) return;
    }
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        i += 1;
        continue;
      }
      const frame = this.stack[this.stack.length - 1];
      if (frame === undefined && c !== 0x7b && c !== 0x5b) {
        this.fail(number, text, 'not part of an Elasticsearch search response (expected { or [)');
        return;
      }
      if (c === QUOTE) {
        const end = stringEnd(text, i + 1);
        if (end < 0) {
          this.fail(number, text, 'the line ends inside a JSON string');
          return;
        }
        if (frame?.kind === 'object' && frame.expectKey) {
          const rawKey = text.slice(i + 1, end);
          frame.pendingKey = rawKey.includes('\\') ? decodeKey(rawKey) : rawKey;
          frame.expectKey = false;
          if (frame.pendingKey === 'error' && this.atResponseLevel()) {
            this.sink.reject(number, 'an Elasticsearch error response, not search hits', text);
          }
        }
        i = end + 1;
        continue;
      }
      if (c === 0x2c /* , */) {
        if (frame?.kind === 'object') {
          frame.expectKey = true;
          frame.pendingKey = null;
        }
        i += 1;
        continue;
      }
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        if (frame === undefined) this.topLine = number;
        const parent = this.stack[this.stack.length - 2];
        const hitInResponse = frame?.kind === 'array' && frame.key === 'hits' && parent?.key === 'hits';
        // Hits saved on their own (elasticdump, `jq -c '.hits.hits[]'`): a top-level object, or
        // one in a top-level array, that opens with a hit's key on the same line.
        const hitOnItsOwn =
          (frame === undefined || (frame.kind === 'array' && this.stack.length === 1)) &&
          HIT_START.test(text.slice(i, i + 40));
        if (c === 0x7b && (hitInResponse || hitOnItsOwn)) {
          this.capture = { line: number, pieces: [], chars: 0, depth: 0, tooLong: false };
          i = this.continueCapture(number, text, i);
          if (i < 0) return;
          continue;
        }
        // A response nests a few levels; thousands of brackets are hostile, not a response.
        if (this.stack.length >= MAX_NESTING) {
          this.fail(number, text, `nested deeper than ${MAX_NESTING} levels`);
          return;
        }
        const key = frame?.kind === 'object' ? frame.pendingKey : null;
        this.stack.push({ kind: c === 0x7b ? 'object' : 'array', key, expectKey: c === 0x7b, pendingKey: null });
        i += 1;
        continue;
      }
      if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
        const kind = c === 0x7d ? 'object' : 'array';
        if (frame?.kind !== kind) {
          this.fail(number, text, `unexpected ${String.fromCharCode(c)}`);
          return;
        }
        this.stack.pop();
        i += 1;
        continue;
      }
      // `:`, numbers, true, false, null: nothing to follow.
      i += 1;
    }
  }

  /** The innermost frame is a response: a top-level object, or one in a top-level array or `responses`. */
  private atResponseLevel(): boolean {
    const depth = this.stack.length;
    if (depth === 1) return true;
    const outer = this.stack[depth - 2];
    return outer?.kind === 'array' && (depth === 2 || outer.key === 'responses');
  }

  end(lastLine: number): void {
    if (this.capture) {
      const { line, pieces, tooLong } = this.capture;
      if (!tooLong) this.sink.reject(line, 'the file ends inside this hit (truncated)', pieces.join('\n'));
      this.capture = null;
    } else if (this.stack.length > 0) {
      this.sink.reject(
        this.topLine,
        `the file ends before the response that starts here closes (truncated after line ${lastLine})`,
        '',
      );
    }
    if (this.resync) this.endResync();
    this.stack = [];
  }

  /**
   * Follows the hit being cut out from `text[from]` on; emits it when it closes and returns
   * the index after it, or -1 when the line is used up (or the hit was abandoned).
   */
  private continueCapture(number: number, text: string, from: number): number {
    const capture = this.capture;
    if (!capture) return from;
    let i = from;
    for (; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        const end = stringEnd(text, i + 1);
        if (end < 0) {
          const raw = [...capture.pieces, text.slice(from)].join('\n');
          this.capture = null;
          this.fail(number, text, `the line ends inside a JSON string of the hit starting at line ${capture.line}`, {
            line: capture.line,
            raw,
            silent: capture.tooLong,
          });
          return -1;
        }
        i = end;
      } else if (c === 0x7b || c === 0x5b) {
        capture.depth += 1;
      } else if (c === 0x7d || c === 0x5d) {
        capture.depth -= 1;
        if (capture.depth === 0) {
          this.capture = null;
          if (capture.tooLong) return i + 1;
          capture.pieces.push(text.slice(from, i + 1));
          const raw = capture.pieces.join('\n');
          if (capture.chars + i + 1 - from > MAX_HIT_CHARS) this.rejectTooLong(capture.line, raw);
          else hitToRecords(raw, capture.line, this.zone, this.sink);
          return i + 1;
        }
      }
    }
    if (!capture.tooLong) {
      const piece = text.slice(from);
      capture.pieces.push(piece);
      capture.chars += piece.length + 1;
      if (capture.chars > MAX_HIT_CHARS) {
        this.rejectTooLong(capture.line, capture.pieces.join('\n'));
        capture.tooLong = true;
        capture.pieces = [];
      }
    }
    return -1;
  }

  private rejectTooLong(line: number, raw: string): void {
    this.sink.reject(line, `hit longer than ${MAX_HIT_CHARS / 1024 / 1024} MiB; skipped`, raw);
  }

  private fail(
    number: number,
    text: string,
    reason: string,
    hit?: { line: number; raw: string; silent: boolean },
  ): void {
    if (hit) {
      if (!hit.silent) this.sink.reject(hit.line, `malformed hit: ${reason}`, hit.raw);
    } else {
      this.sink.reject(number, `malformed JSON: ${reason}`, text);
    }
    this.stack = [];
    this.capture = null;
    this.resync = { from: number + 1, lines: 0, reason };
  }

  private endResync(): void {
    const resync = this.resync;
    this.resync = null;
    if (resync && resync.lines > 0) {
      this.sink.reject(
        resync.from,
        `${resync.lines} line${resync.lines === 1 ? '' : 's'} skipped after malformed JSON, up to the next line that starts with { or [`,
        '',
      );
    }
  }
}

const HIT_START = /^\{\s*"(?:_index|_id|_source|_type)"\s*:/;

// What the first lines of a saved search response hold, compact or pretty-printed.
const RESPONSE_KEYS = /"(?:took|timed_out|_shards|_scroll_id|pit_id|hits)"\s*:/g;
const HIT_KEYS = /"(?:_index|_id|_source)"\s*:/;

export const esSearchFormat: LogFormat = {
  name: 'es-search',
  label: 'Elasticsearch _search / scroll responses saved as JSON',
  probe(sample) {
    const first = sample[0]?.trimStart() ?? '';
    if (!first.startsWith('{') && !first.startsWith('[')) return 0;
    const head = sample.join('\n');
    // Hits one per line (elasticdump) or in one array.
    const hitLines = sample.filter((line) => HIT_START.test(line.trimStart().replace(/^\[\s*/, ''))).length;
    if (hitLines * 2 >= sample.length && head.includes('"_source"')) return 0.9;
    if (!head.includes('"hits"')) return 0;
    const keys = new Set((head.match(RESPONSE_KEYS) ?? []).map((k) => k.replace(/\s+/g, '')));
    // `filter_path=hits.hits._source` leaves only the hits array of each response.
    const hitsArray = /"hits"\s*:\s*\[/.test(head);
    if (keys.size >= 3 || (hitsArray && HIT_KEYS.test(head))) return 0.95;
    if (keys.size >= 2 || hitsArray) return 0.8;
    return 0;
  },
  open(ctx, sink) {
    const reader = new SearchResponseReader(ctx.zone, sink);
    let last = 0;
    return {
      line(number, text) {
        last = number;
        reader.line(number, text);
      },
      end: () => reader.end(last),
    };
  },
};
