import type { Migration } from './types.js';

// Reviews pseudonymise client IPs, e-mail addresses and user names with a keyed hash
// (electron/core/review/pseudonymise.ts). The key is the case's own, made once here from
// SQLite's randomblob (a CSPRNG), so the same person gets the same pseudonym in every review
// of the case and a different one in another case. It lives in the case because a read-only
// open (an auditor's) must build the same review without writing anything: caseStore.ts
// refuses a read-only open of an older schema, so every case an auditor opens has its key.
export const REVIEW_PSEUDONYM_KEY_SETTING = 'review.pseudonymKey';

export const migration0006: Migration = {
  version: 6,
  name: 'add the per-case key of review pseudonyms',
  up(db) {
    db.prepare(`INSERT OR IGNORE INTO settings (key, value) VALUES (?, json_quote(lower(hex(randomblob(32)))))`).run(
      REVIEW_PSEUDONYM_KEY_SETTING,
    );
  },
};
