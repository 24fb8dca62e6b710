// The review as Markdown for a knowledge base: a YAML front matter, then GitHub-flavoured
// Markdown kept to what Confluence's Markdown import, GitHub and GitLab wikis and Obsidian all
// read alike (ATX headings, pipe tables, fenced code blocks, no raw HTML). Every string of the
// document goes through escapeMarkdown, or into a fenced block whose fence it cannot close:
// log text stays text. Pure: the same document gives the same bytes.
import { formatCount } from '../../../shared/metricFormat.js';
import type {
  ReviewAction,
  ReviewDocument,
  ReviewSample,
  ReviewSourceEvidence,
  TimelineEntry,
} from '../../../shared/review.js';
import { codeBlock, escapeMarkdown, tableCodeSpan, yamlString } from './markdownEscape.js';
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

/** Inline text: escaped, on one line, without leading blanks that would start a code block. */
function text(value: string): string {
  return escapeMarkdown(value.trim());
}

/** A table cell: escaped (`|` and line breaks included), never empty. */
function cell(value: string): string {
  return text(value) || '—';
}

/** Text the analyst may have written over several lines: one paragraph per non-blank line. */
function paragraphs(value: string, empty: string): string[] {
  const lines = value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.length > 0 ? lines.map(text) : [text(empty)];
}

function heading(level: 1 | 2 | 3 | 4, title: string): string {
  return `${'#'.repeat(level)} ${text(title)}`;
}

function field(label: string, value: string): string {
  return `- **${text(label)}:** ${text(value) || '—'}`;
}

