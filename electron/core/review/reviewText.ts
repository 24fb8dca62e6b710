// The words of the review that are not in the document model: headings, the names of codes,
// and the sentences for empty sections. Markdown and HTML (and the PDF printed from HTML)
// take them from here so every format reads the same. Everything here is plain text; each
// format escapes it as it escapes the model's own text.
import type { RuleOutcome } from '../../../shared/api.js';
import { showControlCharacters } from '../../../shared/controlCharacters.js';
import { formatCount } from '../../../shared/metricFormat.js';
import type {
  ReviewAction,
  ReviewAffected,
  ReviewAffectedCounts,
  ReviewAffectedParty,
  ReviewDocument,
  ReviewReason,
  ReviewRecommendation,
  ReviewSample,
  ReviewSourceEvidence,
  TimelineKind,
} from '../../../shared/review.js';

/** The second-level headings, in the order every format writes them. */
export const REVIEW_HEADINGS = {
  verdict: 'Verdict',
  signOff: 'Author and sign-off',
  summary: 'Summary',
  comparison: 'Canary vs stable',
  timeline: 'What occurred',
  affected: 'Who was affected',
  actions: 'Actions taken',
  rootCause: 'Root cause',
  recommendations: 'Recommendations',
  evidence: 'Evidence appendix',
} as const;

export const EVIDENCE_HEADINGS = {
  sources: 'Sources',
  pulls: 'Elasticsearch pulls',
  excluded: 'Sources left out',
  queries: 'Reproducing the figures',
  thresholds: 'Thresholds',
} as const;

export const ROOT_CAUSE_HEADINGS = {
  whatOccurred: 'What occurred',
  why: 'Why it occurred',
  prevention: 'How to prevent it',
} as const;

