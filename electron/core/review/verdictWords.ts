// The verdict in words for the review: its rules named as a reader would name them, not by
// their ids (`p95-regression`). The judge's own summary (analysis/verdict.ts) names rule ids
// for the CLI and the comparison view; a review is read by people who never saw the checklist.
import type { Analysis, RuleOutcome, Verdict, VerdictReason } from '../../../shared/api.js';
import { DECISION_WORDS } from '../analysis/verdict.js';

interface RuleWords {
  /** What the rule looks at, for a condition on stable too: "the 5xx rate". */
  topic: string;
  /** What it found on the canary when it blocks: "a 401 surge on the canary". */
  finding: string;
  /** The finding when several reasons of the rule block at once. */
  findings?: string;
}

/** Words for a rule; the surge rule's depend on the status it surged on. */
function ruleWords(reason: VerdictReason): RuleWords {
  switch (reason.rule) {
    case 'min-requests':
      // In logs without HTTP (sshd, PAM) the judge counts events (Analysis.volumeUnit).
      return reason.metric === 'events'
        ? { topic: 'the number of events', finding: 'too few events' }
        : { topic: 'the number of requests', finding: 'too few requests' };
    case 'error-rate':
      return { topic: 'the 5xx rate', finding: 'the canary’s 5xx rate above the rollback threshold' };
    case 'error-rate-investigate':
      return { topic: 'the 5xx rate', finding: 'the canary’s 5xx rate above the threshold to investigate' };
    case 'client-error-rate':
      return { topic: 'the 4xx rate', finding: 'the canary’s 4xx rate above its threshold' };
    case 'latency-alert':
      return { topic: 'p95 latency', finding: 'the canary’s p95 latency above its alert level' };
    case 'p95-regression':
      return { topic: 'p95 latency', finding: 'a p95 latency regression on the canary' };
    case 'auth-surge': {
      const status = reason.metric === 'rate403' ? '403' : reason.metric === 'rate401' ? '401' : '401/403';
      return { topic: `the ${status} rate`, finding: `a ${status} surge on the canary` };
    }
    case 'auth-failures':
      return {
        topic: 'the authentication failure rate',
        finding: 'a higher authentication failure rate on the canary',
      };
    case 'auth-rate-401':
      return { topic: 'the 401 rate', finding: 'a higher 401 rate on the canary' };
    case 'auth-rate-403':
      return { topic: 'the 403 rate', finding: 'a higher 403 rate on the canary' };
    case 'new-exception':
      return {
        topic: 'new exceptions',
        finding: 'a new exception on the canary',
        findings: 'new exceptions on the canary',
      };
    case 'exception-spike':
      return {
        topic: 'an exception both versions throw',
        finding: 'an exception spike on the canary',
        findings: 'exception spikes on the canary',
      };
    case 'resource-use':
      return { topic: 'CPU or memory use', finding: 'higher CPU or memory use on the canary' };
    case 'business-measure':
      return {
        topic: 'a business measure',
        finding: 'a business measure worse on the canary',
        findings: 'business measures worse on the canary',
      };
    default:
      // A rule added to the judge later: its id is better than nothing.
      return { topic: `the rule ${reason.rule}`, finding: `the rule ${reason.rule}` };
  }
}

/** The blocking reasons with `outcomes`, as findings in the order the judge gave them, each once. */
function findingsOf(reasons: readonly VerdictReason[], outcomes: readonly RuleOutcome[]): string[] {
  const chosen = reasons.filter((r) => r.blocks && outcomes.includes(r.outcome));
  const phrases = chosen.map((r) => {
    const words = ruleWords(r);
    if (r.outcome === 'insufficient-data') return `too little data to judge ${words.topic}`;
    const several = chosen.filter((x) => x.rule === r.rule && x.outcome === r.outcome).length > 1;
    return several && words.findings !== undefined ? words.findings : words.finding;
  });
  return [...new Set(phrases)];
}

/** Conditions on stable too, by what they look at. */
function preExistingTopics(reasons: readonly VerdictReason[]): string[] {
  return [...new Set(reasons.filter((r) => r.outcome === 'pre-existing').map((r) => ruleWords(r).topic))];
}

/** "a", "a and b", "a, b and c". */
export function listWords(words: readonly string[], none = 'the rules that block'): string {
  if (words.length <= 1) return words[0] ?? none;
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** The outcomes that make each decision, as the judge counts them (analysis/verdict.ts). */
const DECIDING: Record<'rollback' | 'hold', readonly RuleOutcome[]> = {
  rollback: ['rollback'],
  hold: ['hold', 'investigate', 'alert', 'insufficient-data'],
};

/**
 * The verdict's line: "Roll back: a 401 surge on the canary and a new exception on the canary."
 * It names the same reasons as the judge's summary, in words.
 */
export function verdictSummary(verdict: Verdict): string {
  const label = DECISION_WORDS[verdict.decision];
  switch (verdict.decision) {
    case 'rollback':
    case 'hold':
      return `${label}: ${listWords(findingsOf(verdict.reasons, DECIDING[verdict.decision]))}.`;
    case 'inconclusive':
      return `${label}: too few requests to tell the canary from stable.`;
    case 'promote': {
      const pre = preExistingTopics(verdict.reasons);
      return `${label}: every rule passes.${pre.length > 0 ? ` Conditions that predate the canary, on stable too: ${listWords(pre)}.` : ''}`;
    }
  }
}

/** The verdict as the summary's sentence, with every blocking reason that did not pass. */
export function verdictSentence(analysis: Analysis): string {
  const { decision, reasons } = analysis.verdict;
  const because = listWords(findingsOf(reasons, ['rollback', 'hold', 'investigate', 'alert', 'insufficient-data']));
  switch (decision) {
    case 'promote':
      return 'The verdict is to promote the canary: every rule of the checklist passes.';
    case 'rollback':
      return `The verdict is to roll the canary back, because of ${because}.`;
    case 'hold':
      return `The verdict is to hold the rollout, because of ${because}.`;
    case 'inconclusive':
      return 'The verdict is inconclusive: too few requests to tell the canary from stable.';
  }
}

/** Conditions that predate the canary, as a sentence; null when there are none. */
export function preExistingSentence(verdict: Verdict): string | null {
  const pre = preExistingTopics(verdict.reasons);
  return pre.length === 0 ? null : `Conditions that predate the canary, on stable too: ${listWords(pre)}.`;
}
