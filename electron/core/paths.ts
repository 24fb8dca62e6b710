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

/**
 * Where the CLI and web mode keep the demo case they build (the desktop app uses userData):
 * the user's own cache folder, not a shared temporary one another user could write to.
 */
export function defaultDemoCasePath(): string {
  const cache =
    process.env.XDG_CACHE_HOME ||
    (process.platform === 'win32'
      ? (process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'))
      : process.platform === 'darwin'
        ? path.join(os.homedir(), 'Library', 'Caches')
        : path.join(os.homedir(), '.cache'));
  return path.join(cache, 'coalmine', 'demo.coalmine');
}
