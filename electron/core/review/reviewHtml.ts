// The review as one self-contained HTML file: no script, no remote resource (a CSP from
// default-src 'none' says so to the browser too), one inline style sheet, printable on A4.
// Every text of the document goes through escapeHtml by way of h() (htmlEscape.ts), so log
// text can never become markup. Decisions are written in words, never shown by colour alone.
// Pure: the same document gives the same bytes.
import { formatCount } from '../../../shared/metricFormat.js';
import type {
  ReviewAction,
  ReviewDocument,
  ReviewSample,
  ReviewSourceEvidence,
  TimelineEntry,
} from '../../../shared/review.js';
import { h, htmlDocument, type Html, type HtmlChild } from './htmlEscape.js';
import {
  ACTION_COLUMNS,
  AFFECTED_COUNT_COLUMNS,
  AFFECTED_HEADINGS,
  AFFECTED_NOTE,
  BLANK,
  CANARY_ONLY_COLUMNS,
  COMPARISON_COLUMNS,
  DRAFT_NOTE,
  EMPTY,
  EVIDENCE_HEADINGS,
  HEAD_LABELS,
  NO_SAMPLE,
  PULL_LABELS,
  QUERIES_INTRO,
  REVIEW_HEADINGS,
  ROOT_CAUSE_HEADINGS,
  SIGN_OFF_LABELS,
  SOURCE_COLUMNS,
  THRESHOLD_COLUMNS,
  TIMELINE_LABELS,
  actionCells,
  affectedCountRows,
  affectedNamesNote,
  canaryOnlyNotListedText,
  excludedText,
  hasAffectedCounts,
  partyCells,
  personalDataText,
  pullHeading,
  pullWindow,
  pulledAtText,
  reasonLead,
  reasonRule,
  recommendationBasis,
  sampleWhere,
  sourceCells,
  stableVersionText,
  surgePartiesHeading,
  surgePartiesText,
  surgePartyColumns,
  timelineKindText,
  timelineWhen,
  windowText,
  type ReviewColumn,
} from './reviewText.js';

// Nothing may load or run; styles only from the <style> element below.
const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'";

// System fonts only (no web font to fetch). Print: A4, header rows repeated on each page, no
// row split across pages, headings kept with what follows them.
const STYLE = `:root { color: #111; background: #fff; }
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; max-width: 62rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 0.8rem; }
h2 { font-size: 1.3rem; margin: 1.6rem 0 0.6rem; padding-bottom: 0.2rem; border-bottom: 1px solid #777; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; }
h4 { font-size: 1rem; margin: 1rem 0 0.3rem; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
h1, h2, h3, h4, p, li { overflow-wrap: break-word; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #888; padding: 0.25rem 0.45rem; text-align: left; vertical-align: top; overflow-wrap: break-word; }
.free, .fields td { overflow-wrap: anywhere; }
thead th { background: #eee; }
th[scope="row"] { font-weight: 600; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
th[scope="col"] { overflow-wrap: normal; }
.fields { width: auto; }
.fields th { white-space: nowrap; }
thead { display: table-header-group; }
tr, pre, li, .source { break-inside: avoid; page-break-inside: avoid; }
code, pre { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace; font-size: 0.85rem; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #aaa; background: #f5f5f5; padding: 0.4rem 0.6rem; margin: 0.3rem 0 0.8rem; }
.hash code { word-break: break-all; }
.source > tr:first-child > * { border-bottom: 0; }
.source > tr + tr > * { border-top: 0; }
.draft { border-left: 4px solid #555; padding-left: 0.6rem; font-weight: 600; }
.basis { display: block; color: #333; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
  table { font-size: 8.5pt; }
  pre, code { font-size: 8pt; }
}
`;

function cellAttributes(column: ReviewColumn | undefined): { class?: string } {
  if (column?.numeric) return { class: 'num' };
  if (column?.free) return { class: 'free' };
  return {};
}

