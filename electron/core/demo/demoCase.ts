// The case the app opens when none is given: built from the demo logs in resources/demo,
// and rebuilt whenever those logs change.
import fs from 'node:fs';
import path from 'node:path';
import { type CaseDb, closeCase, openCase } from '../case/caseStore.js';
import { listSources } from '../case/sources.js';
import { fileFacts } from '../ingest/fileFacts.js';
import { importFile } from '../ingest/importFile.js';

// 19/11/2026 12:00:00 GMT: the import time recorded for the demo sources, so the demo's
// review reads the same on every machine.
const DEMO_IMPORTED_AT = Date.UTC(2026, 10, 19, 12, 0, 0);

export function demoLogFiles(demoDir: string): string[] {
  return fs
    .readdirSync(demoDir)
    .filter((name) => name.endsWith('.ndjson'))
    .sort()
    .map((name) => path.join(demoDir, name));
}

function removeCaseFiles(casePath: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(casePath + suffix, { force: true });
}

async function isCurrent(casePath: string, files: string[]): Promise<boolean> {
  if (!fs.existsSync(casePath)) return false;
  let db: CaseDb | undefined;
  try {
    db = openCase(casePath, { readOnly: true });
    const sources = listSources(db);
    // Anything but exactly the demo files, each complete, and the case is rebuilt.
    if (sources.some((s) => s.state !== 'complete')) return false;
    const have = sources.map((s) => s.sha256).sort();
    const want = (await Promise.all(files.map((f) => fileFacts(f)))).map((f) => f.sha256).sort();
    return have.length === want.length && have.every((sha, i) => sha === want[i]);
  } catch {
    return false; // an unreadable or older demo case is simply rebuilt
  } finally {
    if (db) closeCase(db);
  }
}

/** Opens the demo case at `casePath`, building it from `demoDir` first where needed. */
export async function ensureDemoCase(casePath: string, demoDir: string): Promise<CaseDb> {
  const files = demoLogFiles(demoDir);
  if (!(await isCurrent(casePath, files))) {
    removeCaseFiles(casePath);
    fs.mkdirSync(path.dirname(casePath), { recursive: true });
    const db = openCase(casePath, { create: true });
    try {
      for (const file of files) await importFile(db, file, { importedAt: DEMO_IMPORTED_AT });
    } finally {
      closeCase(db);
    }
  }
  return openCase(casePath);
}
