// The Markdown review (electron/core/review/reviewMarkdown.ts), read as a person (and a
// CommonMark/GFM renderer) would: the front matter's values, the headings in order, the
// table's figures in their rows, UK times only, every hash whole, and log text inert.
import { describe, expect, it } from 'vitest';
import { renderMarkdownReview } from '../../electron/core/review/reviewMarkdown.js';
import type { ReviewDocument } from '../../shared/review.js';
import { showControlCharacters } from '../../shared/controlCharacters.js';
import {
  HOSTILE,
  HOSTILE_NAMES,
  affectedOnBothTracks,
  emptyAffected,
  reviewTime,
  sampleReviewDocument,
} from '../helpers/reviewFixture.js';

// ---- Reading Markdown: as much of CommonMark and GFM as the review writes -----------------

interface CodeBlock {
  info: string;
  body: string;
}

interface ReadMarkdown {
  frontMatter: string[];
  /** The body's lines outside code blocks; a code block stands as one line `\0code <n>`. */
  lines: string[];
  code: CodeBlock[];
}

/**
 * Splits the front matter, the code blocks and the rest. Any line opening with ``` or ~~~
 * opens a block (so prose can never start one unseen); a block closes only on a line of at
 * least as many backticks, as CommonMark says.
 */
function readMarkdown(md: string): ReadMarkdown {
  const all = md.split('\n');
  expect(all[0]).toBe('---');
  const end = all.indexOf('---', 1);
  expect(end).toBeGreaterThan(0);
  const lines: string[] = [];
  const code: CodeBlock[] = [];
  let open: { fence: string; info: string; body: string[] } | null = null;
  for (const line of all.slice(end + 1)) {
    if (open) {
      const close = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(line);
      if (close?.[1] && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        lines.push(`\0code ${code.length}`);
        code.push({ info: open.info, body: open.body.join('\n') });
        open = null;
      } else {
        open.body.push(line);
      }
      continue;
    }
    const start = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (start?.[1] !== undefined) {
      open = { fence: start[1], info: start[2] ?? '', body: [] };
      continue;
    }
    lines.push(line);
  }
  expect(open, 'a code block is never closed').toBeNull();
  return { frontMatter: all.slice(1, end), lines, code };
}

