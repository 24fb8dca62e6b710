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
  ReviewEvidence,
  ReviewQuery,
  ReviewRecommendation,
  ReviewSample,
  ReviewSourceEvidence,
  TimelineEntry,
  TimelineKind,
} from '../../../shared/review.js';
import { pdfFonts } from './pdfFonts.js';
import { PdfFlow, type TableCell, type TextBlock } from './pdfLayout.js';

const HEADINGS = {
  verdict: 'Verdict',
  signOff: 'Author and sign-off',
  summary: 'Summary',
  comparison: 'Canary vs stable',
  timeline: 'What occurred',
  actions: 'Actions taken',
  rootCause: 'Root cause',
  recommendations: 'Recommendations',
  evidence: 'Evidence appendix',
  sources: 'Sources',
  pulls: 'Elasticsearch pulls',
  excluded: 'Sources left out',
  queries: 'Reproducing the figures',
  thresholds: 'Thresholds',
  whatOccurred: 'What occurred',
  why: 'Why it occurred',
  prevention: 'How to prevent it',
} as const;

/** What a section says when it has nothing to show, so a reader knows it was not forgotten. */
const EMPTY = {
  reasons: 'No rule gave a reason for the verdict.',
  summary: 'No summary was written.',
  comparison: 'No figures to compare in the window.',
  timeline: 'No findings in the window.',
  actions: 'No actions were recorded by the analyst or found in the logs.',
  rootCause: 'Not written yet.',
  recommendations: 'No recommendations: no rule applies to the findings and the analyst added none.',
  sources: 'No source in the case.',
  pulls: 'No source came from an Elasticsearch pull.',
  excluded: 'No source was left out: every import finished.',
  queries: 'No reproduction queries.',
  thresholds: 'No thresholds were recorded.',
} as const;

/** A line to write on, for a sign-off field still empty. */
const BLANK = '______________________________';

const OUTCOME_WORDS: Record<RuleOutcome, string> = {
  pass: 'Pass',
  'pre-existing': 'Pre-existing',
  investigate: 'Investigate',
  alert: 'Alert',
  hold: 'Hold',
  rollback: 'Roll back',
  'insufficient-data': 'Insufficient data',
};

const KIND_WORDS: Record<TimelineKind, string> = {
  surge: 'Surge',
  'new-exception': 'New exception',
  'auth-burst': 'Authentication-failure burst',
  threshold: 'Threshold crossed',
  'rollout-action': 'Rollout action',
};

const STATE_WORDS: Record<ReviewSourceEvidence['state'], string> = {
  importing: 'Still importing',
  complete: 'Complete',
  incomplete: 'Incomplete',
};

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
  const { from, to, duration, crossesClockChange } = doc.window;
  flow.fields([
    { label: 'Service', value: doc.service },
    { label: 'Rollout', value: doc.rolloutId },
    { label: 'Stable version', value: doc.stableVersion ?? 'unknown' },
    { label: 'Canary version', value: doc.canaryVersion },
    {
      label: 'Window',
      value: `${from.uk} to ${to.uk} (${duration})${crossesClockChange ? '; it crosses a clock change, so read each time with its zone' : ''}`,
    },
    { label: 'Last event', value: doc.asOf.uk },
    {
      label: 'Personal data',
      value: doc.pseudonymised
        ? 'Pseudonymised: client IP addresses, e-mail addresses and user names are replaced by keyed pseudonyms, each the same throughout this case.'
        : 'Shown in clear: this review was made without pseudonymisation and holds personal data (client IP addresses, e-mail addresses, user names). Handle it accordingly.',
    },
  ]);
  flow.space(4);
  flow.draw({ text: doc.timeNote, size: 9, color: MUTED, gapAfter: 2 });

  flow.heading(HEADINGS.verdict, 2);
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
    const lead = `${OUTCOME_WORDS[reason.outcome]}, ${reason.blocks ? 'blocks promotion' : 'does not block promotion'} (rule ${reason.rule})`;
    flow.group([
      { text: `• ${lead}`, role: 'bold', size: 9.5, color: ACTION_COLOURS[reason.outcome] ?? '#1a1a1a', indent: 6 },
      { text: reason.text, indent: 16, gapAfter: 4 },
    ]);
  }

  flow.heading(HEADINGS.signOff, 2);
  flow.fields([
    { label: 'Author', value: doc.author ?? BLANK },
    { label: 'Signed off by', value: doc.signOff.name ?? BLANK },
    { label: 'Role', value: doc.signOff.role ?? BLANK },
    { label: 'Date', value: doc.signOff.date ?? BLANK },
  ]);
}