/** A table with column headers; the first column names its row (`<th scope="row">`) when `rowHeaders`. */
function table(columns: readonly ReviewColumn[], rows: HtmlChild[][], rowHeaders: boolean): Html {
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', { scope: 'col', ...cellAttributes(c) }, c.label)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((row) => {
        if (row.length !== columns.length)
          throw new Error(`table row has ${row.length} cells, expected ${columns.length}`);
        return h(
          'tr',
          null,
          row.map((value, i) =>
            i === 0 && rowHeaders
              ? h('th', { scope: 'row', ...cellAttributes(columns[i]) }, value)
              : h('td', cellAttributes(columns[i]), value),
          ),
        );
      }),
    ),
  );
}

/** A two-column table of labelled values, each label a row header. */
function fields(rows: [string, HtmlChild][]): Html {
  return h(
    'table',
    { class: 'fields' },
    h(
      'tbody',
      null,
      rows.map(([label, value]) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, label),
          h('td', null, typeof value === 'string' && value.trim() === '' ? '—' : value),
        ),
      ),
    ),
  );
}

/** Text the analyst may have written over several lines: one paragraph per non-blank line. */
function paragraphs(value: string, empty: string): Html[] {
  const lines = value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return (lines.length > 0 ? lines : [empty]).filter((line) => line !== '').map((line) => h('p', null, line));
}

function section(title: string, ...children: HtmlChild[]): Html {
  return h('section', null, h('h2', null, title), children);
}

function codeBlock(text: string): Html {
  return h('pre', null, h('code', null, text));
}

function head(doc: ReviewDocument): Html {
  return h(
    'header',
    null,
    h('h1', null, doc.title),
    fields([
      [HEAD_LABELS.service, doc.service],
      ...(doc.environment === undefined ? [] : [[HEAD_LABELS.environment, doc.environment] as [string, string]]),
      [HEAD_LABELS.stableVersion, stableVersionText(doc)],
      [HEAD_LABELS.canaryVersion, doc.canaryVersion],
      [HEAD_LABELS.rollout, doc.rolloutId],
      [HEAD_LABELS.window, windowText(doc)],
      [HEAD_LABELS.asOf, doc.asOf.uk],
      [HEAD_LABELS.verdict, h('strong', null, doc.verdict.label)],
    ]),
  );
}

function verdict(doc: ReviewDocument): Html {
  const { label, summary, reasons } = doc.verdict;
  return section(
    REVIEW_HEADINGS.verdict,
    h('p', null, h('strong', null, `${HEAD_LABELS.verdict}:`), ' ', label),
    paragraphs(summary, ''),
    reasons.length === 0
      ? h('p', null, EMPTY.reasons)
      : h(
          'ul',
          null,
          reasons.map((r) => h('li', null, h('strong', null, `${reasonLead(r)}:`), ` ${r.text} ${reasonRule(r)}`)),
        ),
  );
}

function signOff(doc: ReviewDocument): Html {
  const filled = (value: string | null): string => (value === null || value.trim() === '' ? BLANK : value);
  const { name, role, date } = doc.signOff;
  return section(
    REVIEW_HEADINGS.signOff,
    fields([
      [SIGN_OFF_LABELS.author, filled(doc.author)],
      [SIGN_OFF_LABELS.name, filled(name)],
      [SIGN_OFF_LABELS.role, filled(role)],
      [SIGN_OFF_LABELS.date, filled(date)],
    ]),
    h('p', null, doc.timeNote),
    h('p', null, h('strong', null, `${HEAD_LABELS.personalData}:`), ' ', personalDataText(doc)),
  );
}

function summary(doc: ReviewDocument): Html {
  const sentences = doc.summary.map((s) => s.trim()).filter((s) => s !== '');
  return section(REVIEW_HEADINGS.summary, h('p', null, sentences.length > 0 ? sentences.join(' ') : EMPTY.summary));
}

function comparison(doc: ReviewDocument): Html {
  const { rows, notes } = doc.comparison;
  return section(
    REVIEW_HEADINGS.comparison,
    rows.length === 0
      ? h('p', null, EMPTY.comparison)
      : table(
          COMPARISON_COLUMNS,
          rows.map((r) => [r.label, r.stable, r.canary, r.variance, r.pValue, r.actionRequired]),
          true,
        ),
    notes.map((note) => paragraphs(note, '')),
  );
}