/** Inline Markdown as it reads once rendered: backslash escapes and the three entities undone. */
function readInline(md: string): string {
  return md
    .replace(/\\([!-/:-@[-`{-~])/g, '$1')
    .replace(/&(lt|gt|amp);/g, (_, name: string) => ({ lt: '<', gt: '>', amp: '&' })[name] ?? '');
}

/** A table row's cells, split on pipes not escaped by a backslash (GFM, code spans included). */
function rowCells(row: string): string[] {
  const cells: string[] = [];
  let current = '';
  for (let i = 0; i < row.length; i++) {
    const ch = row[i] ?? '';
    if (ch === '\\' && i + 1 < row.length) {
      current += ch + (row[i + 1] ?? '');
      i++;
    } else if (ch === '|') {
      cells.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  cells.push(current);
  expect(cells[0]?.trim(), `row starts with a pipe: ${row}`).toBe('');
  expect(cells.at(-1)?.trim(), `row ends with a pipe: ${row}`).toBe('');
  return cells.slice(1, -1).map((c) => c.trim());
}

/** A cell as it reads: a code span's content (GFM unescapes its pipes first), or inline text. */
function readCell(cell: string): string {
  const span = /^(`+)(.*)\1$/.exec(cell);
  if (span) {
    const inner = (span[2] ?? '').replace(/\\\|/g, '|');
    return inner.startsWith(' ') && inner.endsWith(' ') && inner.trim() !== '' ? inner.slice(1, -1) : inner;
  }
  return readInline(cell);
}

interface Heading {
  level: number;
  text: string;
  index: number;
}

function headings(read: ReadMarkdown): Heading[] {
  return read.lines.flatMap((line, index) => {
    const m = /^(#{1,6}) (.*)$/.exec(line);
    return m ? [{ level: (m[1] ?? '').length, text: readInline(m[2] ?? ''), index }] : [];
  });
}

/** The lines under a heading, up to the next heading of the same level or higher. */
function under(read: ReadMarkdown, level: number, text: string): string[] {
  const all = headings(read);
  const at = all.findIndex((h) => h.level === level && h.text === text);
  expect(at, `heading "${text}"`).toBeGreaterThanOrEqual(0);
  const start = all[at]?.index ?? 0;
  const next = all.slice(at + 1).find((h) => h.level <= level);
  return read.lines.slice(start + 1, next?.index ?? read.lines.length);
}

interface Table {
  header: string[];
  rows: string[][];
  /** The cells as written, before they are read. */
  raw: string[][];
}

/** Every pipe table in `lines`, each row checked to have as many cells as its header. */
function tables(lines: string[]): Table[] {
  const found: Table[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith('|') || lines[i - 1]?.startsWith('|')) continue;
    const block: string[] = [];
    for (let j = i; j < lines.length && lines[j]?.startsWith('|'); j++) block.push(lines[j] ?? '');
    const [head = '', delimiter = '', ...body] = block;
    const header = rowCells(head);
    const delimiterCells = rowCells(delimiter);
    expect(
      delimiterCells.every((c) => /^:?-{3,}:?$/.test(c)),
      `delimiter row: ${delimiter}`,
    ).toBe(true);
    expect(delimiterCells).toHaveLength(header.length);
    const rows = body.map((row) => {
      const cells = rowCells(row);
      expect(cells, `cells of row: ${row}`).toHaveLength(header.length);
      return cells;
    });
    found.push({ header: header.map(readCell), rows: rows.map((r) => r.map(readCell)), raw: rows });
  }
  return found;
}

function onlyTable(lines: string[]): Table {
  const found = tables(lines);
  expect(found).toHaveLength(1);
  return found[0] as Table;
}

/** True when `token` occurs with its first character not escaped by a backslash. */
function hasUnescaped(text: string, token: string): boolean {
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    let backslashes = 0;
    for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) backslashes++;
    if (backslashes % 2 === 0) return true;
  }
  return false;
}

/** A reader of the front matter: each line one key and one YAML double-quoted scalar. */
function readFrontMatter(lines: string[]): Record<string, string> {
  const escapes: Record<string, string> = {
    '0': '\0',
    a: '\x07',
    b: '\b',
    t: '\t',
    n: '\n',
    v: '\v',
    f: '\f',
    r: '\r',
    e: '\x1b',
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    N: '\x85',
    _: '\xa0',
    L: '\u2028',
    P: '\u2029',
  };
  const values: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([a-z_]+): "(.*)$/.exec(line);
    expect(m, `front matter line: ${line}`).not.toBeNull();
    const [, key = '', rest = ''] = m ?? [];
    let value = '';
    let closed = false;
    for (let i = 0; i < rest.length; i++) {
      const ch = rest[i] ?? '';
      if (ch === '"') {
        expect(i, `nothing after the closing quote: ${line}`).toBe(rest.length - 1);
        closed = true;
        break;
      }
      if (ch !== '\\') {
        value += ch;
        continue;
      }
      const next = rest[++i] ?? '';
      if (next === 'u' || next === 'x') {
        const width = next === 'u' ? 4 : 2;
        value += String.fromCodePoint(parseInt(rest.slice(i + 1, i + 1 + width), 16));
        i += width;
      } else {
        expect(escapes, `escape \\${next} in ${line}`).toHaveProperty([next]);
        value += escapes[next] ?? '';
      }
    }
    expect(closed, `closing quote: ${line}`).toBe(true);
    expect(values, `key ${key} once`).not.toHaveProperty([key]);
    values[key] = value;
  }
  return values;
}

/** Every `uk` text in the document: the times a reader must find, as the model wrote them. */
function ukTimes(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(ukTimes);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => (key === 'uk' && typeof v === 'string' ? [v] : ukTimes(v)));
  }
  return [];
}

const H2 = [
  'Verdict',
  'Author and sign-off',
  'Summary',
  'Canary vs stable',
  'What occurred',
  'Who was affected',
  'Actions taken',
  'Root cause',
  'Recommendations',
  'Evidence appendix',
];

