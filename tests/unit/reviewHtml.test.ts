// The HTML review (electron/core/review/reviewHtml.ts), read as a browser and a person would:
// parsed into elements (every tag closed, only the elements and attributes a static page
// needs), then its headings, tables, times and hashes checked, and hostile log text found as
// text, never as markup.
import { describe, expect, it } from 'vitest';
import { escapeHtml, h } from '../../electron/core/review/htmlEscape.js';
import { renderHtmlReview } from '../../electron/core/review/reviewHtml.js';
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

// ---- Reading HTML: a strict parser for what a static, script-free document may hold -------

interface Element {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
}
type Node = Element | string;

const ALLOWED = new Set([
  'html',
  'head',
  'meta',
  'title',
  'style',
  'body',
  'header',
  'main',
  'section',
  'h1',
  'h2',
  'h3',
  'h4',
  'p',
  'ul',
  'ol',
  'li',
  'strong',
  'code',
  'pre',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
  'br',
]);
const VOID = new Set(['meta', 'br']);
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };

function decode(text: string): string {
  // Only the five entities the review writes; any other & is a failure of escaping.
  const stray = /&(?!(amp|lt|gt|quot|#39);)/.exec(text);
  expect(stray, `an unescaped & in: ${text.slice(0, 80)}`).toBeNull();
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name: string) => ENTITIES[name] ?? '');
}

/**
 * Parses the document: every `<` must begin a well-formed tag of an allowed element with
 * double-quoted attributes; every element is closed in order (a stack check); <style> holds
 * raw text up to its closing tag.
 */
function parseHtml(html: string): Element {
  const doctype = '<!doctype html>\n';
  expect(html.startsWith(doctype)).toBe(true);
  const root: Element = { name: '#document', attrs: {}, children: [] };
  const stack: Element[] = [root];
  const TAG = /<(\/?)([a-z][a-z0-9]*)((?:\s+[a-z][a-z-]*="[^"<>]*")*)\s*>/y;
  let i = doctype.length;
  while (i < html.length) {
    const top = stack[stack.length - 1] as Element;
    const lt = html.indexOf('<', i);
    const end = lt === -1 ? html.length : lt;
    if (end > i) top.children.push(decode(html.slice(i, end)));
    if (lt === -1) break;
    TAG.lastIndex = lt;
    const m = TAG.exec(html);
    expect(m, `a tag at ${html.slice(lt, lt + 60)}`).not.toBeNull();
    const [whole = '', slash = '', name = '', attrText = ''] = m ?? [];
    expect(ALLOWED, `element <${name}>`).toContain(name);
    i = lt + whole.length;
    if (slash) {
      expect(top.name, `</${name}> closes <${top.name}>`).toBe(name);
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([a-z][a-z-]*)="([^"]*)"/g)) {
      const [, key = '', value = ''] = a;
      expect(attrs, `attribute ${key} once`).not.toHaveProperty([key]);
      attrs[key] = decode(value);
    }
    const element: Element = { name, attrs, children: [] };
    top.children.push(element);
    if (name === 'style') {
      const close = html.indexOf('</style>', i);
      expect(close).toBeGreaterThan(i);
      element.children.push(html.slice(i, close));
      i = close + '</style>'.length;
    } else if (!VOID.has(name)) {
      stack.push(element);
    }
  }
  expect(stack.map((e) => e.name)).toEqual(['#document']);
  const [html0] = root.children.filter((c): c is Element => typeof c !== 'string');
  expect(html0?.name).toBe('html');
  return html0 as Element;
}

function elements(node: Node): Element[] {
  if (typeof node === 'string') return [];
  return [node, ...node.children.flatMap(elements)];
}

function byName(node: Node, name: string): Element[] {
  return elements(node).filter((e) => e.name === name && e !== node);
}

function textOf(node: Node): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}

/** Text as a reader sees it in a block: runs of white space as one space. */
function readText(node: Node): string {
  return textOf(node).replace(/\s+/g, ' ').trim();
}

function childElements(node: Element): Element[] {
  return node.children.filter((c): c is Element => typeof c !== 'string');
}

