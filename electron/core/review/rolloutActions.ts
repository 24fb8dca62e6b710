// Rollout actions found in the logs: a controller or a person aborting, undoing, pausing or
// promoting a rollout. Read as a table so a team can add its own tool's wording: the first
// pattern that matches an event's message names the action. Candidates come from the
// full-text index of messages (migration 0002: complete sources only). The controller (Argo
// Rollouts, Flagger, a CI job) logs under its own name, so an event belongs to the rollout
// when it comes from the rollout's service or its message names that service
// (`deployment/shop-api`, `helm rollback shop-api-prod`); an undo of another service is not
// this rollout's. The search runs from the window's start to a grace period after its end:
// the window ends at the last canary event, so a rollback is always logged after it. An event
// with an HTTP status is a request (`GET /api/rollout/abort 200`), not an action: it is left out.
import type { Rollout } from '../../../shared/api.js';
import { COMPLETE_SOURCES } from '../analysis/cohorts.js';
import { rolloutWindows } from '../analysis/rollouts.js';
import type { CaseDb } from '../case/caseStore.js';
import { type SampleRow, sampleColumns } from './reviewEvidence.js';

export interface RolloutActionPattern {
  id: string;
  /** What happened, as a title: "Rollout aborted". */
  title: string;
  /** True when the action takes the canary out (an abort, undo or rollback); false for a promotion or pause. */
  rollsBack: boolean;
  test: RegExp;
}

export const ROLLOUT_ACTION_PATTERNS: readonly RolloutActionPattern[] = [
  {
    id: 'kubectl-rollout-undo',
    title: 'Rolled back with kubectl rollout undo',
    rollsBack: true,
    test: /\bkubectl\s+rollout\s+undo\b/i,
  },
  { id: 'helm-rollback', title: 'Rolled back with helm rollback', rollsBack: true, test: /\bhelm\s+rollback\b/i },
  { id: 'argo-undo', title: 'Rollout undone (Argo Rollouts)', rollsBack: true, test: /\bargo\s+rollouts\s+undo\b/i },
  {
    id: 'argo-abort',
    title: 'Rollout aborted',
    rollsBack: true,
    test: /\bargo\s+rollouts\s+abort\b|\brollout\b[^\n]{0,80}?\babort(?:ed|ing)?\b|\babort(?:ed|ing)?\b[^\n]{0,40}?\brollout\b/i,
  },
  {
    id: 'flagger-rollback',
    title: 'Canary rolled back (Flagger)',
    rollsBack: true,
    test: /\bcanary failed\b|\brolling back\b/i,
  },
  { id: 'flagger-promotion', title: 'Canary promoted (Flagger)', rollsBack: false, test: /\bpromotion completed\b/i },
  {
    id: 'argo-promote',
    title: 'Rollout promoted',
    rollsBack: false,
    test: /\bargo\s+rollouts\s+promote\b|\brollout\b[^\n]{0,80}?\bpromot(?:ed|ing|e)\b/i,
  },
  {
    id: 'argo-pause',
    title: 'Rollout paused',
    rollsBack: false,
    test: /\bargo\s+rollouts\s+pause\b|\brollout\b[^\n]{0,80}?\bpaused\b/i,
  },
  // The word alone, not inside a path or an identifier (`/api/rollback-preview`, `rollback_count`).
  {
    id: 'rollback',
    title: 'Rollback',
    rollsBack: true,
    test: /(?<![\w/.-])(?:rolled\s+back|rollback|roll(?:ing)?\s+back)(?![\w/-])/i,
  },
];

/** Words every pattern above needs one of, for the full-text index (FTS5 syntax). */
const FTS_QUERY =
  'kubectl OR helm OR rollout OR rollouts OR rollback OR rolled OR rolling OR roll OR undo OR abort* OR promot* OR paused OR "canary failed"';

/** At most this many candidates are read, and this many actions kept. */
const MAX_CANDIDATES = 5000;
const MAX_ACTIONS = 50;

export interface FoundRolloutAction {
  pattern: RolloutActionPattern;
  row: SampleRow;
}

/**
 * How long after the window's end an action still belongs to the rollout: a controller rolls
 * back within minutes of the failed check (Flagger's analysis interval, a person reading an
 * alert); half an hour covers a person, and the next rollout of the service cuts it short.
 */
export const ACTION_GRACE_AFTER_MS = 30 * 60_000;

/** The span searched for the rollout's actions: its window, then the grace period up to the next rollout of the service. */
export function actionSearchSpan(db: CaseDb, rollout: Rollout): { from: number; to: number } {
  let to = rollout.toMs + ACTION_GRACE_AFTER_MS;
  for (const w of rolloutWindows(db)) {
    // A later rollout of the same service in the same environment owns what is logged once it starts.
    if (
      w.service === rollout.service &&
      w.environment === rollout.environment &&
      w.from > rollout.fromMs &&
      w.from <= to
    ) {
      to = w.from - 1;
    }
  }
  return { from: rollout.fromMs, to: Math.max(to, rollout.toMs) };
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * True when `message` names `service` as a whole word, in any case: `deployment/shop-api`,
 * `rollout/shop-api`, `shop-api-prod` (a release named for it), but not `myshop-api` or `shop-apis`.
 */
export function namesService(message: string, service: string): boolean {
  if (service === '') return false;
  return new RegExp(`(?<![\\p{L}\\p{N}_])${escapeRegExp(service)}(?![\\p{L}\\p{N}_])`, 'iu').test(message);
}

export function findRolloutActions(db: CaseDb, rollout: Rollout): FoundRolloutAction[] {
  const span = actionSearchSpan(db, rollout);
  // An action logged in another environment is not this rollout's; one that names no environment
  // (a deploy tool's own log) may be. The service test in SQL keeps other services' actions from
  // filling the candidate limit;
  // instr() on lower() is only a first cut (any substring), namesService() decides.
  const rows = db
    .prepare(
      `SELECT ${sampleColumns('e')}
       FROM events_fts JOIN events e ON e.id = events_fts.rowid
       WHERE events_fts MATCH @query AND e.ts BETWEEN @from AND @to AND e.status IS NULL AND e.${COMPLETE_SOURCES.replace(/^\+/, '')}
         AND (coalesce(e.service, '') = @service OR (@service <> '' AND instr(lower(e.message), lower(@service)) > 0))
         AND (e.environment IS @environment OR e.environment IS NULL)
       ORDER BY e.ts, e.id LIMIT @limit`,
    )
    .all({
      query: FTS_QUERY,
      from: span.from,
      to: span.to,
      service: rollout.service,
      environment: rollout.environment,
      limit: MAX_CANDIDATES,
    }) as SampleRow[];
  const found: FoundRolloutAction[] = [];
  for (const row of rows) {
    const text = row.message ?? '';
    if ((row.service ?? '') !== rollout.service && !namesService(text, rollout.service)) continue;
    const pattern = ROLLOUT_ACTION_PATTERNS.find((p) => p.test.test(text));
    if (pattern) found.push({ pattern, row });
    if (found.length >= MAX_ACTIONS) break;
  }
  return found;
}