function writeSummary(flow: PdfFlow, doc: ReviewDocument): void {
  flow.heading(HEADINGS.summary, 2);
  flow.draw({ text: doc.summary.length > 0 ? doc.summary.join(' ') : EMPTY.summary });
}

function writeComparison(flow: PdfFlow, doc: ReviewDocument): void {
  flow.heading(HEADINGS.comparison, 2, 60);
  if (doc.comparison.rows.length === 0) {
    flow.draw({ text: EMPTY.comparison });
  } else {
    flow.table(
      [
        { header: 'Metric' },
        { header: 'Stable', align: 'right' },
        { header: 'Canary', align: 'right' },
        { header: 'Variance', align: 'right' },
        { header: 'p-value', align: 'right' },
        { header: 'Action required' },
      ],
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

function sampleBlocks(sample: ReviewSample, indent: number): TextBlock[] {
  return [
    { text: 'Sample event:', size: SMALL, color: MUTED, indent },
    { text: sample.text, role: 'mono', size: 8, indent: indent + 8, gapAfter: 1 },
    {
      text: `Source ${sample.sourceName}, line ${formatCount(sample.line)}, logged at ${sample.at.uk}`,
      size: SMALL,
      color: MUTED,
      indent,
    },
  ];
}

function evidenceBlocks(evidence: ReviewEvidence, indent: number): TextBlock[] {
  return [
    { text: `Evidence: ${evidence.counts}`, size: 9, indent },
    ...(evidence.sample ? sampleBlocks(evidence.sample, indent) : []),
  ];
}

function writeTimeline(flow: PdfFlow, doc: ReviewDocument): void {
  const first = doc.timeline[0];
  flow.heading(HEADINGS.timeline, 2, first ? flow.measureAll(timelineBlocks(first)) : 40);
  if (doc.timeline.length === 0) flow.draw({ text: EMPTY.timeline });
  for (const entry of doc.timeline) flow.group(timelineBlocks(entry), 8);
}

function timelineBlocks(entry: TimelineEntry): TextBlock[] {
  const when = entry.until ? `${entry.at.uk} until ${entry.until.uk}` : entry.at.uk;
  return [
    { text: `${when}  ·  ${KIND_WORDS[entry.kind]}`, size: 9, color: MUTED, gapAfter: 1 },
    { text: entry.title, role: 'bold', size: 10.5, gapAfter: 1 },
    { text: entry.detail, indent: 10, gapAfter: 2 },
    ...evidenceBlocks(entry.evidence, 10),
  ];
}

function writeActions(flow: PdfFlow, doc: ReviewDocument): void {
  const first = doc.actions[0];
  flow.heading(HEADINGS.actions, 2, first ? flow.measureAll(actionBlocks(first)) : 40);
  if (doc.actions.length === 0) flow.draw({ text: EMPTY.actions });
  for (const action of doc.actions) flow.group(actionBlocks(action), 8);
}

function actionBlocks(action: ReviewAction): TextBlock[] {
  const origin = action.origin === 'analyst' ? 'Recorded by the analyst' : 'Found in the logs';
  return [
    { text: `${action.at?.uk ?? 'Time not recorded'}  ·  ${origin}`, size: 9, color: MUTED, gapAfter: 1 },
    { text: action.text, role: 'bold', size: 10, gapAfter: 1 },
    ...(action.by ? [{ text: `By ${action.by}`, size: 9, indent: 10 }] : []),
    ...(action.evidence ? evidenceBlocks(action.evidence, 10) : []),
  ];
}

function writeRootCause(flow: PdfFlow, doc: ReviewDocument): void {
  flow.heading(doc.rootCause.draft ? `${HEADINGS.rootCause} (draft)` : HEADINGS.rootCause, 2, 70);
  if (doc.rootCause.draft) {
    flow.draw({
      text: 'Draft: written from the findings; the analyst has not edited it yet.',
      role: 'bold',
      size: 9,
      color: ACTION_COLOURS.hold,
      gapAfter: 2,
    });
  }
  const parts = [
    [HEADINGS.whatOccurred, doc.rootCause.whatOccurred],
    [HEADINGS.why, doc.rootCause.why],
    [HEADINGS.prevention, doc.rootCause.prevention],
  ] as const;
  for (const [title, text] of parts) {
    flow.heading(title, 3, 14);
    flow.draw({ text: text.trim() === '' ? EMPTY.rootCause : text, keepLines: true });
  }
}

function writeRecommendations(flow: PdfFlow, doc: ReviewDocument): void {
  const first = doc.recommendations[0];
  flow.heading(HEADINGS.recommendations, 2, first ? flow.measureAll(recommendationBlocks(first, 1)) : 40);
  if (doc.recommendations.length === 0) flow.draw({ text: EMPTY.recommendations });
  doc.recommendations.forEach((rec, i) => flow.group(recommendationBlocks(rec, i + 1), 5));
}

function recommendationBlocks(rec: ReviewRecommendation, number: number): TextBlock[] {
  return [
    { text: `${number}. ${rec.text}`, role: 'bold', size: 10, gapAfter: 1 },
    {
      text: rec.origin === 'analyst' ? 'Added by the analyst.' : `Because: ${rec.because} (rule ${rec.id})`,
      size: 9,
      color: MUTED,
      indent: 14,
    },
  ];
}

function queryBlocks(query: ReviewQuery): TextBlock[] {
  return [
    { text: query.figure, role: 'bold', size: 9.5, gapAfter: 1 },
    { text: query.sql, role: 'mono', size: 8, indent: 10, keepLines: true },
  ];
}

function writeEvidence(flow: PdfFlow, doc: ReviewDocument): void {
  const { sources, excludedSources, queries, thresholds } = doc.evidence;
  flow.heading(HEADINGS.evidence, 2, 120);

  flow.heading(HEADINGS.sources, 3);
  if (sources.length === 0) flow.draw({ text: EMPTY.sources });
  for (const source of sources) {
    flow.heading(`Source ${source.id}: ${source.name}`, 4, 80);
    flow.fields([
      { label: 'SHA-256', value: source.sha256, role: 'mono' },
      { label: 'Size', value: `${source.sizeText} (${formatCount(source.size)} bytes)` },
      { label: 'Format', value: source.format },
      { label: 'Zone', value: source.zone },
      {
        label: 'Counts',
        value:
          `${formatCount(source.lines)} lines, ${formatCount(source.events)} events, ${formatCount(source.rejects)} rejected, ` +
          `${formatCount(source.authFailures)} authentication failures, ${formatCount(source.exceptions)} exceptions`,
      },
      { label: 'Imported', value: source.importedAt.uk },
      { label: 'State', value: STATE_WORDS[source.state] },
    ]);
    flow.space(4);
  }

  flow.heading(HEADINGS.pulls, 3);
  const pulls = sources.filter((source) => source.pull !== null);
  if (pulls.length === 0) flow.draw({ text: EMPTY.pulls });
  for (const source of pulls) {
    const pull = source.pull;
    if (!pull) continue;
    flow.heading(`Source ${source.id}: ${source.name}`, 4, 80);
    flow.fields([
      { label: 'Cluster', value: pull.cluster },
      { label: 'Index', value: pull.index },
      { label: 'Query', value: pull.query, role: 'mono' },
      { label: 'Window', value: `${pull.from.uk} to ${pull.to.uk}` },
      { label: 'Hits', value: formatCount(pull.hits) },
      { label: 'Pulled', value: pull.pulledAt?.uk ?? 'not finished' },
    ]);
    flow.space(4);
  }

  flow.heading(HEADINGS.excluded, 3);
  if (excludedSources.length === 0) flow.draw({ text: EMPTY.excluded });
  for (const source of excludedSources) {
    flow.draw({
      text: `• Source ${source.id}, ${source.name} (${source.state}): left out of every figure because its import did not finish.`,
      indent: 6,
      gapAfter: 2,
    });
  }

  const firstQuery = queries[0];
  flow.heading(HEADINGS.queries, 3, firstQuery ? 20 + flow.measureAll(queryBlocks(firstQuery)) : 40);
  if (queries.length === 0) flow.draw({ text: EMPTY.queries });
  else {
    flow.draw({
      text: 'Each query reproduces one figure of this review. Run it against the case file with sqlite3.',
      size: 9,
      color: MUTED,
      gapAfter: 3,
    });
  }
  for (const query of queries) flow.group(queryBlocks(query), 5);

  flow.heading(HEADINGS.thresholds, 3);
  if (thresholds.length === 0) flow.draw({ text: EMPTY.thresholds });
  else {
    flow.table(
      [{ header: 'Setting' }, { header: 'Value', align: 'right' }, { header: 'Meaning' }],
      thresholds.map((threshold): TableCell[] => [
        { text: threshold.key, role: 'mono' },
        { text: threshold.value },
        { text: threshold.meaning },
      ]),
    );
  }
}