/** The <section> whose heading (h2, or h3 inside) reads `title`. */
function sectionNamed(root: Element, title: string): Element {
  const found = byName(root, 'section').find((s) => {
    const first = childElements(s)[0];
    return first !== undefined && /^h[2-4]$/.test(first.name) && readText(first) === title;
  });
  expect(found, `section "${title}"`).toBeDefined();
  return found as Element;
}

/** The nodes after heading `title` up to the next heading of the same or a higher level. */
function afterHeading(parent: Element, title: string): Element[] {
  const kids = childElements(parent);
  const at = kids.findIndex((e) => /^h[1-4]$/.test(e.name) && readText(e) === title);
  expect(at, `heading "${title}"`).toBeGreaterThanOrEqual(0);
  const level = Number(kids[at]?.name.slice(1));
  const rest = kids.slice(at + 1);
  const stop = rest.findIndex((e) => /^h[1-4]$/.test(e.name) && Number(e.name.slice(1)) <= level);
  return stop === -1 ? rest : rest.slice(0, stop);
}

interface Table {
  header: string[];
  rows: string[][];
}

/** A table's column headers and its body rows, each cell as read; each row as wide as the header. */
function readTable(table: Element): Table {
  const thead = byName(table, 'thead')[0];
  const header = thead ? byName(thead, 'th').map(readText) : [];
  const rows = byName(table, 'tbody').flatMap((body) =>
    childElements(body).map((tr) => childElements(tr).map(readText)),
  );
  return { header, rows };
}

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
const CLOCK_CHANGE = Date.UTC(2026, 2, 29, 1, 0, 0);

describe('escapeHtml and h()', () => {
  it('escapes the five markup characters and shows control characters, keeping line breaks and tabs', () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;',
    );
    expect(escapeHtml('a\r\nb\rc\td\u202ee\u0000')).toBe('a\nb\nc\td\ufffde\u2400');
  });

  it('escapes text children and attribute values, and refuses unknown elements and attributes', () => {
    expect(h('p', { class: '"><script>' }, '<b>', h('strong', null, 'x')).markup).toBe(
      '<p class="&quot;&gt;&lt;script&gt;">&lt;b&gt;<strong>x</strong></p>\n',
    );
    expect(() => h('script' as never, null)).toThrow(/not an element/);
    expect(() => h('p', { onclick: 'x' } as never)).toThrow(/not an attribute/);
    expect(() => h('br', null, 'x')).toThrow(/cannot have children/);
  });
});

