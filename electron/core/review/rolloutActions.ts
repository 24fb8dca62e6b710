// Rollout actions found in the logs: a controller or a person aborting, undoing, pausing or
// promoting a rollout. Read as a table so a team can add its own tool's wording: the first
// pattern that matches an event's message names the action. Candidates come from the
// full-text index of messages (migration 0002: complete sources only), searched over every
// service in the rollout's window, since the controller (Argo Rollouts, Flagger, a CI job)
// logs under its own name; the patterns then decide. An event with an HTTP status is a
// request (`GET /api/rollout/abort 200`), not an action: it is left out.
import type { Rollout } from '../../../shared/api.js';
import { COMPLETE_SOURCES } from '../analysis/cohorts.js';
import type { CaseDb } from '../case/caseStore.js';
import { type SampleRow, sampleColumns } from './reviewEvidence.js';

export interface RolloutActionPattern {
  id: string;
  /** What happened, as a title: "Rollout aborted". */
  title: string;
  test: RegExp;
}

export const ROLLOUT_ACTION_PATTERNS: readonly RolloutActionPattern[] = [
  { id: 'kubectl-rollout-undo', title: 'Rolled back with kubectl rollout undo', test: /\bkubectl\s+rollout\s+undo\b/i },
  { id: 'helm-rollback', title: 'Rolled back with helm rollback', test: /\bhelm\s+rollback\b/i },
  { id: 'argo-undo', title: 'Rollout undone (Argo Rollouts)', test: /\bargo\s+rollouts\s+undo\b/i },
  {
    id: 'argo-abort',
    title: 'Rollout aborted',
    test: /\bargo\s+rollouts\s+abort\b|\brollout\b[^\n]{0,80}?\babort(?:ed|ing)?\b|\babort(?:ed|ing)?\b[^\n]{0,40}?\brollout\b/i,
  },
  { id: 'flagger-rollback', title: 'Canary rolled back (Flagger)', test: /\bcanary failed\b|\brolling back\b/i },
  { id: 'flagger-promotion', title: 'Canary promoted (Flagger)', test: /\bpromotion completed\b/i },
  {
    id: 'argo-promote',
    title: 'Rollout promoted',
    test: /\bargo\s+rollouts\s+promote\b|\brollout\b[^\n]{0,80}?\bpromot(?:ed|ing|e)\b/i,
  },
  {
    id: 'argo-pause',
    title: 'Rollout paused',
    test: /\bargo\s+rollouts\s+pause\b|\brollout\b[^\n]{0,80}?\bpaused\b/i,
  },
  // The word alone, not inside a path or an identifier (`/api/rollback-preview`, `rollback_count`).
  {
    id: 'rollback',
    title: 'Rollback',
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

export function findRolloutActions(db: CaseDb, rollout: Rollout): FoundRolloutAction[] {
  const rows = db
    .prepare(
      `SELECT ${sampleColumns('e')}
       FROM events_fts JOIN events e ON e.id = events_fts.rowid
       WHERE events_fts MATCH @query AND e.ts BETWEEN @from AND @to AND e.status IS NULL AND e.${COMPLETE_SOURCES.replace(/^\+/, '')}
       ORDER BY e.ts, e.id LIMIT @limit`,
    )
    .all({ query: FTS_QUERY, from: rollout.fromMs, to: rollout.toMs, limit: MAX_CANDIDATES }) as SampleRow[];
  const found: FoundRolloutAction[] = [];
  for (const row of rows) {
    const text = row.message ?? '';
    const pattern = ROLLOUT_ACTION_PATTERNS.find((p) => p.test.test(text));
    if (pattern) found.push({ pattern, row });
    if (found.length >= MAX_ACTIONS) break;
  }
  return found;
}
