import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-test-'));
  folders.push(dir);
  return dir;
}

/** Writes `lines` (joined with `eol`) to a file in a temporary folder and returns its path. */
export function writeLines(name: string, lines: string[], eol = '\n'): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, lines.join(eol) + eol);
  return file;
}

/** One ECS document as ecs-logging writes it (dotted keys). */
export function ecs(fields: Record<string, unknown>): string {
  return JSON.stringify(fields);
}
