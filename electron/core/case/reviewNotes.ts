// What the analyst writes into a rollout's review (shared/review.ts, reviewNotesSchema), kept in
// the case under `review.notes.<rolloutId>`. Notes are checked against the schema both when
// saved and when read (a value written by hand or by another version is never trusted), and
// saved only for a rollout the case knows, so a typo cannot leave notes no review will show.
import { CoalmineError } from '../../../shared/errors.js';
import { type ReviewNotes, reviewNotesSchema } from '../../../shared/review.js';
import { listRollouts } from '../analysis/rollouts.js';
import { DEFAULT_ZONE, parseTypedTime } from '../ingest/time.js';
import type { CaseDb } from './caseStore.js';
import { getSetting, putSetting } from './settings.js';

const PREFIX = 'review.notes.';

export function reviewNotesKey(rolloutId: string): string {
  return `${PREFIX}${rolloutId}`;
}

/** The notes saved for the rollout; `{}` when none are. */
export function readReviewNotes(db: CaseDb, rolloutId: string): ReviewNotes {
  return getSetting(db, reviewNotesKey(rolloutId), reviewNotesSchema, {});
}

/** Replaces the rollout's notes with `notes` (checked first) and returns what was saved. */
export function saveReviewNotes(db: CaseDb, rolloutId: string, notes: ReviewNotes): ReviewNotes {
  const parsed = reviewNotesSchema.safeParse(notes);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new CoalmineError(
      'BAD_INPUT',
      `the review notes of ${rolloutId} are not valid${where}: ${issue?.message ?? 'unknown problem'}`,
    );
  }
  // The schema checks the shape of a time; a date that does not exist (31/02) is refused here,
  // so a saved note can always be built into a review.
  for (const [i, action] of (parsed.data.actions ?? []).entries()) {
    if (action.at !== undefined) parseTypedTime(action.at, DEFAULT_ZONE, `the time of action ${i + 1},`);
  }
  const date = parsed.data.signOff?.date;
  if (date !== undefined) parseTypedTime(`${date} 00:00`, DEFAULT_ZONE, 'the sign-off date');
  const known = listRollouts(db).map((r) => r.id);
  if (!known.includes(rolloutId)) {
    throw new CoalmineError(
      'NOT_FOUND',
      `cannot save review notes for rollout "${rolloutId}": this case has no such rollout` +
        (known.length > 0 ? ` (it holds: ${known.join(', ')})` : ' (it holds none)'),
    );
  }
  putSetting(db, reviewNotesKey(rolloutId), reviewNotesSchema, parsed.data);
  return parsed.data;
}