describe('HTML review of the sample document', () => {
  const doc = sampleReviewDocument();
  const html = renderHtmlReview(doc);
  const root = parseHtml(html);
  const head = byName(root, 'head')[0] as Element;
  const body = byName(root, 'body')[0] as Element;

  it('is one self-contained page: utf-8, a CSP that forbids loading or running anything, no script', () => {
    expect(root.attrs.lang).toBe('en-GB');
    expect(childElements(head)[0]).toEqual({ name: 'meta', attrs: { charset: 'utf-8' }, children: [] });
    const csp = byName(head, 'meta').find((m) => m.attrs['http-equiv'] === 'Content-Security-Policy');
    const directives = (csp?.attrs.content ?? '').split(';').map((d) => d.trim());
    expect(directives).toContain("default-src 'none'");
    expect(directives).toContain("style-src 'unsafe-inline'");
    expect(
      directives.some((d) => /^(script-src|img-src|font-src|connect-src)/.test(d) && !/'none'|data:/.test(d)),
    ).toBe(false);
    expect(readText(byName(head, 'title')[0] as Element)).toBe(doc.title);
    const names = new Set(elements(root).map((e) => e.name));
    for (const banned of ['script', 'img', 'link', 'a', 'iframe', 'object', 'embed', 'form', 'base', 'svg']) {
      expect(names.has(banned), banned).toBe(false);
    }
    expect(html).not.toMatch(/<script|<img|<link|<iframe/i);
  });

  it('has one inline style sheet with print rules for A4, and nothing in it that loads', () => {
    const styles = byName(root, 'style');
    expect(styles).toHaveLength(1);
    const css = textOf(styles[0] as Element);
    expect(css).toMatch(/@page\s*\{[^}]*size:\s*A4/);
    expect(css).toMatch(/@media print/);
    expect(css).toMatch(/tr[^{]*\{[^}]*break-inside:\s*avoid/);
    expect(css).toMatch(/thead\s*\{[^}]*table-header-group/);
    expect(css).not.toMatch(/url\(|@import|@font-face|expression\(/i);
  });

  it('has no attribute that acts: no on* handler, no URL, only fixed names', () => {
    for (const element of elements(root)) {
      for (const [name, value] of Object.entries(element.attrs)) {
        expect(name).not.toMatch(/^on/i);
        expect(['class', 'scope', 'colspan', 'lang', 'charset', 'name', 'content', 'http-equiv']).toContain(name);
        expect(value).not.toMatch(/javascript:|url\(|https?:|\/\//i);
      }
    }
  });

  it('has one title and the sections in order', () => {
    expect(byName(root, 'h1').map(readText)).toEqual([doc.title]);
    expect(byName(root, 'h2').map(readText)).toEqual(H2);
  });

  it('heads the document with service, versions, window and verdict, in words', () => {
    const fields = readTable(byName(byName(body, 'header')[0] as Element, 'table')[0] as Element);
    expect(fields.rows).toEqual([
      ['Service', 'checkout'],
      ['Stable version', '2.4.0'],
      ['Canary version', '2.5.0'],
      ['Rollout', 'checkout@2.5.0'],
      ['Window', '02/03/2026 09:30:00 GMT to 02/03/2026 10:30:00 GMT (1 h 00 min)'],
      ['Last event', '02/03/2026 10:30:00 GMT'],
      ['Verdict', 'Roll back'],
    ]);
    const verdict = sectionNamed(root, 'Verdict');
    expect(byName(verdict, 'p').map(readText)).toEqual([
      'Verdict: Roll back',
      'Roll back: a 401 surge and a new exception on the canary.',
    ]);
    expect(byName(verdict, 'li').map(readText)).toEqual([
      `Roll back, blocks promotion: ${doc.verdict.reasons[0]?.text} (rule auth-surge)`,
      `Hold, blocks promotion: ${doc.verdict.reasons[1]?.text} (rule new-exception)`.replace(/\s+/g, ' '),
      'Pre-existing, does not block promotion: The 5xx rate breaches its threshold on stable too. (rule error-rate)',
    ]);
  });

  it('leaves lines to fill in for an empty sign-off, and says how times are written and that data is pseudonymised', () => {
    const section = sectionNamed(root, 'Author and sign-off');
    expect(readTable(byName(section, 'table')[0] as Element).rows).toEqual([
      ['Author', 'Analyst <b>One</b>'],
      ['Signed off by', '________________'],
      ['Role', '________________'],
      ['Date', '________________'],
    ]);
    const paragraphs = byName(section, 'p').map(readText);
    expect(paragraphs).toContain(doc.timeNote);
    expect(paragraphs.some((p) => p.startsWith('Personal data: Pseudonymised'))).toBe(true);
  });

  it('puts each figure of the comparison in its metric’s row, the metric as the row’s header', () => {
    const section = sectionNamed(root, 'Canary vs stable');
    const table = byName(section, 'table')[0] as Element;
    const read = readTable(table);
    expect(read.header).toEqual(['Metric', 'Stable', 'Canary', 'Variance', 'p-value', 'Action required']);
    expect(read.rows).toEqual(
      doc.comparison.rows.map((r) =>
        [r.label, r.stable, r.canary, r.variance, r.pValue, r.actionRequired].map((c) => c.replace(/\s+/g, ' ')),
      ),
    );
    expect(read.rows[1]).toEqual([
      '401 rate',
      '0.5 % (3 of 653)',
      '19.5 % (23 of 118)',
      '+4,143.2 %',
      '< 0.0001',
      'Roll back',
    ]);
    for (const tr of byName(byName(table, 'tbody')[0] as Element, 'tr')) {
      expect(childElements(tr)[0]).toMatchObject({ name: 'th', attrs: { scope: 'row' } });
    }
    expect(byName(section, 'p').map(readText)).toContain(doc.comparison.notes[0]);
  });

  it('scopes every table header', () => {
    for (const th of byName(root, 'th')) expect(['col', 'row']).toContain(th.attrs.scope);
  });

  it('tells what occurred, each finding with its time, detail, counts and the sample event whole', () => {
    const section = sectionNamed(root, 'What occurred');
    expect(byName(section, 'h3').map(readText)).toEqual(doc.timeline.map((e) => `${e.at.uk}: ${e.title}`));
    const surge = sectionNamed(root, `${doc.timeline[0]?.at.uk}: 401 surge on the canary`);
    expect(readTable(byName(surge, 'table')[0] as Element).rows).toEqual([
      ['When', '02/03/2026 09:52:00 GMT until 02/03/2026 10:04:00 GMT'],
      ['Kind', 'Surge'],
      ['Counts', '23 of 118 canary requests'],
    ]);
    expect(byName(surge, 'p').map(readText)).toEqual([
      'The canary answered 401 to 23 of 118 requests; stable to 3 of 653.',
      'Sample event: source canary-<i>1</i>.ndjson, line 412, logged at 02/03/2026 09:53:00 GMT',
    ]);
    expect(byName(surge, 'pre').map(textOf)).toEqual([doc.timeline[0]?.evidence.sample?.text]);
  });

  it('lists the actions taken, each marked as the analyst’s or found in the logs', () => {
    const read = readTable(byName(sectionNamed(root, 'Actions taken'), 'table')[0] as Element);
    expect(read.header).toEqual(['Time', 'Action', 'Taken by', 'Recorded', 'Evidence']);
    expect(read.rows).toEqual([
      ['02/03/2026 10:11:00 GMT', 'Rollout aborted', 'Not recorded', 'Found in the logs', '1 event'],
      ['02/03/2026 10:15:00 GMT', `Paged the identity team ${HOSTILE}`, 'Analyst One', 'Recorded by the analyst', '—'],
      ['Time not recorded', 'Opened incident INC-1042', 'Not recorded', 'Recorded by the analyst', '—'],
    ]);
  });

  it('gives the root cause in three parts and says it is a draft', () => {
    const section = sectionNamed(root, 'Root cause');
    expect(readText(childElements(section)[1] as Element)).toBe(
      'Draft: written from the findings; the analyst has not edited it yet.',
    );
    expect(afterHeading(section, 'What occurred').map(readText)).toEqual([doc.rootCause.whatOccurred]);
    expect(afterHeading(section, 'Why it occurred').map(readText)).toEqual([doc.rootCause.why]);
    expect(afterHeading(section, 'How to prevent it').map(readText)).toEqual([doc.rootCause.prevention]);
  });

  it('numbers the recommendations, each with why it applies', () => {
    const ol = byName(sectionNamed(root, 'Recommendations'), 'ol');
    expect(ol).toHaveLength(1);
    expect(byName(ol[0] as Element, 'li').map(readText)).toEqual([
      'Check signing-key rotation and token validation in the canary. Because: A 401 surge came with a new token exception on the canary. (rule key-rotation)',
      'Profile the endpoints that changed. Because: The canary’s p95 latency regressed by 34.3 %. (rule profile-endpoints)',
      `Add a JWKS canary check ${HOSTILE} Added by the analyst.`,
    ]);
  });

  it('gives every source with its figures and, on its own row, its whole SHA-256', () => {
    const evidence = sectionNamed(root, 'Evidence appendix');
    const [table] = afterHeading(evidence, 'Sources');
    expect(table?.name).toBe('table');
    const read = readTable(table as Element);
    expect(read.header).toEqual([
      '#',
      'Source',
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
    expect(read.rows).toEqual([
      [
        '1',
        'canary-<i>1</i>.ndjson',
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
      ['SHA-256', 'a3f1c2'.padEnd(64, '0')],
      [
        '2',
        'es:logs-*',
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
      ['SHA-256', 'b'.repeat(64)],
    ]);
    // The hash row spans the table: its cells' spans add up to the header's width.
    for (const tbody of byName(table as Element, 'tbody')) {
      const shaRow = childElements(tbody)[1] as Element;
      const span = childElements(shaRow).reduce((n, cell) => n + Number(cell.attrs.colspan ?? 1), 0);
      expect(span).toBe(read.header.length);
    }
  });

  it('gives each pull’s cluster, index, window, hits and query, the query whole as code', () => {
    const evidence = sectionNamed(root, 'Evidence appendix');
    const [table] = afterHeading(evidence, 'Source 2: es:logs-*');
    const rows = childElements(byName(table as Element, 'tbody')[0] as Element).map((tr) =>
      childElements(tr).map(readText),
    );
    expect(rows.slice(0, 5)).toEqual([
      ['Cluster', 'prod-logs (uuid 5f2c)'],
      ['Index', 'logs-*'],
      ['Window', '02/03/2026 09:30:00 GMT to 02/03/2026 10:30:00 GMT'],
      ['Hits', '10'],
      ['Pulled', '02/03/2026 11:35:00 GMT'],
    ]);
    expect(byName(table as Element, 'pre').map(textOf)).toEqual([doc.evidence.sources[1]?.pull?.query]);
  });

  it('names the sources left out, the queries that reproduce the figures, and the thresholds', () => {
    const evidence = sectionNamed(root, 'Evidence appendix');
    expect(afterHeading(evidence, 'Sources left out').map(readText)).toEqual([
      'Source 3, half.log (incomplete): left out of every figure because its import did not finish.',
    ]);
    const queries = afterHeading(evidence, 'Reproducing the figures');
    expect(afterHeading(evidence, 'Canary 401 rate').map(textOf)).toEqual([doc.evidence.queries[0]?.sql]);
    expect(queries.map((e) => e.name)).toEqual(['p', 'h4', 'pre']);
    const [thresholds] = afterHeading(evidence, 'Thresholds');
    expect(readTable(thresholds as Element).rows).toEqual([
      ['maxErrorRate', '1 %', 'The 5xx rate above which the canary is rolled back.'],
    ]);
  });

  it('writes every time as DD/MM/YYYY HH:mm:ss GMT|BST, and only the model’s times', () => {
    const text = textOf(body);
    const expected = new Set(ukTimes(doc));
    for (const time of expected) expect(text).toContain(time);
    const found = html.match(/\d{1,4}\/\d{1,2}\/\d{1,4}(?: \d{1,2}:\d{2}(?::\d{2})?)?(?: [A-Z]{3})?/g) ?? [];
    expect(found.length).toBeGreaterThan(expected.size);
    for (const time of found) expect(expected, time).toContain(time);
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(html).not.toContain('03/02/2026');
  });

  it('shows hostile log text as escaped text, never as markup', () => {
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('[x](javascript:alert(1))');
    const label = byName(sectionNamed(root, 'Canary vs stable'), 'th').find(
      (th) => th.attrs.scope === 'row' && readText(th).startsWith('Checkouts'),
    );
    expect(textOf(label as Element)).toBe(`Checkouts ${HOSTILE}`);
    // Where the hostile text sits, it is one text node: it made no element.
    expect(label?.children).toEqual([`Checkouts ${HOSTILE}`]);
  });

  it('is the same bytes for the same document', () => {
    expect(renderHtmlReview(sampleReviewDocument())).toBe(html);
    expect(renderHtmlReview(structuredClone(doc))).toBe(html);
  });
});

describe('HTML review of other documents', () => {
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
    const root = parseHtml(renderHtmlReview(doc));
    expect(byName(root, 'h2').map(readText)).toEqual(H2);
    const says = (section: string, sentence: string): void => {
      expect(byName(sectionNamed(root, section), 'p').map(readText)).toContain(sentence);
    };
    says('Summary', 'No summary was written.');
    says('Canary vs stable', 'No figures to compare in the window.');
    says('What occurred', 'No findings in the window.');
    says(
      'Who was affected',
      'No principal or client IP failed authentication on the canary in the window, so nobody failed only on the canary.',
    );
    says('Who was affected', 'Nobody failed authentication only on the canary.');
    says('Who was affected', 'No 401 or 403 surge on the canary.');
    says('Actions taken', 'No actions were recorded by the analyst or found in the logs.');
    says('Recommendations', 'No recommendations: no rule applies to the findings and the analyst added none.');
    const evidence = sectionNamed(root, 'Evidence appendix');
    expect(afterHeading(evidence, 'Sources').map(readText)).toEqual(['No source in the case.']);
    expect(afterHeading(evidence, 'Elasticsearch pulls').map(readText)).toEqual([
      'No source came from an Elasticsearch pull.',
    ]);
    expect(afterHeading(evidence, 'Sources left out').map(readText)).toEqual([
      'No source was left out: every import finished.',
    ]);
    expect(afterHeading(evidence, 'Reproducing the figures').map(readText)).toEqual(['No reproduction queries.']);
    expect(afterHeading(evidence, 'Thresholds').map(readText)).toEqual(['No thresholds were recorded.']);
    // Only the head's and the sign-off's tables of fields remain.
    expect(byName(root, 'table')).toHaveLength(2);
  });

  it('writes GMT and BST times on either side of a clock change, and says the window crosses it', () => {
    const before = reviewTime(CLOCK_CHANGE - 30 * 60_000);
    const after = reviewTime(CLOCK_CHANGE + 30 * 60_000);
    const base = sampleReviewDocument();
    const doc = sampleReviewDocument({
      window: { from: before, to: after, duration: '1 h 00 min', crossesClockChange: true },
      asOf: after,
      timeline: [
        { ...(base.timeline[0] as ReviewDocument['timeline'][number]), at: before, until: after },
        { ...(base.timeline[2] as ReviewDocument['timeline'][number]), at: after },
      ],
    });
    const html = renderHtmlReview(doc);
    const root = parseHtml(html);
    const head = readTable(byName(byName(root, 'header')[0] as Element, 'table')[0] as Element);
    expect(head.rows).toContainEqual([
      'Window',
      '29/03/2026 00:30:00 GMT to 29/03/2026 02:30:00 BST (1 h 00 min); it crosses a clock change, so read each time with its zone',
    ]);
    expect(byName(sectionNamed(root, 'What occurred'), 'h3').map(readText)).toEqual([
      '29/03/2026 00:30:00 GMT: 401 surge on the canary',
      '29/03/2026 02:30:00 BST: Rollout aborted',
    ]);
    expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  });

  it('shows a dash for an empty value rather than nothing', () => {
    const root = parseHtml(renderHtmlReview(sampleReviewDocument({ service: ' ', canaryVersion: '' })));
    const fields = readTable(byName(byName(root, 'header')[0] as Element, 'table')[0] as Element);
    expect(fields.rows.slice(0, 3)).toEqual([
      ['Service', '—'],
      ['Stable version', '2.4.0'],
      ['Canary version', '—'],
    ]);
  });

  it('says when personal data is shown in clear', () => {
    const root = parseHtml(renderHtmlReview(sampleReviewDocument({ pseudonymised: false })));
    expect(
      byName(sectionNamed(root, 'Author and sign-off'), 'p')
        .map(readText)
        .some((p) => p.startsWith('Personal data: Shown in clear')),
    ).toBe(true);
  });

  it('writes a filled sign-off and an edited root cause, one paragraph per line', () => {
    const doc = sampleReviewDocument({
      signOff: { name: 'Dana Reviewer', role: 'SRE lead', date: '05/03/2026' },
      rootCause: {
        whatOccurred: 'Tokens failed.\n\nSecond <b>paragraph</b>.',
        why: '',
        prevention: 'Rotate keys.',
        draft: false,
      },
    });
    const root = parseHtml(renderHtmlReview(doc));
    expect(readTable(byName(sectionNamed(root, 'Author and sign-off'), 'table')[0] as Element).rows.slice(1)).toEqual([
      ['Signed off by', 'Dana Reviewer'],
      ['Role', 'SRE lead'],
      ['Date', '05/03/2026'],
    ]);
    const section = sectionNamed(root, 'Root cause');
    expect(childElements(section)[1]?.name).toBe('h3');
    expect(afterHeading(section, 'What occurred').map(readText)).toEqual([
      'Tokens failed.',
      'Second <b>paragraph</b>.',
    ]);
    expect(afterHeading(section, 'Why it occurred').map(readText)).toEqual(['Not written yet.']);
  });

  it('keeps a hostile title and service as text in the title, the heading and the fields', () => {
    const title = `</title><script>alert(1)</script><title>"quoted" & 'single'`;
    const service = `"><img src=x onerror=alert(1)>\u202e`;
    const doc = sampleReviewDocument({ title, service });
    const html = renderHtmlReview(doc);
    const root = parseHtml(html);
    expect(readText(byName(root, 'title')[0] as Element)).toBe(title);
    expect(byName(root, 'h1').map(readText)).toEqual([title]);
    const fields = readTable(byName(byName(root, 'header')[0] as Element, 'table')[0] as Element);
    // The bidi override is shown as a stand-in, so it cannot reorder what follows it.
    expect(fields.rows[0]).toEqual(['Service', `"><img src=x onerror=alert(1)>\ufffd`]);
    expect(html).not.toMatch(/<script|<img/);
  });

  it('keeps a sample event with line breaks and markup whole inside <pre>', () => {
    const base = sampleReviewDocument();
    const entry = base.timeline[0] as ReviewDocument['timeline'][number];
    const sampleText = 'first\n</code></pre><script>x</script>\n\tindented';
    const doc = sampleReviewDocument({
      timeline: [
        { ...entry, evidence: { ...entry.evidence, sample: { ...entry.evidence.sample!, text: sampleText } } },
      ],
    });
    const root = parseHtml(renderHtmlReview(doc));
    expect(byName(root, 'pre').map(textOf)).toContain(sampleText);
  });
});

describe('HTML review: who was affected', () => {
  const doc = sampleReviewDocument();
  const root = parseHtml(renderHtmlReview(doc));
  const section = sectionNamed(root, 'Who was affected');
  const shownNames = HOSTILE_NAMES.map((name) => showControlCharacters(name));

  it('says in sentences who failed only on the canary, then the counts per track', () => {
    const paragraphs = childElements(section)
      .filter((e) => e.name === 'p')
      .map(readText);
    expect(paragraphs[0]).toBe(doc.affected.summary.join(' '));
    const counts = readTable(childElements(section).find((e) => e.name === 'table') as Element);
    expect(counts).toEqual({
      header: ['Failed authentication', 'Canary', 'Stable', 'Only on the canary'],
      rows: [
        ['Principals (users)', '12', '5', '8'],
        ['Client IPs', '3', '4', '1'],
      ],
    });
  });

  it('lists those that failed only on the canary, each hostile name one text node', () => {
    const after = afterHeading(section, 'Failed only on the canary');
    const table = after.find((e) => e.name === 'table') as Element;
    expect(readTable(table)).toEqual({
      header: ['Kind', 'Principal or client IP', 'Canary failures'],
      rows: [
        ['Principal', 'user-7f3a2c91d0e4', '19'],
        ...shownNames.map((name) => ['Principal', name, '1']),
        ['Client IP', 'ip-0a1b2c3d4e5f', '4'],
      ],
    });
    // The name cells made no element: each holds one text node, the line break shown as ␊.
    const cells = byName(table, 'td').filter((_, i) => i % 3 === 1);
    expect(cells.map((td) => td.children)).toEqual([
      ['user-7f3a2c91d0e4'],
      ...shownNames.map((name) => [name]),
      ['ip-0a1b2c3d4e5f'],
    ]);
    expect(after.filter((e) => e.name === 'p').map(readText)).toContain(
      'And 1 more principal failed only on the canary (not listed: each list keeps those with the most failures, as many as the topSources setting).',
    );
  });

  it('names who was behind each 401/403 surge, and how many in all', () => {
    const after = afterHeading(section, '401 surge, 02/03/2026 09:52:00 GMT until 02/03/2026 10:04:00 GMT');
    expect(readTable(after.find((e) => e.name === 'table') as Element)).toEqual({
      header: ['Kind', 'Principal or client IP', '401 answers'],
      rows: [
        ['Principal', 'user-7f3a2c91d0e4', '17'],
        ['Principal', HOSTILE.replace(/\s+/g, ' '), '2'],
        ['Client IP', 'ip-0a1b2c3d4e5f', '4'],
      ],
    });
    expect(after.filter((e) => e.name === 'p').map(readText)).toEqual([
      'In all the canary answered 401 to 3 principals and 1 client IP during the surge; 1 more principal is not listed.',
    ]);
  });

  it('says so when nobody failed only on the canary, keeping the counts', () => {
    const nobody = sampleReviewDocument({ affected: affectedOnBothTracks() });
    const s = sectionNamed(parseHtml(renderHtmlReview(nobody)), 'Who was affected');
    expect(byName(s, 'table')).toHaveLength(1);
    expect(afterHeading(s, 'Failed only on the canary').map(readText)).toEqual([
      'Nobody failed authentication only on the canary.',
    ]);
    expect(afterHeading(s, 'Behind the 401 and 403 surges').map(readText)).toEqual([
      'No 401 or 403 surge on the canary.',
    ]);
  });
});
