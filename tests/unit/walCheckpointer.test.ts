// The WAL checkpointer: another thread checkpoints while the writer writes, the log stays
// bounded, and the writer gets its automatic checkpoints back, with nothing lost.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { type CaseDb, closeCase, openCase } from '../../electron/core/case/caseStore.js';
import { startWalCheckpointer } from '../../electron/core/case/walCheckpointer.js';
import { tempDir } from '../helpers/tempCase.js';

const MB = 1024 * 1024;

/** Writes `batches` transactions of about 1 MB each, calling `between` after each; returns the largest log seen. */
function writeBatches(db: CaseDb, batches: number, between: () => void): number {
  const insert = db.prepare(`INSERT INTO settings (key, value) VALUES (?, ?)`);
  const batch = db.transaction((b: number) => {
    for (let i = 0; i < 256; i += 1) insert.run(`k${b}-${i}`, `${b}:${i}:`.padEnd(4096, 'x'));
  });
  let largest = 0;
  for (let b = 0; b < batches; b += 1) {
    batch(b);
    largest = Math.max(largest, fs.statSync(`${db.name}-wal`).size);
    between();
  }
  return largest;
}

describe('the WAL checkpointer', () => {
  it('moves the checkpoints off the writer, keeps the log bounded and gives everything back', async () => {
    const casePath = path.join(tempDir(), 'wal.coalmine');
    const db = openCase(casePath, { create: true });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    const checkpointer = startWalCheckpointer(db, { intervalMs: 20, walLimitBytes: 4 * MB });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const pragma = vi.spyOn(db, 'pragma');
    const largest = writeBatches(db, 40, () => checkpointer.afterBatch());
    const restarts = pragma.mock.calls.filter(([source]) => source === 'wal_checkpoint(RESTART)').length;
    pragma.mockRestore();
    await checkpointer.stop();
    await checkpointer.stop(); // a second stop is harmless

    // 50 MB written: without restarts the log would hold all of it. A restart tried while the
    // thread checkpoints waits for the next batch, so the log may pass the limit by a few.
    expect(restarts).toBeGreaterThan(0);
    expect(largest).toBeLessThan(4 * 4 * MB);
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(db.pragma('journal_size_limit', { simple: true })).toBe(-1);
    expect(fs.statSync(`${casePath}-wal`).size).toBe(0);
    closeCase(db);

    const reopened = new Database(casePath, { readonly: true });
    expect(reopened.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(reopened.prepare(`SELECT count(*) FROM settings WHERE key LIKE 'k%'`).pluck().get()).toBe(40 * 256);
    reopened.close();
  });

  it('lets a reader of an old snapshot keep the log, trying to start it over only now and then', async () => {
    const db = openCase(path.join(tempDir(), 'reader.coalmine'), { create: true });
    // A reader holding an old snapshot keeps every frame in the log, as it must.
    const reader = new Database(db.name, { readonly: true });
    reader.prepare('BEGIN').run();
    reader.prepare(`SELECT count(*) FROM settings`).get();
    const checkpointer = startWalCheckpointer(db, { intervalMs: 5, walLimitBytes: 4 * MB });
    const pragma = vi.spyOn(db, 'pragma');
    const largest = writeBatches(db, 12, () => checkpointer.afterBatch());
    const restarts = pragma.mock.calls.filter(([source]) => source === 'wal_checkpoint(RESTART)').length;
    pragma.mockRestore();
    expect(largest).toBeGreaterThan(11 * MB);
    // Busy past 4 MB, then past 4 MB more, and so on: not once a batch past the limit (9 batches).
    expect(restarts).toBeGreaterThan(0);
    expect(restarts).toBeLessThanOrEqual(3);
    reader.prepare('COMMIT').run();
    reader.close();
    await checkpointer.stop();
    expect(fs.statSync(`${db.name}-wal`).size).toBe(0);
    closeCase(db);
  });

  it('leaves a case that is not a WAL file on disk alone', async () => {
    const db = new Database(':memory:');
    const checkpointer = startWalCheckpointer(db);
    checkpointer.afterBatch();
    await checkpointer.stop();
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    db.close();
  });
});