// 29/03/2026: the clocks go forward at 01:00 GMT, to 02:00 BST.
const CLOCK_CHANGE = Date.UTC(2026, 2, 29, 1, 0, 0);

describe('Markdown review of the sample document', () => {
  const doc = sampleReviewDocument();
  const md = renderMarkdownReview(doc);
  const read = readMarkdown(md);
  const prose = read.lines.join('\n');

  it('holds the front matter a knowledge base indexes, every value quoted', () => {
    expect(readFrontMatter(read.frontMatter)).toEqual({
      title: 'Post-deployment review: checkout 2.4.0 → 2.5.0',
      service: 'checkout',
      rollout: 'checkout@2.5.0',
      stable_version: '2.4.0',
      canary_version: '2.5.0',
      verdict: 'Roll back',
      decision: 'rollback',
      date: '02/03/2026 10:30:00 GMT',
      pseudonymised: 'yes',
    });
  });

  it('has one title and the sections in order', () => {
    const all = headings(read);
    expect(all.filter((h) => h.level === 1).map((h) => h.text)).toEqual([doc.title]);
    expect(all.filter((h) => h.level === 2).map((h) => h.text)).toEqual(H2);
    expect(all[0]?.level).toBe(1);
  });

  it('heads the document with service, versions, window, verdict and its reasons as sentences', () => {
    const head = read.lines.slice(0, headings(read)[1]?.index).map(readInline);
    expect(head).toEqual(
      expect.arrayContaining([
        '- **Service:** checkout',
        '- **Stable version:** 2.4.0',
        '- **Canary version:** 2.5.0',
        '- **Rollout:** checkout@2.5.0',
        '- **Window:** 02/03/2026 09:30:00 GMT to 02/03/2026 10:30:00 GMT (1 h 00 min)',
        '- **Verdict:** Roll back',
      ]),
    );
    const verdict = under(read, 2, 'Verdict').map(readInline);
    expect(verdict).toContain('Roll back: a 401 surge and a new exception on the canary.');
    expect(verdict).toContain(`- **Roll back, blocks promotion:** ${doc.verdict.reasons[0]?.text} (rule auth-surge)`);
    expect(verdict).toContain(`- **Hold, blocks promotion:** ${doc.verdict.reasons[1]?.text} (rule new-exception)`);
    expect(verdict).toContain(
      '- **Pre-existing, does not block promotion:** The 5xx rate breaches its threshold on stable too. (rule error-rate)',
    );
  });

  it('leaves lines to fill in for an empty sign-off, and says how times are written and that data is pseudonymised', () => {
    const signOff = under(read, 2, 'Author and sign-off').map(readInline);
    expect(signOff).toEqual(
      expect.arrayContaining([
        '- **Author:** Analyst <b>One</b>',
        '- **Signed off by:** ________________',
        '- **Role:** ________________',
        '- **Date:** ________________',
        doc.timeNote,
      ]),
    );
    expect(signOff.some((l) => l.startsWith('**Personal data:** Pseudonymised'))).toBe(true);
  });

  it('puts each figure of the comparison in its metric’s row and column', () => {
    const table = onlyTable(under(read, 2, 'Canary vs stable'));
    expect(table.header).toEqual(['Metric', 'Stable', 'Canary', 'Variance', 'p-value', 'Action required']);
    expect(table.rows).toEqual(
      doc.comparison.rows.map((r) => [r.label, r.stable, r.canary, r.variance, r.pValue, r.actionRequired]),
    );
    expect(table.rows.find((r) => r[0] === '401 rate')).toEqual([
      '401 rate',
      '0.5 % (3 of 653)',
      '19.5 % (23 of 118)',
      '+4,143.2 %',
      '< 0.0001',
      'Roll back',
    ]);
    expect(under(read, 2, 'Canary vs stable').map(readInline)).toContain(doc.comparison.notes[0]);
  });

  it('tells what occurred, in order, each finding with its time, detail and evidence', () => {
    const section = under(read, 2, 'What occurred');
    const entries = headings({ ...read, lines: section }).filter((h) => h.level === 3);
    expect(entries.map((h) => h.text)).toEqual(doc.timeline.map((e) => `${e.at.uk}: ${e.title}`));
    const surge = under(read, 3, `${doc.timeline[0]?.at.uk}: 401 surge on the canary`);
    expect(surge.map(readInline)).toEqual(
      expect.arrayContaining([
        '- **When:** 02/03/2026 09:52:00 GMT until 02/03/2026 10:04:00 GMT',
        '- **Kind:** Surge',
        '- **Counts:** 23 of 118 canary requests',
        'The canary answered 401 to 23 of 118 requests; stable to 3 of 653.',
        '- **Sample event:** source canary-<i>1</i>.ndjson, line 412, logged at 02/03/2026 09:53:00 GMT',
      ]),
    );
    // The sample event is shown whole, as code, right after where it came from.
    const codeLine = surge.find((l) => l.startsWith('\0code'));
    const block = read.code[Number(codeLine?.split(' ')[1])];
    expect(block).toEqual({ info: 'text', body: doc.timeline[0]?.evidence.sample?.text });
    expect(under(read, 3, `${doc.timeline[1]?.at.uk}: First SignatureException on the canary`)).toContain(
      '- **Sample event:** none kept',
    );
  });

  it('lists the actions taken, each marked as the analyst’s or found in the logs', () => {
    const table = onlyTable(under(read, 2, 'Actions taken'));
    expect(table.header).toEqual(['Time', 'Action', 'Taken by', 'Recorded', 'Evidence']);
    expect(table.rows).toEqual([
      ['02/03/2026 10:11:00 GMT', 'Rollout aborted', 'Not recorded', 'Found in the logs', '1 event'],
      ['02/03/2026 10:15:00 GMT', `Paged the identity team ${HOSTILE}`, 'Analyst One', 'Recorded by the analyst', '—'],
      ['Time not recorded', 'Opened incident INC-1042', 'Not recorded', 'Recorded by the analyst', '—'],
    ]);
  });

  it('quotes the sample event of an action found in the logs as code in its cell, whole', () => {
    const logged = `rollout aborted | by *ops* ${HOSTILE}`;
    const withSample = sampleReviewDocument({
      actions: [
        {
          at: reviewTime(Date.UTC(2026, 2, 2, 10, 11)),
          text: 'Rollout aborted',
          by: null,
          origin: 'logs',
          evidence: {
            counts: '1 event',
            sample: {
              text: logged,
              at: reviewTime(Date.UTC(2026, 2, 2, 10, 11)),
              sourceId: 2,
              sourceName: 'argo.log',
              line: 7,
            },
          },
        },
      ],
    });
    const table = onlyTable(under(readMarkdown(renderMarkdownReview(withSample)), 2, 'Actions taken'));
    expect(table.rows).toHaveLength(1);
    const evidence = table.raw[0]?.at(-1) ?? '';
    const span = /: (`+.*`+)$/.exec(evidence)?.[1] ?? '';
    expect(readCell(span)).toBe(logged);
  });

  it('gives the root cause in three parts and says it is a draft', () => {
    const section = under(read, 2, 'Root cause').map(readInline);
    expect(section).toContain('**Draft: written from the findings; the analyst has not edited it yet.**');
    expect(under(read, 3, 'What occurred').map(readInline)).toContain(doc.rootCause.whatOccurred);
    expect(under(read, 3, 'Why it occurred').map(readInline)).toContain(doc.rootCause.why);
    expect(under(read, 3, 'How to prevent it').map(readInline)).toContain(doc.rootCause.prevention);
  });

  it('numbers the recommendations, each with why it applies', () => {
    const items = under(read, 2, 'Recommendations')
      .filter((l) => /^\d+\. /.test(l))
      .map(readInline);
    expect(items).toEqual([
      '1. Check signing-key rotation and token validation in the canary. Because: A 401 surge came with a new token exception on the canary. (rule key-rotation)',
      '2. Profile the endpoints that changed. Because: The canary’s p95 latency regressed by 34.3 %. (rule profile-endpoints)',
      `3. Add a JWKS canary check ${HOSTILE} Added by the analyst.`,
    ]);
  });

  it('gives every source with its whole SHA-256, size, format, zone, counts, import time and state', () => {
    const table = onlyTable(under(read, 3, 'Sources'));
    expect(table.header).toEqual([
      '#',
      'Source',
      'SHA-256',
      'Size',
      'Format',
      'Zone',
      'Lines',
      'Events',
      'Rejected',
      'Auth failures',
      'Exceptions',
      'Imported',
      'State',
    ]);
    expect(table.rows).toEqual([
      [
        '1',
        'canary-<i>1</i>.ndjson',
        'a3f1c2'.padEnd(64, '0'),
        '1.2 MB (1,234,567 bytes)',
        'ecs-ndjson',
        'Europe/London',
        '800',
        '771',
        '2',
        '26',
        '23',
        '02/03/2026 11:30:00 GMT',
        'Complete',
      ],
      [
        '2',
        'es:logs-*',
        'b'.repeat(64),
        '4.0 kB (4,096 bytes)',
        'elasticsearch',
        'UTC',
        '10',
        '10',
        '0',
        '0',
        '0',
        '02/03/2026 11:35:00 GMT',
        'Complete',
      ],
    ]);
    for (const source of doc.evidence.sources) expect(md).toContain(source.sha256);
  });

  it('gives each pull’s cluster, index, window, hits and query, the query whole as code', () => {
    const pull = under(read, 4, 'Source 2: es:logs-*');
    expect(pull.map(readInline)).toEqual(
      expect.arrayContaining([
        '- **Cluster:** prod-logs (uuid 5f2c)',
        '- **Index:** logs-*',
        '- **Window:** 02/03/2026 09:30:00 GMT to 02/03/2026 10:30:00 GMT',
        '- **Hits:** 10',
        '- **Pulled:** 02/03/2026 11:35:00 GMT',
      ]),
    );
    const codeLine = pull.find((l) => l.startsWith('\0code'));
    expect(read.code[Number(codeLine?.split(' ')[1])]?.body).toBe(doc.evidence.sources[1]?.pull?.query);
  });

  it('names the sources left out, the queries that reproduce the figures, and the thresholds', () => {
    expect(under(read, 3, 'Sources left out').map(readInline)).toContain(
      '- Source 3, half.log (incomplete): left out of every figure because its import did not finish.',
    );
    const queries = under(read, 3, 'Reproducing the figures');
    expect(queries.map(readInline)).toContain('**Canary 401 rate**');
    const codeLine = queries.find((l) => l.startsWith('\0code'));
    expect(read.code[Number(codeLine?.split(' ')[1])]).toEqual({ info: 'sql', body: doc.evidence.queries[0]?.sql });
    expect(onlyTable(under(read, 3, 'Thresholds')).rows).toEqual([
      ['maxErrorRate', '1 %', 'The 5xx rate above which the canary is rolled back.'],
    ]);
  });

  it('writes every time as DD/MM/YYYY HH:mm:ss GMT|BST, and only the model’s times', () => {
    const expected = new Set(ukTimes(doc));
    for (const time of expected) expect(readInline(md)).toContain(time);
    const found = md.match(/\d{1,4}\/\d{1,2}\/\d{1,4}(?: \d{1,2}:\d{2}(?::\d{2})?)?(?: [A-Z]{3})?/g) ?? [];
    expect(found.length).toBeGreaterThan(expected.size);
    for (const time of found) expect(expected, time).toContain(time);
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(md).not.toContain('03/02/2026'); // 2 March as a US reader would write it
  });

  it('keeps hostile log text inert outside code blocks', () => {
    expect(prose).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(prose).toContain('\\[x\\](javascript:alert(1))');
    expect(prose).toContain('&lt;img src=x onerror=alert(2)&gt;');
    // No raw HTML at all, no link or image syntax, no autolink, no code span but the hashes.
    expect(prose).not.toContain('<');
    // `(`, `)` and `!` act only beside a bracket, and every bracket is escaped.
    for (const token of ['[', ']', '://', '@']) expect(hasUnescaped(prose, token), token).toBe(false);
    expect(prose).not.toMatch(/(?<!\\)\]\(|!\[/);
    const spans = prose.match(/(?<!\\)`+[^`]*`+/g) ?? [];
    expect(spans).toEqual(doc.evidence.sources.map((s) => `\`${s.sha256}\``));
    // No line the text could start a block with: heading, quote, list, indented code.
    for (const line of read.lines) {
      expect(line, 'no indented code').not.toMatch(/^\s/);
      if (/^#/.test(line)) expect(line).toMatch(/^#{1,4} [^#\s]/);
    }
  });

  it('keeps log text inside a code block that no backtick run in it can close', () => {
    const sample = doc.timeline[0]?.evidence.sample?.text ?? '';
    expect(sample).toContain('```');
    expect(read.code.map((c) => c.body)).toContain(sample);
    expect(md).toContain(`\`\`\`\`text\n${sample}\n\`\`\`\``);
  });

  it('is the same bytes for the same document', () => {
    expect(renderMarkdownReview(sampleReviewDocument())).toBe(md);
    expect(renderMarkdownReview(structuredClone(doc))).toBe(md);
  });
});

