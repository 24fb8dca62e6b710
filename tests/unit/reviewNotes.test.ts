// The analyst's review notes, kept in the case per rollout, checked when saved and when read.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { readReviewNotes, reviewNotesKey, saveReviewNotes } from '../../electron/core/case/reviewNotes.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import type { ReviewNotes } from '../../shared/review.js';
import { caseOf, scenario } from '../helpers/scenario.js';
import { tempDir } from '../helpers/tempCase.js';

const ID = 'shop-api@1.1.0';

describe('review notes', () => {
  it('reads {} before any are saved, then what was saved, and keeps it across a reopen', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    expect(readReviewNotes(db, ID)).toEqual({});
    const notes: ReviewNotes = {
      author: 'Analyst One',
      signOff: { name: 'Lead Two', role: 'SRE lead', date: '03/03/2026' },
      actions: [
        { at: '02/03/2026 10:45', text: 'Paged the identity team', by: 'Analyst One' },
        { text: 'Opened INC-1' },
      ],
      rootCause: { why: 'A key was rotated.' },
      dismissedRecommendations: ['confirm-rollback'],
      editedRecommendations: { 'key-rotation': 'Check the JWKS.' },
      addedRecommendations: ['Add a JWKS check.'],
    };
    expect(saveReviewNotes(db, ID, notes)).toEqual(notes);
    const file = db.name;
    db.close();
    const again = openCase(file, { readOnly: true });
    expect(readReviewNotes(again, ID)).toEqual(notes);
    again.close();
  });

  it('refuses notes that do not meet the schema, saying which field and why', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    const bad = (notes: unknown): unknown => saveReviewNotes(db, ID, notes as ReviewNotes);
    expect(() => bad({ actions: [{ at: '2026-03-02 10:45', text: 'x' }] })).toThrow(
      /review notes of shop-api@1\.1\.0 are not valid at actions\.0\.at: a time is DD\/MM\/YYYY HH:mm:ss/,
    );
    expect(() => bad({ signOff: { date: '3/3/26' } })).toThrow(/at signOff\.date: a sign-off date is DD\/MM\/YYYY/);
    expect(() => bad({ colour: 'red' })).toThrow(/not valid/);
    expect(() => bad({ actions: [{ text: 'a' }, { at: '31/02/2026 10:00', text: 'b' }] })).toThrow(
      'the time of action 2 (actions.1.at), 31/02/2026 10:00 is not a real date and time between 1990 and 2099',
    );
    expect(() => bad({ signOff: { date: '30/02/2026' } })).toThrow(
      /the sign-off date 30\/02\/2026 00:00 is not a real date/,
    );
    expect(() => bad({ actions: [{ text: '' }] })).toThrow(/actions\.0\.text/);
    expect(readReviewNotes(db, ID)).toEqual({});
    db.close();
  });

  it('refuses recommendation ids that are neither a rule’s nor an added one’s, naming the id and the known ones', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    const save = (notes: ReviewNotes): ReviewNotes => saveReviewNotes(db, ID, notes);
    expect(() => save({ dismissedRecommendations: ['nope-id'] })).toThrow(
      /^the review notes of shop-api@1\.1\.0 are not valid at dismissedRecommendations: no recommendation has the id "nope-id"; the known ids are key-rotation, authentication-change, .*, confirm-rollback, promote-with-monitoring, and analyst-<n> for the n-th one added$/,
    );
    expect(() => save({ editedRecommendations: { 'key-rotation': 'x', 'Key-Rotation': 'y' } })).toThrow(
      /at editedRecommendations: no recommendation has the id "Key-Rotation"/,
    );
    // analyst-<n> names an added recommendation, so it must be one of those added.
    expect(() => save({ addedRecommendations: ['a', 'b'], dismissedRecommendations: ['analyst-3'] })).toThrow(
      /no recommendation has the id "analyst-3"; .*, and analyst-1 to analyst-2 for the ones added$/,
    );
    expect(() => save({ editedRecommendations: { 'analyst-1': 'x' } })).toThrow(/"analyst-1"/);
    expect(readReviewNotes(db, ID)).toEqual({});
    const fine: ReviewNotes = {
      addedRecommendations: ['a', 'b'],
      dismissedRecommendations: ['confirm-rollback', 'analyst-1'],
      editedRecommendations: { 'analyst-2': 'b, reworded', 'server-errors': 'x' },
    };
    expect(save(fine)).toEqual(fine);
    // An added recommendation dismissed or reworded by its id is so in the review.
    const added = buildReviewDocument(db, { pseudonymise: false }).recommendations.filter(
      (r) => r.origin === 'analyst',
    );
    expect(added.map((r) => [r.id, r.text])).toEqual([['analyst-2', 'b, reworded']]);
    db.close();
  });

  it('refuses more than 200 reworded recommendations, as it does 200 dismissed ones', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    const many = Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`analyst-${i + 1}`, 'x']));
    expect(() => saveReviewNotes(db, ID, { editedRecommendations: many })).toThrow(
      'the review notes of shop-api@1.1.0 are not valid at editedRecommendations: at most 200 recommendations can be reworded',
    );
    // Notes already saved in the record shape still read.
    const added = Array.from({ length: 200 }, (_, i) => `added ${i + 1}`);
    const edited = Object.fromEntries(added.map((_, i) => [`analyst-${i + 1}`, 'x']));
    expect(saveReviewNotes(db, ID, { addedRecommendations: added, editedRecommendations: edited })).toMatchObject({
      editedRecommendations: edited,
    });
    expect(Object.keys(readReviewNotes(db, ID).editedRecommendations ?? {})).toHaveLength(200);
    db.close();
  });

  it('refuses notes for a rollout the case does not know, naming the ones it holds', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    expect(() => saveReviewNotes(db, 'shop-api@9.9.9', { author: 'x' })).toThrow(
      'cannot save review notes for rollout "shop-api@9.9.9": this case has no such rollout (it holds: shop-api@1.1.0)',
    );
    expect(db.prepare(`SELECT count(*) FROM settings WHERE key LIKE 'review.notes.%'`).pluck().get()).toBe(0);
    db.close();
  });

  it('says so clearly when notes in the case were damaged by hand', () => {
    const db = openCase(path.join(tempDir(), 'n.coalmine'), { create: true });
    db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`).run(
      reviewNotesKey(ID),
      '{"actions":[{"at":"soon"}]}',
    );
    expect(() => readReviewNotes(db, ID)).toThrow(
      /setting "review\.notes\.shop-api@1\.1\.0" is not valid at actions\.0/,
    );
    db.close();
  });
});
