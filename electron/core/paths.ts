// Where the project's own files are, from wherever the code runs (sources under vitest,
// compiled JavaScript under out/node).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The folder holding Coalmine's package.json. */
export function projectRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'coalmine') return (cachedRoot = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the Coalmine project folder above ' + import.meta.url);
    dir = parent;
  }
}

export function demoLogsDir(): string {
  return path.join(projectRoot(), 'resources', 'demo');
}

export function rendererDir(): string {
  return path.join(projectRoot(), 'out', 'renderer');
}

/** Where the CLI and web mode keep the demo case they build (the desktop app uses userData). */
export function defaultDemoCasePath(): string {
  return path.join(os.tmpdir(), 'coalmine', 'demo.coalmine');
}
