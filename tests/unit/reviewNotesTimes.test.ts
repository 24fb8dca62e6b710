// Times in the review notes at the clock changes: the hour skipped in spring does not exist,
// the hour repeated in autumn needs GMT or BST to say which, and a zone must fit its date.
import { describe, expect, it } from 'vitest';
import { parseNoteTime, readReviewNotes, saveReviewNotes } from '../../electron/core/case/reviewNotes.js';
import { buildReviewDocument } from '../../electron/core/review/reviewModel.js';
import type { ReviewNotes } from '../../shared/review.js';
import { caseOf, scenario } from '../helpers/scenario.js';

const ID = 'shop-api@1.1.0';
const WHAT = 'the time of action 1 (actions.0.at),';

describe('times in the review notes', () => {
  it('reads a time on an ordinary day with or without its zone', () => {
    expect(parseNoteTime('02/03/2026 10:45', WHAT)).toBe(Date.UTC(2026, 2, 2, 10, 45));
    expect(parseNoteTime('02/03/2026 10:45:30 GMT', WHAT)).toBe(Date.UTC(2026, 2, 2, 10, 45, 30));
    expect(parseNoteTime('29/06/2026 12:00:00', WHAT)).toBe(Date.UTC(2026, 5, 29, 11));
    expect(parseNoteTime('29/06/2026 12:00:00 BST', WHAT)).toBe(Date.UTC(2026, 5, 29, 11));
  });

  it('refuses a zone that does not fit the date', () => {
    expect(() => parseNoteTime('29/06/2026 12:00:00 GMT', WHAT)).toThrow(
      'the time of action 1 (actions.0.at), 29/06/2026 12:00:00 GMT does not agree with its date: London is on BST at 29/06/2026 12:00:00, not GMT',
    );
    expect(() => parseNoteTime('02/03/2026 10:45 BST', WHAT)).toThrow(/London is on GMT at 02\/03\/2026 10:45:00/);
  });

  it('refuses a time in the hour the clocks skip in spring, naming the field', () => {
    for (const typed of [
      '29/03/2026 01:30:00',
      '29/03/2026 01:00',
      '29/03/2026 01:59:59 GMT',
      '29/03/2026 01:30 BST',
    ]) {
      expect(() => parseNoteTime(typed, WHAT)).toThrow(
        `the time of action 1 (actions.0.at), ${typed} does not exist in Europe/London: the clocks went forward`,
      );
    }
    // Either side of the gap is an ordinary time.
    expect(parseNoteTime('29/03/2026 00:59:59', WHAT)).toBe(Date.UTC(2026, 2, 29, 0, 59, 59));
    expect(parseNoteTime('29/03/2026 02:00:00', WHAT)).toBe(Date.UTC(2026, 2, 29, 1));
  });

  it('reads the hour repeated in autumn only with GMT or BST, and says to add one', () => {
    expect(() => parseNoteTime('25/10/2026 01:30:00', WHAT)).toThrow(
      'the time of action 1 (actions.0.at), 25/10/2026 01:30:00 happens twice in Europe/London (the clocks went back from BST to GMT): add GMT or BST',
    );
    expect(parseNoteTime('25/10/2026 01:30:00 BST', WHAT)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(parseNoteTime('25/10/2026 01:30:00 GMT', WHAT)).toBe(Date.UTC(2026, 9, 25, 1, 30));
    expect(parseNoteTime('25/10/2026 00:59:59', WHAT)).toBe(Date.UTC(2026, 9, 24, 23, 59, 59));
    expect(parseNoteTime('25/10/2026 02:00:00', WHAT)).toBe(Date.UTC(2026, 9, 25, 2));
  });

  it('refuses what is not a time at all', () => {
    expect(() => parseNoteTime('25/10/2026 01:30:00 CET', WHAT)).toThrow(/is not DD\/MM\/YYYY HH:mm:ss/);
    expect(() => parseNoteTime('31/02/2026 10:00 GMT', WHAT)).toThrow(
      'the time of action 1 (actions.0.at), 31/02/2026 10:00 is not a real date and time between 1990 and 2099',
    );
  });

  it('saves and builds a note at the clock change only when it names one instant', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    const save = (at: string): ReviewNotes => saveReviewNotes(db, ID, { actions: [{ text: 'a' }, { at, text: 'b' }] });
    expect(() => save('29/03/2026 01:30:00')).toThrow(
      /the time of action 2 \(actions\.1\.at\), 29\/03\/2026 01:30:00 does not exist in Europe\/London/,
    );
    expect(() => save('25/10/2026 01:30:00')).toThrow(/happens twice in Europe\/London .*: add GMT or BST/);
    expect(readReviewNotes(db, ID)).toEqual({});

    save('25/10/2026 01:30:00 GMT');
    let doc = buildReviewDocument(db, { pseudonymise: false });
    expect(doc.actions.find((a) => a.text === 'b')?.at).toMatchObject({
      uk: '25/10/2026 01:30:00 GMT',
      epochMs: Date.UTC(2026, 9, 25, 1, 30),
    });
    save('25/10/2026 01:30:00 BST');
    doc = buildReviewDocument(db, { pseudonymise: false });
    expect(doc.actions.find((a) => a.text === 'b')?.at?.uk).toBe('25/10/2026 01:30:00 BST');
    db.close();
  });

  it('refuses to build a review from a time saved before the check, saying what to change', async () => {
    const db = await caseOf(scenario({ minutes: 5 }));
    // Written as an older version saved it: the schema allows the shape.
    db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`).run(
      `review.notes.${ID}`,
      JSON.stringify({ actions: [{ at: '25/10/2026 01:30:00', text: 'b' }] }),
    );
    expect(() => buildReviewDocument(db, { pseudonymise: false })).toThrow(
      /the time of action 1 in the review notes \(actions\.0\.at\), 25\/10\/2026 01:30:00 happens twice .*add GMT or BST/,
    );
    db.close();
  });
});
