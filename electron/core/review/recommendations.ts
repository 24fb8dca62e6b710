// Recommendations drawn from the findings by rules a person can read and extend: each rule
// has a stable id, a test that returns the finding that triggers it (as the sentence shown
// as `because`) or null, and the text to recommend. Rules are tried in the order written;
// each gives at most one recommendation. The analyst's notes then drop (dismissed ids),
// reword (edited ids) and add (`analyst-<n>`) recommendations.
import type { Analysis, ExceptionGroup, Surge } from '../../../shared/api.js';
import type { ReviewNotes, ReviewRecommendation } from '../../../shared/review.js';
import { formatCount, formatMetricValue, formatRateWithCounts, formatVariance } from '../../../shared/metricFormat.js';
import { formatUkWithZone } from '../../../shared/ukTime.js';
import type { Pseudonymiser } from './pseudonymise.js';
import { oneLine } from './reviewEvidence.js';
import { preExistingSentence, verdictSummary } from './verdictWords.js';

export interface RecommendationFacts {
  analysis: Analysis;
  pseudonymiser: Pseudonymiser;
  /** Whether a rollback or abort was found in the logs (see rolloutActions.ts). */
  rollbackLogged: boolean;
}

export interface RecommendationRule {
  id: string;
  /** The finding that makes the rule apply, as a sentence; null when it does not. */
  because(facts: RecommendationFacts): string | null;
  text: string;
}

/** Exceptions whose type or message speak of tokens, signatures or keys. */
const TOKEN_EXCEPTION = /token|jwt|jws|jwk|signature|\bkid\b|signing|key ?not ?found|bearer|oauth|saml|claim|expired/i;

const surgesOf = (a: Analysis, status: 401 | 403): Surge[] => a.surges.filter((s) => s.status === status);

function surgeSentence(s: Surge): string {
  return `A ${s.status} surge on the canary from ${formatUkWithZone(Date.parse(s.start))} to ${formatUkWithZone(Date.parse(s.end))} (${formatRateWithCounts(s.canaryRate, s.canaryCount, s.canaryRequests)} of its requests, against stable's ${formatRateWithCounts(s.stableRate, s.stableCount, s.stableRequests)})`;
}

function exceptionText(e: ExceptionGroup, p: Pseudonymiser): string {
  return oneLine(p.text(`${e.type ?? 'exception'}: ${e.message}`), 200);
}

const blocking = (a: Analysis, rule: string) => a.verdict.reasons.filter((r) => r.rule === rule && r.blocks);
const rowOf = (a: Analysis, metric: string) => a.comparison.find((r) => r.metric === metric);

