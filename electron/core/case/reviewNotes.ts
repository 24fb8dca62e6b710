// What the analyst writes into a rollout's review (shared/review.ts, reviewNotesSchema), kept in
// the case under `review.notes.<rolloutId>`. Notes are checked against the schema both when
// saved and when read (a value written by hand or by another version is never trusted), and
// saved only for a rollout the case knows, so a typo cannot leave notes no review will show.
// On save, each time must name one instant (see parseNoteTime) and each recommendation id one
// the review can show, so nothing the analyst wrote is dropped or guessed at without a word.
import { CoalmineError } from '../../../shared/errors.js';
import { type ReviewNotes, reviewNotesSchema } from '../../../shared/review.js';
import { listRollouts } from '../analysis/rollouts.js';
import { formatUkWithZone } from '../../../shared/ukTime.js';
import { DEFAULT_ZONE, parseTypedTime } from '../ingest/time.js';
import { RECOMMENDATION_RULES } from '../review/recommendations.js';
import type { CaseDb } from './caseStore.js';
import { getSetting, putSetting } from './settings.js';

const PREFIX = 'review.notes.';

export function reviewNotesKey(rolloutId: string): string {
  return `${PREFIX}${rolloutId}`;
}

const NOTE_TIME = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})(?::(\d{2}))?(?: (GMT|BST))?$/;
const HOUR = 3_600_000;

/**
 * The instant of a time in the notes: `DD/MM/YYYY HH:mm[:ss]` in Europe/London, with an
 * optional ` GMT` or ` BST` that must be the zone London is on then. A time in the hour the
 * clocks skip in spring is refused, and one in the hour they repeat in autumn is refused
 * without the zone that says which of the two it is: a note must not move an action by an hour.
 * `what` names the field in the message ("the time of action 2,").
 */
export function parseNoteTime(text: string, what: string): number {
  const typed = text.trim();
  const m = NOTE_TIME.exec(typed);
  if (!m) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${what} "${typed.slice(0, 40)}" is not DD/MM/YYYY HH:mm:ss (Europe/London), with GMT or BST after it where the clock changes`,
    );
  }
  const [, d, mo, y, h, mi, s = '00', zone] = m;
  const wallText = zone === undefined ? typed : typed.slice(0, -zone.length - 1);
  // Refuses a date that does not exist (31/02) or a year out of range, with its own message.
  parseTypedTime(wallText, DEFAULT_ZONE, what);
  const shown = `${d}/${mo}/${y} ${h}:${mi}:${s}`;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  // London is GMT (UTC+0) or BST (UTC+1): the instants that read back as this wall time.
  const readings = [
    { zone: 'GMT', ms: wall },
    { zone: 'BST', ms: wall - HOUR },
  ].filter((r) => formatUkWithZone(r.ms) === `${shown} ${r.zone}`);
  if (readings.length === 0) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${what} ${typed} does not exist in Europe/London: the clocks went forward from GMT to BST that night and skipped that hour`,
    );
  }
  if (zone !== undefined) {
    const match = readings.find((r) => r.zone === zone);
    if (!match) {
      throw new CoalmineError(
        'BAD_INPUT',
        `${what} ${typed} does not agree with its date: London is on ${readings[0]?.zone ?? 'GMT'} at ${shown}, not ${zone}`,
      );
    }
    return match.ms;
  }
  const [only, other] = readings;
  if (!only || other) {
    throw new CoalmineError(
      'BAD_INPUT',
      `${what} ${typed} happens twice in Europe/London (the clocks went back from BST to GMT): add GMT or BST, as in ${shown} BST for the first or ${shown} GMT for the second`,
    );
  }
  return only.ms;
}

/** The ids the notes may dismiss or reword: every rule's, and `analyst-<n>` for each one added. */
function checkRecommendationIds(notes: ReviewNotes, rolloutId: string): void {
  const rules = RECOMMENDATION_RULES.map((r) => r.id);
  const added = notes.addedRecommendations?.length ?? 0;
  const known = (id: string): boolean => {
    if (rules.includes(id)) return true;
    const analyst = /^analyst-([1-9]\d{0,3})$/.exec(id);
    return analyst !== null && Number(analyst[1]) <= added;
  };
  const fields = [
    ['dismissedRecommendations', notes.dismissedRecommendations ?? []],
    ['editedRecommendations', Object.keys(notes.editedRecommendations ?? {})],
  ] as const;
  for (const [field, ids] of fields) {
    for (const id of ids) {
      if (known(id)) continue;
      throw new CoalmineError(
        'BAD_INPUT',
        `the review notes of ${rolloutId} are not valid at ${field}: no recommendation has the id "${id.slice(0, 100)}"; ` +
          `the known ids are ${rules.join(', ')}` +
          (added > 0
            ? `, and analyst-1 to analyst-${added} for the ones added`
            : ', and analyst-<n> for the n-th one added'),
      );
    }
  }
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
    if (action.at !== undefined) parseNoteTime(action.at, `the time of action ${i + 1} (actions.${i}.at),`);
  }
  checkRecommendationIds(parsed.data, rolloutId);
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