/** What a section says when it has nothing to show, so a reader knows it was not forgotten. */
export const EMPTY = {
  reasons: 'No rule gave a reason for the verdict.',
  summary: 'No summary was written.',
  comparison: 'No figures to compare in the window.',
  timeline: 'No findings in the window.',
  canaryOnly: 'Nobody failed authentication only on the canary.',
  surges: 'No 401 or 403 surge on the canary.',
  surgeParties: 'The surge’s events name no principal and no client IP.',
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
export const BLANK = '________________';

/** The same blank line on paper, long enough to write a name or a date on by hand. */
export const BLANK_ON_PAPER = '______________________________';

export const DRAFT_NOTE = 'Draft: written from the findings; the analyst has not edited it yet.';

export const QUERIES_INTRO =
  'Each query reproduces one figure of this review. Run it against the case file with sqlite3.';

const OUTCOME_WORDS: Record<RuleOutcome, string> = {
  pass: 'Pass',
  'pre-existing': 'Pre-existing',
  investigate: 'Investigate',
  alert: 'Alert',
  hold: 'Hold',
  rollback: 'Roll back',
  'insufficient-data': 'Insufficient data',
};

const TIMELINE_KIND_WORDS: Record<TimelineKind, string> = {
  surge: 'Surge',
  'new-exception': 'New exception',
  'auth-burst': 'Authentication-failure burst',
  threshold: 'Threshold crossed',
  'rollout-action': 'Rollout action',
};

const SOURCE_STATE_WORDS: Record<ReviewSourceEvidence['state'], string> = {
  importing: 'Still importing',
  complete: 'Complete',
  incomplete: 'Incomplete',
};

export const HEAD_LABELS = {
  service: 'Service',
  environment: 'Environment',
  stableVersion: 'Stable version',
  canaryVersion: 'Canary version',
  rollout: 'Rollout',
  window: 'Window',
  asOf: 'Last event',
  verdict: 'Verdict',
  personalData: 'Personal data',
} as const;

export const SIGN_OFF_LABELS = {
  author: 'Author',
  name: 'Signed off by',
  role: 'Role',
  date: 'Date',
} as const;

export function stableVersionText(doc: ReviewDocument): string {
  return doc.stableVersion ?? 'unknown';
}

export function windowText(doc: ReviewDocument): string {
  const { from, to, duration, crossesClockChange } = doc.window;
  const span = `${from.uk} to ${to.uk} (${duration})`;
  return crossesClockChange ? `${span}; it crosses a clock change, so read each time with its zone` : span;
}

export function personalDataText(doc: ReviewDocument): string {
  return doc.pseudonymised
    ? 'Pseudonymised: client IP addresses, e-mail addresses and user names are replaced by keyed pseudonyms, each the same throughout this case.'
    : 'Shown in clear: this review was made without pseudonymisation and holds personal data (client IP addresses, e-mail addresses, user names). Handle it accordingly.';
}

/** "Roll back, blocks promotion" — the outcome in words, never by colour alone. */
export function reasonLead(reason: ReviewReason): string {
  return `${OUTCOME_WORDS[reason.outcome]}, ${reason.blocks ? 'blocks promotion' : 'does not block promotion'}`;
}

export function reasonRule(reason: ReviewReason): string {
  return `(rule ${reason.rule})`;
}

export function timelineKindText(kind: TimelineKind): string {
  return TIMELINE_KIND_WORDS[kind];
}

export function timelineWhen(entry: { at: { uk: string }; until: { uk: string } | null }): string {
  return entry.until ? `${entry.at.uk} until ${entry.until.uk}` : entry.at.uk;
}

/** Where a sample event can be checked: "source access.log, line 4,113, logged at …". */
export function sampleWhere(sample: ReviewSample): string {
  return `source ${sample.sourceName}, line ${formatCount(sample.line)}, logged at ${sample.at.uk}`;
}

export function actionTime(action: ReviewAction): string {
  return action.at?.uk ?? 'Time not recorded';
}

export function actionOrigin(action: ReviewAction): string {
  return action.origin === 'analyst' ? 'Recorded by the analyst' : 'Found in the logs';
}

export function actionBy(action: ReviewAction): string {
  return action.by ?? 'Not recorded';
}

/** The evidence of an action found in the logs, in one line (the sample's text is shown apart). */
export function actionEvidence(action: ReviewAction): string {
  if (!action.evidence) return '—';
  const { counts, sample } = action.evidence;
  return sample ? `${counts}; ${sampleWhere(sample)}` : counts;
}

export function recommendationBasis(rec: ReviewRecommendation): string {
  return rec.origin === 'analyst' ? 'Added by the analyst.' : `Because: ${rec.because} (rule ${rec.id})`;
}

export function sourceStateText(state: ReviewSourceEvidence['state']): string {
  return SOURCE_STATE_WORDS[state];
}

export function sizeText(source: ReviewSourceEvidence): string {
  return `${source.sizeText} (${formatCount(source.size)} bytes)`;
}

export function excludedText(source: { id: number; name: string; state: string }): string {
  return `Source ${source.id}, ${source.name} (${source.state}): left out of every figure because its import did not finish.`;
}

export interface ReviewColumn {
  label: string;
  /** Figures align right, so their digits line up. */
  numeric?: boolean;
  /** Machine text (a hash) shown as code, whole. */
  code?: boolean;
  /** Free text, from logs or the analyst: may hold long unbroken tokens, so it may break anywhere. */
  free?: boolean;
}

export const COMPARISON_COLUMNS: readonly ReviewColumn[] = [
  { label: 'Metric', free: true },
  { label: 'Stable', numeric: true },
  { label: 'Canary', numeric: true },
  { label: 'Variance', numeric: true },
  { label: 'p-value', numeric: true },
  { label: 'Action required' },
];

/** The names of an action's parts, for a format that lays actions out as blocks, not a table. */
export const ACTION_LABELS = {
  time: 'Time',
  action: 'Action',
  by: 'Taken by',
  origin: 'Recorded',
  evidence: 'Evidence',
} as const;

export const ACTION_COLUMNS: readonly ReviewColumn[] = [
  { label: ACTION_LABELS.time },
  { label: ACTION_LABELS.action, free: true },
  { label: ACTION_LABELS.by, free: true },
  { label: ACTION_LABELS.origin },
  { label: ACTION_LABELS.evidence, free: true },
];

export const SOURCE_COLUMNS: readonly ReviewColumn[] = [
  { label: '#', numeric: true },
  { label: 'Source', free: true },
  { label: 'SHA-256', code: true },
  { label: 'Size', numeric: true },
  { label: 'Format' },
  { label: 'Zone' },
  { label: 'Lines', numeric: true },
  { label: 'Events', numeric: true },
  { label: 'Rejected', numeric: true },
  { label: 'Auth failures', numeric: true },
  { label: 'Exceptions', numeric: true },
  { label: 'Imported' },
  { label: 'State' },
];

export const AFFECTED_HEADINGS = {
  canaryOnly: 'Failed only on the canary',
  surges: 'Behind the 401 and 403 surges',
} as const;

/** What "only on the canary" and a principal mean, under the section's figures. */
export const AFFECTED_NOTE =
  'A principal is the user an event names; a failure is an event marked as an authentication failure. Only on the canary: failed on the canary and never on stable in the window.';

export const AFFECTED_COUNT_COLUMNS: readonly ReviewColumn[] = [
  { label: 'Failed authentication' },
  { label: 'Canary', numeric: true },
  { label: 'Stable', numeric: true },
  { label: 'Only on the canary', numeric: true },
];

/** Whether anyone failed authentication on either track: if not, the summary says it all. */
export function hasAffectedCounts(affected: ReviewAffected): boolean {
  return [affected.principals, affected.clientIps].some((c) => c.canary > 0 || c.stable > 0);
}

/** The rows of the counts table, in AFFECTED_COUNT_COLUMNS order. */
export function affectedCountRows(affected: ReviewAffected): string[][] {
  const row = (label: string, c: ReviewAffectedCounts): string[] => [
    label,
    formatCount(c.canary),
    formatCount(c.stable),
    formatCount(c.canaryOnly),
  ];
  return [row('Principals (users)', affected.principals), row('Client IPs', affected.clientIps)];
}

export const CANARY_ONLY_COLUMNS: readonly ReviewColumn[] = [
  { label: 'Kind' },
  { label: 'Principal or client IP', free: true },
  { label: 'Canary failures', numeric: true },
];

export function surgePartyColumns(status: 401 | 403): readonly ReviewColumn[] {
  return [
    { label: 'Kind' },
    { label: 'Principal or client IP', free: true },
    { label: `${status} answers`, numeric: true },
  ];
}

/**
 * A name as every format shows it: control characters (a line break, a bidi override) become
 * visible stand-ins, so `a\nb` does not read as `a b` and nothing reorders the line.
 */
export function partyName(party: ReviewAffectedParty): string {
  return showControlCharacters(party.name);
}

/** The cells of a party's row, in CANARY_ONLY_COLUMNS (or surgePartyColumns) order. */
export function partyCells(party: ReviewAffectedParty): string[] {
  return [party.kind === 'user' ? 'Principal' : 'Client IP', partyName(party), formatCount(party.count)];
}

function more(users: number, ips: number): string {
  const parts = [
    users > 0 ? `${formatCount(users)} more ${users === 1 ? 'principal' : 'principals'}` : '',
    ips > 0 ? `${formatCount(ips)} more ${ips === 1 ? 'client IP' : 'client IPs'}` : '',
  ].filter((x) => x !== '');
  return parts.join(' and ');
}

/** "And 37 more principals and 2 more client IPs failed only on the canary (not listed)."; null when none. */
export function canaryOnlyNotListedText(affected: ReviewAffected): string | null {
  const { users, ips } = affected.canaryOnlyNotListed;
  if (users === 0 && ips === 0) return null;
  return `And ${more(users, ips)} failed only on the canary (not listed: each list keeps those with the most failures, as many as the topSources setting).`;
}

export function surgePartiesHeading(surge: ReviewAffected['surges'][number]): string {
  return `${surge.status} surge, ${surge.at.uk} until ${surge.until.uk}`;
}

/** How many principals and IPs the surge answered with its status in all, and how many are not listed. */
export function surgePartiesText(surge: ReviewAffected['surges'][number]): string {
  const listed = (kind: 'user' | 'ip'): number => surge.parties.filter((p) => p.kind === kind).length;
  const users = Math.max(0, surge.distinct.users - listed('user'));
  const ips = Math.max(0, surge.distinct.ips - listed('ip'));
  const all =
    `In all the canary answered ${surge.status} to ${formatCount(surge.distinct.users)} ` +
    `${surge.distinct.users === 1 ? 'principal' : 'principals'} and ${formatCount(surge.distinct.ips)} ` +
    `${surge.distinct.ips === 1 ? 'client IP' : 'client IPs'} during the surge`;
  return users === 0 && ips === 0
    ? `${all}.`
    : `${all}; ${more(users, ips)} ${users + ips === 1 ? 'is' : 'are'} not listed.`;
}

/** Where the section's names can be followed, for a pseudonymised review. */
export function affectedNamesNote(doc: ReviewDocument): string {
  return doc.pseudonymised
    ? 'Names are pseudonyms, the same as in the sample events of the timeline and everywhere else in this review.'
    : 'Names are shown in clear, as logged.';
}

export const THRESHOLD_COLUMNS: readonly ReviewColumn[] = [
  { label: 'Setting' },
  { label: 'Value', numeric: true },
  { label: 'Meaning', free: true },
];

export const TIMELINE_LABELS = { when: 'When', kind: 'Kind', counts: 'Counts', sample: 'Sample event' } as const;

export const NO_SAMPLE = 'none kept';

export const PULL_LABELS = {
  cluster: 'Cluster',
  index: 'Index',
  window: 'Window',
  hits: 'Hits',
  pulled: 'Pulled',
  query: 'Query',
} as const;

export function pullHeading(source: ReviewSourceEvidence): string {
  return `Source ${source.id}: ${source.name}`;
}

export function pullWindow(pull: NonNullable<ReviewSourceEvidence['pull']>): string {
  return `${pull.from.uk} to ${pull.to.uk}`;
}

export function pulledAtText(pull: NonNullable<ReviewSourceEvidence['pull']>): string {
  return pull.pulledAt?.uk ?? 'not recorded';
}

/** The cells of a source's row, in SOURCE_COLUMNS order, the SHA-256 whole. */
export function sourceCells(s: ReviewSourceEvidence): string[] {
  return [
    String(s.id),
    s.name,
    s.sha256,
    sizeText(s),
    s.format,
    s.zone,
    ...[s.lines, s.events, s.rejects, s.authFailures, s.exceptions].map(formatCount),
    s.importedAt.uk,
    sourceStateText(s.state),
  ];
}

/** The cells of an action's row, in ACTION_COLUMNS order; each format adds a sample event's text. */
export function actionCells(a: ReviewAction): string[] {
  return [actionTime(a), a.text, actionBy(a), actionOrigin(a), actionEvidence(a)];
}