export const RECOMMENDATION_RULES: readonly RecommendationRule[] = [
  {
    id: 'key-rotation',
    because: ({ analysis, pseudonymiser }) => {
      const surge = surgesOf(analysis, 401)[0];
      const token = analysis.newExceptions.find((e) => TOKEN_EXCEPTION.test(`${e.type ?? ''} ${e.message}`));
      if (!surge || !token) return null;
      return `${surgeSentence(surge)} came with a new exception on the canary: ${exceptionText(token, pseudonymiser)}.`;
    },
    text: 'Check signing-key rotation and token validation in the canary: the keys it trusts (JWKS, kid), issuer and audience settings, clock skew, and the token library’s version.',
  },
  {
    id: 'authentication-change',
    because: ({ analysis }) => {
      // With a token exception, key-rotation says it more precisely.
      const token = analysis.newExceptions.some((e) => TOKEN_EXCEPTION.test(`${e.type ?? ''} ${e.message}`));
      const surge = surgesOf(analysis, 401)[0];
      return surge && !token ? `${surgeSentence(surge)}.` : null;
    },
    text: 'Review what changed in authentication in the canary (credentials, session handling, identity provider settings) and test a login against it before the next rollout.',
  },
  {
    id: 'authorisation-policy',
    because: ({ analysis }) => {
      const surge = surgesOf(analysis, 403)[0];
      if (surge) return `${surgeSentence(surge)}.`;
      const r = blocking(analysis, 'auth-rate-403')[0];
      return r ? r.text : null;
    },
    text: 'Review the authorisation and policy changes in the canary (roles, scopes, access rules, policy files) against the requests it refused.',
  },
  {
    id: 'server-errors',
    because: ({ analysis }) => {
      const r = [...blocking(analysis, 'error-rate'), ...blocking(analysis, 'error-rate-investigate')][0];
      const row = rowOf(analysis, 'rate5xx');
      if (!r || !row) return null;
      return `The canary's 5xx rate was ${formatMetricValue('ratio', row.canary)} against stable's ${formatMetricValue('ratio', row.stable)} (${formatVariance(row)}).`;
    },
    text: 'Find the cause of the canary’s 5xx responses in its logs and fix it, with a test, before the next rollout; make the 5xx threshold an automatic rollback condition.',
  },
  {
    id: 'client-errors',
    because: ({ analysis }) => {
      const row = rowOf(analysis, 'rate4xx');
      if (blocking(analysis, 'client-error-rate').length === 0 || !row) return null;
      return `The canary's 4xx rate was ${formatMetricValue('ratio', row.canary)} against stable's ${formatMetricValue('ratio', row.stable)}.`;
    },
    text: 'Check whether the canary changed what requests it accepts (validation, routes, API versions) and whether clients were told.',
  },
  {
    id: 'profile-endpoints',
    because: ({ analysis }) => {
      const row = rowOf(analysis, 'latencyP95');
      const r = [...blocking(analysis, 'p95-regression'), ...blocking(analysis, 'latency-alert')][0];
      if (!r || !row) return null;
      return `The canary's p95 latency was ${formatMetricValue('ms', row.canary)} against stable's ${formatMetricValue('ms', row.stable)} (${formatVariance(row)}).`;
    },
    text: 'Profile the endpoints that changed in the canary (queries, calls to other services, payload sizes) and compare with stable under the same load.',
  },
  {
    id: 'fix-new-exceptions',
    because: ({ analysis, pseudonymiser }) => {
      const fresh = analysis.newExceptions;
      const top = [...fresh].sort((a, b) => b.canaryCount - a.canaryCount)[0];
      if (!top) return null;
      return `${formatCount(fresh.length)} new ${fresh.length === 1 ? 'exception' : 'exceptions'} on the canary, the most frequent ${exceptionText(top, pseudonymiser)} (${formatCount(top.canaryCount)} times).`;
    },
    text: 'Fix each new exception and add a test that reproduces it, so the next rollout cannot bring it back.',
  },
  {
    id: 'exception-spike',
    because: ({ analysis }) => blocking(analysis, 'exception-spike')[0]?.text ?? null,
    text: 'Find why an exception both versions throw became more frequent on the canary (a changed code path, retries, load).',
  },
  {
    id: 'resource-use',
    because: ({ analysis }) => blocking(analysis, 'resource-use')[0]?.text ?? null,
    text: 'Check the canary’s CPU and memory use: profile allocations and hot paths, and compare limits and requests with stable’s.',
  },
  {
    id: 'business-measure',
    because: ({ analysis }) => blocking(analysis, 'business-measure')[0]?.text ?? null,
    text: 'Have the owning team check the business measure that got worse on the canary before promoting it.',
  },
  {
    id: 'separate-ticket',
    because: ({ analysis }) => {
      return preExistingSentence(analysis.verdict);
    },
    text: 'Open a separate ticket for the conditions that predate the canary: they are not the canary’s to fix, and should not block it.',
  },
  {
    id: 'more-traffic',
    because: ({ analysis }) => {
      const r = analysis.verdict.reasons.find((x) => x.outcome === 'insufficient-data' && x.blocks);
      return analysis.verdict.decision === 'inconclusive' || r ? (r?.text ?? verdictSummary(analysis.verdict)) : null;
    },
    text: 'Run the canary longer or send it more traffic, then review again: the figures are too few to tell it from stable.',
  },
  {
    id: 'confirm-rollback',
    because: ({ analysis, rollbackLogged }) =>
      analysis.verdict.decision === 'rollback' && !rollbackLogged
        ? 'The verdict is to roll back, and no rollback or abort was found in the logs.'
        : null,
    text: 'Roll the canary back and confirm from the logs that stable serves all traffic again.',
  },
  {
    id: 'promote-with-monitoring',
    because: ({ analysis }) => (analysis.verdict.decision === 'promote' ? verdictSummary(analysis.verdict) : null),
    text: 'Proceed with the promotion, and keep watching the 5xx, 401/403 and p95 figures for the first hour at full traffic.',
  },
];

export function recommendationsFrom(facts: RecommendationFacts, notes: ReviewNotes): ReviewRecommendation[] {
  const p = facts.pseudonymiser;
  const dismissed = new Set(notes.dismissedRecommendations ?? []);
  const edited = notes.editedRecommendations ?? {};
  const out: ReviewRecommendation[] = [];
  for (const rule of RECOMMENDATION_RULES) {
    const because = rule.because(facts);
    if (because === null || dismissed.has(rule.id)) continue;
    const reworded = Object.hasOwn(edited, rule.id) ? edited[rule.id] : undefined;
    out.push({
      id: rule.id,
      text: reworded === undefined ? rule.text : p.text(reworded),
      because: p.text(because),
      origin: 'rule',
    });
  }
  // The notes may dismiss or reword an added one by its id too (reviewNotes.ts checks the ids).
  for (const [i, added] of (notes.addedRecommendations ?? []).entries()) {
    const id = `analyst-${i + 1}`;
    if (dismissed.has(id)) continue;
    const text = (Object.hasOwn(edited, id) ? edited[id] : undefined) ?? added;
    out.push({ id, text: p.text(text), because: 'added by the analyst', origin: 'analyst' });
  }
  return out;
}