function sample(sample: ReviewSample | null): HtmlChild {
  if (!sample) return h('p', null, h('strong', null, `${TIMELINE_LABELS.sample}:`), ` ${NO_SAMPLE}`);
  return [
    h('p', null, h('strong', null, `${TIMELINE_LABELS.sample}:`), ` ${sampleWhere(sample)}`),
    codeBlock(sample.text),
  ];
}

function timelineEntry(entry: TimelineEntry): Html {
  return h(
    'section',
    null,
    h('h3', null, `${entry.at.uk}: ${entry.title}`),
    fields([
      [TIMELINE_LABELS.when, timelineWhen(entry)],
      [TIMELINE_LABELS.kind, timelineKindText(entry.kind)],
      [TIMELINE_LABELS.counts, entry.evidence.counts],
    ]),
    paragraphs(entry.detail, ''),
    sample(entry.evidence.sample),
  );
}

function timeline(doc: ReviewDocument): Html {
  return section(
    REVIEW_HEADINGS.timeline,
    doc.timeline.length === 0 ? h('p', null, EMPTY.timeline) : doc.timeline.map(timelineEntry),
  );
}

function affected(doc: ReviewDocument): Html {
  const a = doc.affected;
  const notListed = canaryOnlyNotListedText(a);
  return section(
    REVIEW_HEADINGS.affected,
    h('p', null, a.summary.join(' ')),
    hasAffectedCounts(a) ? table(AFFECTED_COUNT_COLUMNS, affectedCountRows(a), true) : null,
    h('p', null, `${AFFECTED_NOTE} ${affectedNamesNote(doc)}`),
    h('h3', null, AFFECTED_HEADINGS.canaryOnly),
    a.canaryOnly.length === 0
      ? h('p', null, EMPTY.canaryOnly)
      : table(CANARY_ONLY_COLUMNS, a.canaryOnly.map(partyCells), false),
    notListed === null ? null : h('p', null, notListed),
    h('h3', null, AFFECTED_HEADINGS.surges),
    a.surges.length === 0
      ? h('p', null, EMPTY.surges)
      : a.surges.map((surge) => [
          h('h4', null, surgePartiesHeading(surge)),
          surge.parties.length === 0
            ? h('p', null, EMPTY.surgeParties)
            : table(surgePartyColumns(surge.status), surge.parties.map(partyCells), false),
          h('p', null, surgePartiesText(surge)),
        ]),
  );
}

function actions(doc: ReviewDocument): Html {
  // A sample event's text follows its evidence, as code.
  const row = (a: ReviewAction): HtmlChild[] => {
    const cells: HtmlChild[] = actionCells(a);
    const sample = a.evidence?.sample;
    if (sample) cells[cells.length - 1] = [cells[cells.length - 1], h('br', null), h('code', null, sample.text)];
    return cells;
  };
  return section(
    REVIEW_HEADINGS.actions,
    doc.actions.length === 0 ? h('p', null, EMPTY.actions) : table(ACTION_COLUMNS, doc.actions.map(row), false),
  );
}

function rootCause(doc: ReviewDocument): Html {
  const { whatOccurred, why, prevention, draft } = doc.rootCause;
  return section(
    REVIEW_HEADINGS.rootCause,
    draft ? h('p', { class: 'draft' }, DRAFT_NOTE) : null,
    h('h3', null, ROOT_CAUSE_HEADINGS.whatOccurred),
    paragraphs(whatOccurred, EMPTY.rootCause),
    h('h3', null, ROOT_CAUSE_HEADINGS.why),
    paragraphs(why, EMPTY.rootCause),
    h('h3', null, ROOT_CAUSE_HEADINGS.prevention),
    paragraphs(prevention, EMPTY.rootCause),
  );
}

function recommendations(doc: ReviewDocument): Html {
  return section(
    REVIEW_HEADINGS.recommendations,
    doc.recommendations.length === 0
      ? h('p', null, EMPTY.recommendations)
      : h(
          'ol',
          null,
          doc.recommendations.map((rec) =>
            h('li', null, rec.text, ' ', h('span', { class: 'basis' }, recommendationBasis(rec))),
          ),
        ),
  );
}

