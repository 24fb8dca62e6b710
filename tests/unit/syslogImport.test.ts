// Syslog through importFile: the year RFC 3164 leaves out comes from the file's modification
// time unless given, and a file spanning New Year keeps its December lines in the old year.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCase } from '../../electron/core/case/caseStore.js';
import { listRejects } from '../../electron/core/case/rejects.js';
import { importFile } from '../../electron/core/ingest/importFile.js';
import { tempDir, writeLines } from '../helpers/tempCase.js';

const LINES = [
  'Dec 31 23:59:58 bastion sshd[10]: Failed password for root from 192.0.2.1 port 1 ssh2',
  'Jan  1 00:00:02 bastion sshd[11]: Accepted password for alice from 192.0.2.2 port 2 ssh2',
  'Feb 30 00:00:03 bastion sshd[12]: impossible',
];

function newCase() {
  return openCase(path.join(tempDir(), 's.coalmine'), { create: true });
}

describe('syslog import', () => {
  it("takes the modification year, and the year before for months after the file's last change", async () => {
    const file = writeLines('auth.log', LINES);
    const modified = new Date(Date.UTC(2027, 0, 3, 12, 0, 0));
    fs.utimesSync(file, modified, modified);
    const db = newCase();
    const result = await importFile(db, file);
    expect(result).toMatchObject({ format: 'syslog', events: 2, rejects: 1, authFailures: 1 });
    const times = db.prepare('SELECT ts FROM events ORDER BY source_line').pluck().all() as number[];
    expect(times.map((t) => new Date(t).toISOString())).toEqual([
      '2026-12-31T23:59:58.000Z',
      '2027-01-01T00:00:02.000Z',
    ]);
    expect(listRejects(db, result.sourceId ?? -1).map((r) => [r.line, r.reason])).toEqual([
      [3, 'Feb 30 does not exist in 2026'], // February is after January: the year before
    ]);
    db.close();
  });

  it('takes a given year for every line', async () => {
    const file = writeLines('auth.log', LINES.slice(0, 2));
    const db = newCase();
    await importFile(db, file, { year: 2025, zone: 'America/New_York' });
    const times = db.prepare('SELECT ts FROM events ORDER BY source_line').pluck().all() as number[];
    expect(times.map((t) => new Date(t).toISOString())).toEqual([
      '2026-01-01T04:59:58.000Z',
      '2025-01-01T05:00:02.000Z',
    ]);
    db.close();
  });
});