describe('Markdown review of other documents', () => {
  it('says so in a sentence where a section is empty', () => {
    const doc = sampleReviewDocument({
      timeline: [],
      affected: emptyAffected(),
      actions: [],
      recommendations: [],
      summary: [],
      comparison: { rows: [], notes: [] },
      evidence: { sources: [], excludedSources: [], queries: [], thresholds: [] },
    });
    const read = readMarkdown(renderMarkdownReview(doc));
    expect(
      headings(read)
        .filter((h) => h.level === 2)
        .map((h) => h.text),
    ).toEqual(H2);
    const says = (level: number, heading: string, sentence: string): void => {
      expect(under(read, level, heading).map(readInline)).toContain(sentence);
    };
    says(2, 'Summary', 'No summary was written.');
    says(2, 'Canary vs stable', 'No figures to compare in the window.');
    says(2, 'What occurred', 'No findings in the window.');
    says(
      2,
      'Who was affected',
      'No principal or client IP failed authentication on the canary in the window, so nobody failed only on the canary.',
    );
    says(3, 'Failed only on the canary', 'Nobody failed authentication only on the canary.');
    says(3, 'Behind the 401 and 403 surges', 'No 401 or 403 surge on the canary.');
    says(2, 'Actions taken', 'No actions were recorded by the analyst or found in the logs.');
    says(2, 'Recommendations', 'No recommendations: no rule applies to the findings and the analyst added none.');
    says(3, 'Sources', 'No source in the case.');
    says(3, 'Elasticsearch pulls', 'No source came from an Elasticsearch pull.');
    says(3, 'Sources left out', 'No source was left out: every import finished.');
    says(3, 'Reproducing the figures', 'No reproduction queries.');
    says(3, 'Thresholds', 'No thresholds were recorded.');
    expect(tables(read.lines)).toEqual([]);
  });

  it('writes GMT and BST times on either side of a clock change, and says the window crosses it', () => {
    const before = reviewTime(CLOCK_CHANGE - 30 * 60_000);
    const after = reviewTime(CLOCK_CHANGE + 30 * 60_000);
    expect([before.uk, after.uk]).toEqual(['29/03/2026 00:30:00 GMT', '29/03/2026 02:30:00 BST']);
    const base = sampleReviewDocument();
    const doc = sampleReviewDocument({
      window: { from: before, to: after, duration: '1 h 00 min', crossesClockChange: true },
      asOf: after,
      timeline: [
        { ...(base.timeline[0] as ReviewDocument['timeline'][number]), at: before, until: after },
        { ...(base.timeline[2] as ReviewDocument['timeline'][number]), at: after },
      ],
    });
    const md = renderMarkdownReview(doc);
    const read = readMarkdown(md);
    expect(read.lines.map(readInline)).toContain(
      '- **Window:** 29/03/2026 00:30:00 GMT to 29/03/2026 02:30:00 BST (1 h 00 min); it crosses a clock change, so read each time with its zone',
    );
    expect(under(read, 3, '29/03/2026 00:30:00 GMT: 401 surge on the canary').map(readInline)).toContain(
      '- **When:** 29/03/2026 00:30:00 GMT until 29/03/2026 02:30:00 BST',
    );
    expect(headings(read).map((h) => h.text)).toContain('29/03/2026 02:30:00 BST: Rollout aborted');
    expect(readFrontMatter(read.frontMatter).date).toBe('29/03/2026 02:30:00 BST');
    expect(md).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('shows a dash for an empty value rather than nothing', () => {
    const read = readMarkdown(renderMarkdownReview(sampleReviewDocument({ service: ' ', canaryVersion: '' })));
    expect(read.lines.map(readInline)).toEqual(expect.arrayContaining(['- **Service:** —', '- **Canary version:** —']));
  });

  it('says when personal data is shown in clear', () => {
    const read = readMarkdown(renderMarkdownReview(sampleReviewDocument({ pseudonymised: false })));
    expect(readFrontMatter(read.frontMatter).pseudonymised).toBe('no');
    expect(read.lines.map(readInline).some((l) => l.startsWith('**Personal data:** Shown in clear'))).toBe(true);
  });

  it('writes a filled sign-off and an edited root cause as they are', () => {
    const doc = sampleReviewDocument({
      signOff: { name: 'Dana Reviewer', role: 'SRE lead', date: '05/03/2026' },
      rootCause: {
        whatOccurred: 'Tokens failed.\n\nSecond paragraph.',
        why: '',
        prevention: 'Rotate keys.',
        draft: false,
      },
    });
    const read = readMarkdown(renderMarkdownReview(doc));
    expect(under(read, 2, 'Author and sign-off').map(readInline)).toEqual(
      expect.arrayContaining(['- **Signed off by:** Dana Reviewer', '- **Role:** SRE lead', '- **Date:** 05/03/2026']),
    );
    expect(read.lines.join('\n')).not.toContain('Draft: written from the findings');
    expect(under(read, 3, 'What occurred').filter((l) => l !== '')).toEqual(['Tokens failed.', 'Second paragraph.']);
    expect(under(read, 3, 'Why it occurred').map(readInline)).toContain('Not written yet.');
  });

  it('keeps a hostile title, service and versions inside their front-matter values and on their lines', () => {
    const title = 'Evil "title"\n---\nverdict: "Promote"\n# injected\\';
    const service = 'svc\u2028x\r\n- item | a';
    const doc = sampleReviewDocument({ title, service, stableVersion: null, canaryVersion: '```\n# v' });
    const md = renderMarkdownReview(doc);
    const read = readMarkdown(md);
    expect(read.frontMatter).toHaveLength(9);
    expect(readFrontMatter(read.frontMatter)).toMatchObject({
      title,
      service,
      stable_version: '',
      canary_version: '```\n# v',
      verdict: 'Roll back',
    });
    const all = headings(read);
    expect(all.filter((h) => h.level === 1).map((h) => h.text)).toEqual([title.replace(/\n/g, ' ')]);
    // Only the title's own line and the sample's headings: nothing injected starts a heading.
    expect(all.filter((h) => h.level !== 1 && /injected|^v$/.test(h.text))).toEqual([]);
    expect(all).toHaveLength(headings(readMarkdown(renderMarkdownReview(sampleReviewDocument()))).length);
    expect(read.lines.map(readInline)).toContain('- **Stable version:** unknown');
    expect(read.lines.map(readInline)).toContain(
      `- **Service:** ${service.replace(/\r\n/g, ' ').replace('\u2028', '\ufffd')}`,
    );
  });

  it('keeps a sample event with line breaks and a longer backtick run inside its block', () => {
    const base = sampleReviewDocument();
    const entry = base.timeline[0] as ReviewDocument['timeline'][number];
    const sampleText = 'first\n`````\n# injected heading\n| a | b |\n<script>x</script>';
    const doc = sampleReviewDocument({
      timeline: [
        { ...entry, evidence: { ...entry.evidence, sample: { ...entry.evidence.sample!, text: sampleText } } },
      ],
    });
    const read = readMarkdown(renderMarkdownReview(doc));
    expect(read.code.map((c) => c.body)).toContain(sampleText);
    expect(read.lines).not.toContain('# injected heading');
    expect(read.lines.join('\n')).not.toContain('<script>');
  });
});

describe('Markdown review: who was affected', () => {
  const doc = sampleReviewDocument();
  const md = renderMarkdownReview(doc);
  const read = readMarkdown(md);
  const section = under(read, 2, 'Who was affected');
  // Control characters read as visible stand-ins: a line break as ␊, a bidi override as �.
  const shownNames = HOSTILE_NAMES.map((name) => showControlCharacters(name));

  it('says in sentences who failed only on the canary, then the counts per track', () => {
    expect(section.map(readInline)).toContain(doc.affected.summary.join(' '));
    const counts = tables(section)[0];
    expect(counts?.header).toEqual(['Failed authentication', 'Canary', 'Stable', 'Only on the canary']);
    expect(counts?.rows).toEqual([
      ['Principals (users)', '12', '5', '8'],
      ['Client IPs', '3', '4', '1'],
    ]);
    expect(section.map(readInline).join('\n')).toContain(
      'Names are pseudonyms, the same as in the sample events of the timeline and everywhere else in this review.',
    );
  });

  it('lists those that failed only on the canary, hostile names as inert text, one row each', () => {
    const lines = under(read, 3, 'Failed only on the canary');
    const table = onlyTable(lines);
    expect(table.header).toEqual(['Kind', 'Principal or client IP', 'Canary failures']);
    expect(table.rows).toEqual([
      ['Principal', 'user-7f3a2c91d0e4', '19'],
      ...shownNames.map((name) => ['Principal', name, '1']),
      ['Client IP', 'ip-0a1b2c3d4e5f', '4'],
    ]);
    for (const cell of table.raw.map((row) => row[1] ?? '')) {
      expect(cell).not.toMatch(/[<>\n\u202a-\u202e\u2066-\u2069]/);
      for (const token of ['*', '|', '`']) expect(hasUnescaped(cell, token), `${token} in ${cell}`).toBe(false);
    }
    expect(lines.map(readInline)).toContain(
      'And 1 more principal failed only on the canary (not listed: each list keeps those with the most failures, as many as the topSources setting).',
    );
  });

  it('names who was behind each 401/403 surge, and how many in all', () => {
    const surge = under(read, 4, '401 surge, 02/03/2026 09:52:00 GMT until 02/03/2026 10:04:00 GMT');
    const table = onlyTable(surge);
    expect(table.header).toEqual(['Kind', 'Principal or client IP', '401 answers']);
    expect(table.rows).toEqual([
      ['Principal', 'user-7f3a2c91d0e4', '17'],
      ['Principal', HOSTILE, '2'],
      ['Client IP', 'ip-0a1b2c3d4e5f', '4'],
    ]);
    expect(surge.map(readInline)).toContain(
      'In all the canary answered 401 to 3 principals and 1 client IP during the surge; 1 more principal is not listed.',
    );
  });

  it('says so when nobody failed only on the canary, keeping the counts', () => {
    const nobody = sampleReviewDocument({ affected: affectedOnBothTracks() });
    const r = readMarkdown(renderMarkdownReview(nobody));
    const whole = under(r, 2, 'Who was affected');
    expect(whole.map(readInline)).toContain(nobody.affected.summary[0]);
    expect(onlyTable(whole).rows).toEqual([
      ['Principals (users)', '2', '9', '0'],
      ['Client IPs', '1', '4', '0'],
    ]);
    expect(under(r, 3, 'Failed only on the canary').map(readInline)).toContain(
      'Nobody failed authentication only on the canary.',
    );
    expect(under(r, 3, 'Behind the 401 and 403 surges').map(readInline)).toContain(
      'No 401 or 403 surge on the canary.',
    );
  });

  it('writes names in clear as inert text too', () => {
    const clear = sampleReviewDocument({ pseudonymised: false });
    const lines = under(readMarkdown(renderMarkdownReview(clear)), 2, 'Who was affected').map(readInline);
    expect(lines.join('\n')).toContain('Names are shown in clear, as logged.');
  });
});
