// The review as a PDF for the CLI and the web mode, drawn with pdfkit (pure JavaScript: no
// browser on the user's machine). The desktop app prints the HTML review through Electron
// instead. Same sections, order and words as the other formats; A4, "Page n of m" in the
// footer, the title in the PDF's metadata. The same document gives the same bytes: the
// info dictionary's dates come from the document's own date (asOf), and pdfkit derives the
// trailer /ID from that dictionary, never from the clock or a random source.
import PDFDocument from 'pdfkit';
import type { Decision, RowAction, RuleOutcome } from '../../../shared/api.js';
import { formatCount } from '../../../shared/metricFormat.js';
import type {
  ReviewAction,
  ReviewDocument,
  ReviewQuery,
  ReviewRecommendation,
  ReviewSample,
  ReviewSourceEvidence,
  TimelineEntry,
} from '../../../shared/review.js';
import { pdfFonts } from './pdfFonts.js';
import { PdfFlow, type TableCell, type TableColumn, type TextBlock } from './pdfLayout.js';
import {
  ACTION_LABELS,
  AFFECTED_COUNT_COLUMNS,
  AFFECTED_HEADINGS,
  AFFECTED_NOTE,
  BLANK_ON_PAPER,
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
  actionBy,
  actionEvidence,
  actionOrigin,
  actionTime,
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

/** Colour only repeats what the words say (the action is always written out). */
const ACTION_COLOURS: Partial<Record<Decision | RowAction | RuleOutcome, string>> = {
  rollback: '#a4161a',
  hold: '#8a5300',
  investigate: '#8a5300',
  alert: '#8a5300',
};

const MUTED = '#555555';
const SMALL = 8.5;

export async function renderPdfReview(doc: ReviewDocument): Promise<Buffer> {
  const fonts = pdfFonts();
  const date = new Date(doc.asOf.epochMs);
  if (Number.isNaN(date.getTime())) throw new Error(`PDF review: asOf.epochMs is not a time (${doc.asOf.epochMs})`);
  const pdf = new PDFDocument({
    size: 'A4',
    margins: { top: 56, bottom: 56, left: 50, right: 50 },
    bufferPages: true,
    autoFirstPage: false,
    lang: 'en-GB',
    displayTitle: true,
    info: {
      Title: doc.title,
      Subject: `Post-deployment review of ${doc.rolloutId}`,
      ...(doc.author ? { Author: doc.author } : {}),
      Creator: 'Coalmine',
      Producer: 'Coalmine (PDFKit)',
      // The document's own date, never the clock: the same case gives the same bytes.
      CreationDate: date,
      ModDate: date,
    },
  });
  for (const font of Object.values(fonts)) pdf.registerFont(font.name, font.bytes);
  const done = collect(pdf);
  pdf.addPage();

  const flow = new PdfFlow(pdf, fonts);
  writeHead(flow, doc);
  writeSummary(flow, doc);
  writeComparison(flow, doc);
  writeTimeline(flow, doc);
  writeAffected(flow, doc);
  writeActions(flow, doc);
  writeRootCause(flow, doc);
  writeRecommendations(flow, doc);
  writeEvidence(flow, doc);
  flow.footers(`Coalmine review: ${doc.rolloutId}`);
  pdf.end();
  return done;
}

function collect(pdf: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
}

function writeHead(flow: PdfFlow, doc: ReviewDocument): void {
  flow.heading(doc.title, 1);
  flow.fields([
    { label: HEAD_LABELS.service, value: doc.service },
    ...(doc.environment === undefined ? [] : [{ label: HEAD_LABELS.environment, value: doc.environment }]),
    { label: HEAD_LABELS.stableVersion, value: stableVersionText(doc) },
    { label: HEAD_LABELS.canaryVersion, value: doc.canaryVersion },
    { label: HEAD_LABELS.rollout, value: doc.rolloutId },
    { label: HEAD_LABELS.window, value: windowText(doc) },
    { label: HEAD_LABELS.asOf, value: doc.asOf.uk },
    { label: HEAD_LABELS.personalData, value: personalDataText(doc) },
  ]);
  flow.space(4);
  flow.draw({ text: doc.timeNote, size: 9, color: MUTED, gapAfter: 2 });

  flow.heading(REVIEW_HEADINGS.verdict, 2);
  flow.draw({
    text: doc.verdict.label,
    role: 'bold',
    size: 12,
    color: ACTION_COLOURS[doc.verdict.decision] ?? '#1a1a1a',
    gapAfter: 2,
  });
  flow.draw({ text: doc.verdict.summary, gapAfter: 4 });
  if (doc.verdict.reasons.length === 0) flow.draw({ text: EMPTY.reasons });
  for (const reason of doc.verdict.reasons) {
    flow.group([
      {
        text: `• ${reasonLead(reason)} ${reasonRule(reason)}`,
        role: 'bold',
        size: 9.5,
        color: ACTION_COLOURS[reason.outcome] ?? '#1a1a1a',
        indent: 6,
      },
      { text: reason.text, indent: 16, gapAfter: 4 },
    ]);
  }

  flow.heading(REVIEW_HEADINGS.signOff, 2);
  flow.fields([
    { label: SIGN_OFF_LABELS.author, value: doc.author ?? BLANK_ON_PAPER },
    { label: SIGN_OFF_LABELS.name, value: doc.signOff.name ?? BLANK_ON_PAPER },
    { label: SIGN_OFF_LABELS.role, value: doc.signOff.role ?? BLANK_ON_PAPER },
    { label: SIGN_OFF_LABELS.date, value: doc.signOff.date ?? BLANK_ON_PAPER },
  ]);
}

/** A shared column as a drawn table's column: figures align right, as in the other formats. */
function tableColumns(columns: readonly ReviewColumn[]): TableColumn[] {
  return columns.map((column) => ({ header: column.label, align: column.numeric ? 'right' : 'left' }));
}

function writeSummary(flow: PdfFlow, doc: ReviewDocument): void {
  flow.heading(REVIEW_HEADINGS.summary, 2);
  flow.draw({ text: doc.summary.length > 0 ? doc.summary.join(' ') : EMPTY.summary });
}

function writeComparison(flow: PdfFlow, doc: ReviewDocument): void {
  flow.heading(REVIEW_HEADINGS.comparison, 2, 60);
  if (doc.comparison.rows.length === 0) {
    flow.draw({ text: EMPTY.comparison });
  } else {
    flow.table(
      tableColumns(COMPARISON_COLUMNS),
      doc.comparison.rows.map((row): TableCell[] => [
        { text: row.label },
        { text: row.stable },
        { text: row.canary },
        { text: row.variance },
        { text: row.pValue },
        {
          text: row.actionRequired,
          role: row.action === 'none' ? 'regular' : 'bold',
          color: ACTION_COLOURS[row.action],
        },
      ]),
    );
  }
  for (const note of doc.comparison.notes) flow.draw({ text: note, size: SMALL, color: MUTED, gapAfter: 2 });
}

/** "Sample event: source …, line …, logged at …" and then the event's own text, as code. */
function sampleBlocks(sample: ReviewSample | null, indent: number): TextBlock[] {
  if (!sample) return [{ text: `${TIMELINE_LABELS.sample}: ${NO_SAMPLE}`, size: SMALL, color: MUTED, indent }];
  return [
    { text: `${TIMELINE_LABELS.sample}: ${sampleWhere(sample)}`, size: SMALL, color: MUTED, indent, gapAfter: 1 },
    sampleText(sample, indent),
  ];
}

function sampleText(sample: ReviewSample, indent: number): TextBlock {
  return { text: sample.text, role: 'mono', size: 8, indent: indent + 8, gapAfter: 1 };
}

function writeTimeline(flow: PdfFlow, doc: ReviewDocument): void {
  const first = doc.timeline[0];
  flow.heading(REVIEW_HEADINGS.timeline, 2, first ? flow.measureAll(timelineBlocks(first)) : 40);
  if (doc.timeline.length === 0) flow.draw({ text: EMPTY.timeline });
  for (const entry of doc.timeline) flow.group(timelineBlocks(entry), 8);
}

function timelineBlocks(entry: TimelineEntry): TextBlock[] {
  return [
    { text: `${timelineWhen(entry)}  ·  ${timelineKindText(entry.kind)}`, size: 9, color: MUTED, gapAfter: 1 },
    { text: entry.title, role: 'bold', size: 10.5, gapAfter: 1 },
    { text: entry.detail, indent: 10, gapAfter: 2 },
    { text: `${TIMELINE_LABELS.counts}: ${entry.evidence.counts}`, size: 9, indent: 10 },
    ...sampleBlocks(entry.evidence.sample, 10),
  ];
}

/** Cells as a drawn table's; the name (second column) in the monospaced font, as log text. */
function partyRow(cells: string[]): TableCell[] {
  return cells.map((text, i) => (i === 1 ? { text, role: 'mono' } : { text }));
}

function writeAffected(flow: PdfFlow, doc: ReviewDocument): void {
  const a = doc.affected;
  flow.heading(REVIEW_HEADINGS.affected, 2, 90);
  flow.draw({ text: a.summary.join(' '), gapAfter: 4 });
  if (hasAffectedCounts(a)) {
    flow.table(
      tableColumns(AFFECTED_COUNT_COLUMNS),
      affectedCountRows(a).map((row) => row.map((text) => ({ text }))),
    );
  }
  flow.draw({ text: `${AFFECTED_NOTE} ${affectedNamesNote(doc)}`, size: SMALL, color: MUTED, gapAfter: 2 });

  flow.heading(AFFECTED_HEADINGS.canaryOnly, 3, 50);
  if (a.canaryOnly.length === 0) flow.draw({ text: EMPTY.canaryOnly });
  else
    flow.table(
      tableColumns(CANARY_ONLY_COLUMNS),
      a.canaryOnly.map((party) => partyRow(partyCells(party))),
    );
  const notListed = canaryOnlyNotListedText(a);
  if (notListed !== null) flow.draw({ text: notListed, size: 9, gapAfter: 2 });

  flow.heading(AFFECTED_HEADINGS.surges, 3, 50);
  if (a.surges.length === 0) flow.draw({ text: EMPTY.surges });
  for (const surge of a.surges) {
    flow.heading(surgePartiesHeading(surge), 4, 50);
    if (surge.parties.length === 0) flow.draw({ text: EMPTY.surgeParties });
    else {
      flow.table(
        tableColumns(surgePartyColumns(surge.status)),
        surge.parties.map((party) => partyRow(partyCells(party))),
      );
    }
    flow.draw({ text: surgePartiesText(surge), size: 9, gapAfter: 4 });
  }
}

function writeActions(flow: PdfFlow, doc: ReviewDocument): void {
  const first = doc.actions[0];
  flow.heading(REVIEW_HEADINGS.actions, 2, first ? flow.measureAll(actionBlocks(first)) : 40);
  if (doc.actions.length === 0) flow.draw({ text: EMPTY.actions });
  for (const action of doc.actions) flow.group(actionBlocks(action), 8);
}

/** An action as blocks (a five-column table is too narrow on A4), in the other formats' words. */
function actionBlocks(action: ReviewAction): TextBlock[] {
  const sample = action.evidence?.sample;
  return [
    { text: `${actionTime(action)}  ·  ${actionOrigin(action)}`, size: 9, color: MUTED, gapAfter: 1 },
    { text: action.text, role: 'bold', size: 10, gapAfter: 1 },
    { text: `${ACTION_LABELS.by}: ${actionBy(action)}`, size: 9, indent: 10 },
    { text: `${ACTION_LABELS.evidence}: ${actionEvidence(action)}`, size: 9, indent: 10, gapAfter: 1 },
    ...(sample ? [sampleText(sample, 10)] : []),
  ];
}

function writeRootCause(flow: PdfFlow, doc: ReviewDocument): void {
  const title = REVIEW_HEADINGS.rootCause;
  flow.heading(doc.rootCause.draft ? `${title} (draft)` : title, 2, 70);
  if (doc.rootCause.draft) {
    flow.draw({ text: DRAFT_NOTE, role: 'bold', size: 9, color: ACTION_COLOURS.hold, gapAfter: 2 });
  }
  const parts = [
    [ROOT_CAUSE_HEADINGS.whatOccurred, doc.rootCause.whatOccurred],
    [ROOT_CAUSE_HEADINGS.why, doc.rootCause.why],
    [ROOT_CAUSE_HEADINGS.prevention, doc.rootCause.prevention],
  ] as const;
  for (const [heading, text] of parts) {
    flow.heading(heading, 3, 14);
    flow.draw({ text: text.trim() === '' ? EMPTY.rootCause : text, keepLines: true });
  }
}

function writeRecommendations(flow: PdfFlow, doc: ReviewDocument): void {
  const first = doc.recommendations[0];
  flow.heading(REVIEW_HEADINGS.recommendations, 2, first ? flow.measureAll(recommendationBlocks(first, 1)) : 40);
  if (doc.recommendations.length === 0) flow.draw({ text: EMPTY.recommendations });
  doc.recommendations.forEach((rec, i) => flow.group(recommendationBlocks(rec, i + 1), 5));
}

function recommendationBlocks(rec: ReviewRecommendation, number: number): TextBlock[] {
  return [
    { text: `${number}. ${rec.text}`, role: 'bold', size: 10, gapAfter: 1 },
    { text: recommendationBasis(rec), size: 9, color: MUTED, indent: 14 },
  ];
}

function queryBlocks(query: ReviewQuery): TextBlock[] {
  return [
    { text: query.figure, role: 'bold', size: 9.5, gapAfter: 1 },
    { text: query.sql, role: 'mono', size: 8, indent: 10, keepLines: true },
  ];
}

/**
 * A source as labelled fields under its heading (thirteen columns do not fit across A4): the
 * same labels and values as the other formats' sources table, less the id and name the
 * heading already gives.
 */
function sourceFields(source: ReviewSourceEvidence): { label: string; value: string; role?: 'mono' }[] {
  const cells = sourceCells(source);
  return SOURCE_COLUMNS.flatMap((column, i) => {
    if (i < 2) return [];
    const value = cells[i] ?? '';
    return [column.code ? { label: column.label, value, role: 'mono' as const } : { label: column.label, value }];
  });
}

function writeEvidence(flow: PdfFlow, doc: ReviewDocument): void {
  const { sources, excludedSources, queries, thresholds } = doc.evidence;
  flow.heading(REVIEW_HEADINGS.evidence, 2, 120);

  flow.heading(EVIDENCE_HEADINGS.sources, 3);
  if (sources.length === 0) flow.draw({ text: EMPTY.sources });
  for (const source of sources) {
    flow.heading(pullHeading(source), 4, 80);
    flow.fields(sourceFields(source));
    flow.space(4);
  }

  flow.heading(EVIDENCE_HEADINGS.pulls, 3);
  const pulls = sources.filter((source) => source.pull !== null);
  if (pulls.length === 0) flow.draw({ text: EMPTY.pulls });
  for (const source of pulls) {
    const pull = source.pull;
    if (!pull) continue;
    flow.heading(pullHeading(source), 4, 80);
    flow.fields([
      { label: PULL_LABELS.cluster, value: pull.cluster },
      { label: PULL_LABELS.index, value: pull.index },
      { label: PULL_LABELS.window, value: pullWindow(pull) },
      { label: PULL_LABELS.hits, value: formatCount(pull.hits) },
      { label: PULL_LABELS.pulled, value: pulledAtText(pull) },
      { label: PULL_LABELS.query, value: pull.query, role: 'mono' },
    ]);
    flow.space(4);
  }

  flow.heading(EVIDENCE_HEADINGS.excluded, 3);
  if (excludedSources.length === 0) flow.draw({ text: EMPTY.excluded });
  for (const source of excludedSources) flow.draw({ text: `• ${excludedText(source)}`, indent: 6, gapAfter: 2 });

  const firstQuery = queries[0];
  flow.heading(EVIDENCE_HEADINGS.queries, 3, firstQuery ? 20 + flow.measureAll(queryBlocks(firstQuery)) : 40);
  if (queries.length === 0) flow.draw({ text: EMPTY.queries });
  else flow.draw({ text: QUERIES_INTRO, size: 9, color: MUTED, gapAfter: 3 });
  for (const query of queries) flow.group(queryBlocks(query), 5);

  flow.heading(EVIDENCE_HEADINGS.thresholds, 3);
  if (thresholds.length === 0) flow.draw({ text: EMPTY.thresholds });
  else {
    flow.table(
      tableColumns(THRESHOLD_COLUMNS),
      thresholds.map((threshold): TableCell[] => [
        { text: threshold.key, role: 'mono' },
        { text: threshold.value },
        { text: threshold.meaning },
      ]),
    );
  }
}
