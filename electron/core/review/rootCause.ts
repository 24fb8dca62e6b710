// The root-cause section: what occurred, why, and how to prevent it, drafted from the findings
// (the timeline and the recommendation rules that apply) and replaced field by field by what
// the analyst wrote. It stays a draft until the analyst has written any field of it.
import type { ReviewDocument, ReviewNotes, ReviewRecommendation, TimelineEntry } from '../../../shared/review.js';
import type { Pseudonymiser } from './pseudonymise.js';

/** What a rule's finding says about the cause, in the order the rules are tried. */
const WHY: Record<string, string> = {
  'key-rotation':
    'The canary rejected valid-looking requests with 401 while throwing a new token exception: it most likely no longer validates tokens the way stable does (a signing key, key set or validation setting changed with it).',
  'authentication-change':
    'The canary answered 401 far more often than stable: something in how it authenticates requests changed.',
  'authorisation-policy':
    'The canary refused requests with 403 far more often than stable: its authorisation rules changed.',
  'server-errors': 'The canary failed requests with 5xx responses more often than its threshold allows.',
  'client-errors': 'The canary answered with 4xx responses more often than its threshold allows.',
  'profile-endpoints': 'The canary is slower than stable at the 95th percentile.',
  'fix-new-exceptions': 'The canary throws exceptions that stable never threw: new code paths fail.',
  'exception-spike': 'An exception both versions throw became more frequent on the canary.',
  'resource-use': 'The canary uses more CPU or memory than stable.',
  'business-measure': 'A business measure got worse on the canary.',
  'more-traffic': 'The canary served too little traffic to tell it from stable.',
  'promote-with-monitoring': 'Nothing in the findings points at a fault in the canary.',
};

const WEIGHT: Record<TimelineEntry['kind'], number> = {
  surge: 0,
  'new-exception': 1,
  'auth-burst': 2,
  threshold: 3,
  'rollout-action': 4,
};

/** Findings listed in "what occurred", at most. */
const LISTED = 6;

export function draftRootCause(
  timeline: TimelineEntry[],
  ruleRecommendations: ReviewRecommendation[],
  verdictSentence: string,
): { whatOccurred: string; why: string; prevention: string } {
  const findings = timeline.filter((e) => e.kind !== 'rollout-action');
  // The weightiest findings first (surges and new exceptions before single buckets), then
  // told in time order.
  const listed = [...findings]
    .sort((a, b) => WEIGHT[a.kind] - WEIGHT[b.kind])
    .slice(0, LISTED)
    .sort((a, b) => a.at.epochMs - b.at.epochMs)
    .map((e) => `${e.title} at ${e.at.uk}`);
  const more = findings.length - listed.length;
  const whatOccurred =
    findings.length === 0
      ? `No surge, new exception, authentication-failure burst or threshold crossing was found on the canary in the window. ${verdictSentence}`
      : `${listed.join('; ')}${more > 0 ? `; and ${more} more finding${more === 1 ? '' : 's'}` : ''}. ${verdictSentence}`;
  const causes = ruleRecommendations.filter((r) => Object.hasOwn(WHY, r.id)).slice(0, 2);
  const why =
    causes.length === 0
      ? 'The findings do not point at a cause yet.'
      : causes.map((r) => `${WHY[r.id] ?? ''} (${r.because})`).join(' ');
  const steps = ruleRecommendations.filter((r) => r.id !== 'promote-with-monitoring').slice(0, 3);
  const prevention =
    steps.length === 0
      ? 'Keep the canary checks as they are: they found nothing to prevent.'
      : `Before the next rollout: ${steps.map((r) => r.text.replace(/\.$/, '')).join('; ')}.`;
  return { whatOccurred, why, prevention };
}

export function rootCauseOf(
  draft: { whatOccurred: string; why: string; prevention: string },
  notes: ReviewNotes,
  pseudonymiser: Pseudonymiser,
): ReviewDocument['rootCause'] {
  const given = notes.rootCause ?? {};
  const pick = (field: 'whatOccurred' | 'why' | 'prevention'): string => {
    const written = given[field];
    return written === undefined || written.trim() === '' ? draft[field] : pseudonymiser.text(written);
  };
  const edited = (['whatOccurred', 'why', 'prevention'] as const).some((f) => (given[f] ?? '').trim() !== '');
  return { whatOccurred: pick('whatOccurred'), why: pick('why'), prevention: pick('prevention'), draft: !edited };
}