function pull(source: ReviewSourceEvidence): HtmlChild {
  if (!source.pull) return null;
  const p = source.pull;
  return [
    h('h4', null, pullHeading(source)),
    fields([
      [PULL_LABELS.cluster, p.cluster],
      [PULL_LABELS.index, p.index],
      [PULL_LABELS.window, pullWindow(p)],
      [PULL_LABELS.hits, formatCount(p.hits)],
      [PULL_LABELS.pulled, pulledAtText(p)],
      [PULL_LABELS.query, codeBlock(p.query)],
    ]),
  ];
}

/**
 * The sources, one <tbody> each: a row of figures, then the SHA-256 whole on a row of its own
 * across the table, so thirteen columns fit an A4 page and a source never splits across two.
 */
function sourcesTable(sources: ReviewSourceEvidence[]): Html {
  const shaAt = SOURCE_COLUMNS.findIndex((c) => c.code);
  const columns = SOURCE_COLUMNS.filter((_, i) => i !== shaAt);
  const shaColumn = SOURCE_COLUMNS[shaAt];
  return h(
    'table',
    null,
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        columns.map((c) => h('th', { scope: 'col', ...cellAttributes(c) }, c.label)),
      ),
    ),
    sources.map((source) => {
      const cells = sourceCells(source);
      const sha = cells[shaAt] ?? '';
      const rest = cells.filter((_, i) => i !== shaAt);
      return h(
        'tbody',
        { class: 'source' },
        h(
          'tr',
          null,
          rest.map((value, i) =>
            i === 0
              ? h('th', { scope: 'row', ...cellAttributes(columns[i]) }, value)
              : h('td', cellAttributes(columns[i]), value),
          ),
        ),
        h(
          'tr',
          null,
          h('th', { scope: 'row', colspan: '2' }, shaColumn?.label ?? 'SHA-256'),
          h('td', { colspan: String(columns.length - 2), class: 'hash' }, h('code', null, sha)),
        ),
      );
    }),
  );
}

function evidence(doc: ReviewDocument): Html {
  const { sources, excludedSources, queries, thresholds } = doc.evidence;
  const pulls = sources.filter((s) => s.pull !== null);
  return section(
    REVIEW_HEADINGS.evidence,
    h('h3', null, EVIDENCE_HEADINGS.sources),
    sources.length === 0 ? h('p', null, EMPTY.sources) : sourcesTable(sources),
    h('h3', null, EVIDENCE_HEADINGS.pulls),
    pulls.length === 0 ? h('p', null, EMPTY.pulls) : pulls.map(pull),
    h('h3', null, EVIDENCE_HEADINGS.excluded),
    excludedSources.length === 0
      ? h('p', null, EMPTY.excluded)
      : h(
          'ul',
          null,
          excludedSources.map((x) => h('li', null, excludedText(x))),
        ),
    h('h3', null, EVIDENCE_HEADINGS.queries),
    queries.length === 0
      ? h('p', null, EMPTY.queries)
      : [h('p', null, QUERIES_INTRO), queries.map((q) => [h('h4', null, q.figure), codeBlock(q.sql)])],
    h('h3', null, EVIDENCE_HEADINGS.thresholds),
    thresholds.length === 0
      ? h('p', null, EMPTY.thresholds)
      : table(
          THRESHOLD_COLUMNS,
          thresholds.map((t) => [t.key, t.value, t.meaning]),
          true,
        ),
  );
}

export function renderHtmlReview(doc: ReviewDocument): string {
  const body = h(
    'body',
    null,
    head(doc),
    h(
      'main',
      null,
      verdict(doc),
      signOff(doc),
      summary(doc),
      comparison(doc),
      timeline(doc),
      affected(doc),
      actions(doc),
      rootCause(doc),
      recommendations(doc),
      evidence(doc),
    ),
  );
  return htmlDocument(
    'en-GB',
    [
      h('meta', { charset: 'utf-8' }),
      h('meta', { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }),
      h('meta', { name: 'referrer', content: 'no-referrer' }),
      h('meta', { name: 'viewport', content: 'width=device-width, initial-scale=1' }),
      h('title', null, doc.title),
    ],
    STYLE,
    body,
  );
}
