import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { CASE_APPLICATION_ID, openCase } from '../../electron/core/case/caseStore.js';
import { LATEST_VERSION } from '../../electron/core/case/migrations/index.js';
import { tempDir } from '../helpers/tempCase.js';

describe('openCase', () => {
  it('creates a case in WAL mode with foreign keys, the Coalmine id and the latest schema', () => {
    const file = path.join(tempDir(), 'new.coalmine');
    const db = openCase(file, { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('application_id', { simple: true })).toBe(CASE_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_VERSION);
    db.close();
  });

  it('refuses a missing case unless asked to create it', () => {
    const file = path.join(tempDir(), 'absent.coalmine');
    expect(() => openCase(file)).toThrow(/absent\.coalmine: no such case file/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('refuses a case written by a newer Coalmine, naming the file and both versions', () => {
    const file = path.join(tempDir(), 'future.coalmine');
    openCase(file, { create: true }).close();
    const raw = new Database(file);
    raw.pragma(`user_version = ${LATEST_VERSION + 7}`);
    raw.close();
    let caught: unknown;
    try {
      openCase(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'CASE_TOO_NEW' });
    expect((caught as Error).message).toContain('future.coalmine');
    expect((caught as Error).message).toContain(`case schema ${LATEST_VERSION + 7}`);
    // Nothing was changed in the refused file.
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 7);
    check.close();
  });

  it('refuses an SQLite database that is not a case, and a file that is not SQLite', () => {
    const dir = tempDir();
    const other = path.join(dir, 'other.db');
    const raw = new Database(other);
    raw.exec('CREATE TABLE t (x)');
    raw.close();
    expect(() => openCase(other)).toThrow(/other\.db is an SQLite database but not a Coalmine case/);

    const text = path.join(dir, 'notes.coalmine');
    fs.writeFileSync(text, 'this is not a database at all, just some text that is long enough');
    expect(() => openCase(text)).toThrow(/notes\.coalmine/);
  });

  it('opens read-only without writing, and refuses writes', () => {
    const file = path.join(tempDir(), 'archived.coalmine');
    openCase(file, { create: true }).close();
    const before = fs.readFileSync(file);
    const db = openCase(file, { readOnly: true });
    expect(() => db.prepare(`DELETE FROM events`).run()).toThrow(/readonly/i);
    db.close();
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});