/** A pipe table; each row's cells already written as Markdown, one per column. */
function table(columns: readonly ReviewColumn[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [
    line(columns.map((c) => text(c.label))),
    line(columns.map((c) => (c.numeric ? '---:' : '---'))),
    ...rows.map((row) => {
      if (row.length !== columns.length)
        throw new Error(`table row has ${row.length} cells, expected ${columns.length}`);
      return line(row);
    }),
  ].join('\n');
}

function frontMatter(doc: ReviewDocument): string {
  const entries: [string, string][] = [
    ['title', doc.title],
    ['service', doc.service],
    ...(doc.environment === undefined ? [] : [['environment', doc.environment] as [string, string]]),
    ['rollout', doc.rolloutId],
    ['stable_version', doc.stableVersion ?? ''],
    ['canary_version', doc.canaryVersion],
    ['verdict', doc.verdict.label],
    ['decision', doc.verdict.decision],
    ['date', doc.asOf.uk],
    ['pseudonymised', doc.pseudonymised ? 'yes' : 'no'],
  ];
  return ['---', ...entries.map(([key, value]) => `${key}: ${yamlString(value)}`), '---'].join('\n');
}

function head(doc: ReviewDocument): string[] {
  return [
    heading(1, doc.title),
    [
      field(HEAD_LABELS.service, doc.service),
      ...(doc.environment === undefined ? [] : [field(HEAD_LABELS.environment, doc.environment)]),
      field(HEAD_LABELS.stableVersion, stableVersionText(doc)),
      field(HEAD_LABELS.canaryVersion, doc.canaryVersion),
      field(HEAD_LABELS.rollout, doc.rolloutId),
      field(HEAD_LABELS.window, windowText(doc)),
      field(HEAD_LABELS.asOf, doc.asOf.uk),
      field(HEAD_LABELS.verdict, doc.verdict.label),
    ].join('\n'),
  ];
}

function verdict(doc: ReviewDocument): string[] {
  const { label, summary, reasons } = doc.verdict;
  return [
    heading(2, REVIEW_HEADINGS.verdict),
    `**${text(HEAD_LABELS.verdict)}:** ${text(label)}`,
    text(summary),
    reasons.length === 0
      ? text(EMPTY.reasons)
      : reasons.map((r) => `- **${text(reasonLead(r))}:** ${text(r.text)} ${text(reasonRule(r))}`).join('\n'),
  ];
}

function signOff(doc: ReviewDocument): string[] {
  const filled = (value: string | null): string => (value === null || value.trim() === '' ? BLANK : text(value));
  const { name, role, date } = doc.signOff;
  return [
    heading(2, REVIEW_HEADINGS.signOff),
    [
      `- **${text(SIGN_OFF_LABELS.author)}:** ${filled(doc.author)}`,
      `- **${text(SIGN_OFF_LABELS.name)}:** ${filled(name)}`,
      `- **${text(SIGN_OFF_LABELS.role)}:** ${filled(role)}`,
      `- **${text(SIGN_OFF_LABELS.date)}:** ${filled(date)}`,
    ].join('\n'),
    text(doc.timeNote),
    `**${text(HEAD_LABELS.personalData)}:** ${text(personalDataText(doc))}`,
  ];
}

function summary(doc: ReviewDocument): string[] {
  const sentences = doc.summary.map((s) => s.trim()).filter((s) => s !== '');
  return [heading(2, REVIEW_HEADINGS.summary), sentences.length > 0 ? text(sentences.join(' ')) : text(EMPTY.summary)];
}

function comparison(doc: ReviewDocument): string[] {
  const { rows, notes } = doc.comparison;
  return [
    heading(2, REVIEW_HEADINGS.comparison),
    rows.length === 0
      ? text(EMPTY.comparison)
      : table(
          COMPARISON_COLUMNS,
          rows.map((r) => [r.label, r.stable, r.canary, r.variance, r.pValue, r.actionRequired].map(cell)),
        ),
    ...notes.flatMap((note) => paragraphs(note, '')).filter((p) => p !== ''),
  ];
}

function sampleBlocks(sample: ReviewSample | null): string[] {
  if (!sample) return [field(TIMELINE_LABELS.sample, NO_SAMPLE)];
  return [field(TIMELINE_LABELS.sample, sampleWhere(sample)), codeBlock(sample.text)];
}

function timelineEntry(entry: TimelineEntry): string[] {
  return [
    heading(3, `${entry.at.uk}: ${entry.title}`),
    [
      field(TIMELINE_LABELS.when, timelineWhen(entry)),
      field(TIMELINE_LABELS.kind, timelineKindText(entry.kind)),
      field(TIMELINE_LABELS.counts, entry.evidence.counts),
    ].join('\n'),
    ...paragraphs(entry.detail, ''),
    ...sampleBlocks(entry.evidence.sample),
  ].filter((block) => block !== '');
}

function timeline(doc: ReviewDocument): string[] {
  return [
    heading(2, REVIEW_HEADINGS.timeline),
    ...(doc.timeline.length === 0 ? [text(EMPTY.timeline)] : doc.timeline.flatMap(timelineEntry)),
  ];
}

function affected(doc: ReviewDocument): string[] {
  const a = doc.affected;
  const notListed = canaryOnlyNotListedText(a);
  return [
    heading(2, REVIEW_HEADINGS.affected),
    text(a.summary.join(' ')),
    hasAffectedCounts(a)
      ? table(
          AFFECTED_COUNT_COLUMNS,
          affectedCountRows(a).map((row) => row.map(cell)),
        )
      : '',
    text(`${AFFECTED_NOTE} ${affectedNamesNote(doc)}`),
    heading(3, AFFECTED_HEADINGS.canaryOnly),
    a.canaryOnly.length === 0
      ? text(EMPTY.canaryOnly)
      : table(
          CANARY_ONLY_COLUMNS,
          a.canaryOnly.map((party) => partyCells(party).map(cell)),
        ),
    notListed === null ? '' : text(notListed),
    heading(3, AFFECTED_HEADINGS.surges),
    ...(a.surges.length === 0
      ? [text(EMPTY.surges)]
      : a.surges.flatMap((surge) => [
          heading(4, surgePartiesHeading(surge)),
          surge.parties.length === 0
            ? text(EMPTY.surgeParties)
            : table(
                surgePartyColumns(surge.status),
                surge.parties.map((party) => partyCells(party).map(cell)),
              ),
          text(surgePartiesText(surge)),
        ])),
  ];
}

function actions(doc: ReviewDocument): string[] {
  if (doc.actions.length === 0) return [heading(2, REVIEW_HEADINGS.actions), text(EMPTY.actions)];
  // A sample event's text ends its evidence cell as a code span: quoted as logged, never read
  // as prose (a cell holds no code block).
  const row = (a: ReviewAction): string[] => {
    const cells = actionCells(a).map(cell);
    const sample = a.evidence?.sample;
    if (sample) cells[cells.length - 1] += `: ${tableCodeSpan(sample.text)}`;
    return cells;
  };
  return [heading(2, REVIEW_HEADINGS.actions), table(ACTION_COLUMNS, doc.actions.map(row))];
}

function rootCause(doc: ReviewDocument): string[] {
  const { whatOccurred, why, prevention, draft } = doc.rootCause;
  return [
    heading(2, REVIEW_HEADINGS.rootCause),
    ...(draft ? [`**${text(DRAFT_NOTE)}**`] : []),
    heading(3, ROOT_CAUSE_HEADINGS.whatOccurred),
    ...paragraphs(whatOccurred, EMPTY.rootCause),
    heading(3, ROOT_CAUSE_HEADINGS.why),
    ...paragraphs(why, EMPTY.rootCause),
    heading(3, ROOT_CAUSE_HEADINGS.prevention),
    ...paragraphs(prevention, EMPTY.rootCause),
  ];
}

function recommendations(doc: ReviewDocument): string[] {
  return [
    heading(2, REVIEW_HEADINGS.recommendations),
    doc.recommendations.length === 0
      ? text(EMPTY.recommendations)
      : doc.recommendations.map((rec, i) => `${i + 1}. ${text(rec.text)} ${text(recommendationBasis(rec))}`).join('\n'),
  ];
}

function sourcesTable(sources: ReviewSourceEvidence[]): string {
  return table(
    SOURCE_COLUMNS,
    sources.map((s) =>
      sourceCells(s).map((value, i) => (SOURCE_COLUMNS[i]?.code ? tableCodeSpan(value) : cell(value))),
    ),
  );
}

function pullBlocks(source: ReviewSourceEvidence): string[] {
  if (!source.pull) return [];
  const pull = source.pull;
  return [
    heading(4, pullHeading(source)),
    [
      field(PULL_LABELS.cluster, pull.cluster),
      field(PULL_LABELS.index, pull.index),
      field(PULL_LABELS.window, pullWindow(pull)),
      field(PULL_LABELS.hits, formatCount(pull.hits)),
      field(PULL_LABELS.pulled, pulledAtText(pull)),
      `- **${text(PULL_LABELS.query)}:**`,
    ].join('\n'),
    codeBlock(pull.query),
  ];
}

function evidence(doc: ReviewDocument): string[] {
  const { sources, excludedSources, queries, thresholds } = doc.evidence;
  const pulls = sources.flatMap(pullBlocks);
  return [
    heading(2, REVIEW_HEADINGS.evidence),
    heading(3, EVIDENCE_HEADINGS.sources),
    sources.length === 0 ? text(EMPTY.sources) : sourcesTable(sources),
    heading(3, EVIDENCE_HEADINGS.pulls),
    ...(pulls.length === 0 ? [text(EMPTY.pulls)] : pulls),
    heading(3, EVIDENCE_HEADINGS.excluded),
    excludedSources.length === 0
      ? text(EMPTY.excluded)
      : excludedSources.map((x) => `- ${text(excludedText(x))}`).join('\n'),
    heading(3, EVIDENCE_HEADINGS.queries),
    ...(queries.length === 0
      ? [text(EMPTY.queries)]
      : [text(QUERIES_INTRO), ...queries.flatMap((q) => [`**${text(q.figure)}**`, codeBlock(q.sql, 'sql')])]),
    heading(3, EVIDENCE_HEADINGS.thresholds),
    thresholds.length === 0
      ? text(EMPTY.thresholds)
      : table(
          THRESHOLD_COLUMNS,
          thresholds.map((t) => [t.key, t.value, t.meaning].map(cell)),
        ),
  ];
}

export function renderMarkdownReview(doc: ReviewDocument): string {
  const blocks = [
    frontMatter(doc),
    ...head(doc),
    ...verdict(doc),
    ...signOff(doc),
    ...summary(doc),
    ...comparison(doc),
    ...timeline(doc),
    ...affected(doc),
    ...actions(doc),
    ...rootCause(doc),
    ...recommendations(doc),
    ...evidence(doc),
  ];
  return `${blocks.filter((block) => block !== '').join('\n\n')}\n`;
}
