// Where a worker thread's entry file is. Built code (out/node for the CLI and bench) has the
// entry beside the module that starts it. Under vitest the starting module runs from its
// TypeScript source, and a worker thread on Node 20 cannot load a .ts file: it then runs the
// build of the same source in out/node, which `npm test` (pretest) and `npm run build` make.
// The Electron bundle builds every entry into one folder (electron.vite.config.ts), but shared
// code may sit in a chunk elsewhere, so its main process names that folder explicitly: to the
// service thread as an option, which sets it (`useWorkerEntryDir`) for the workers it starts.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoalmineError } from '../../shared/errors.js';

let entryDir: string | null = null;

/** The folder holding every worker entry (the Electron bundle's); null: beside the modules. */
export function useWorkerEntryDir(dir: string | null): void {
  entryDir = dir;
}

/**
 * The entry `entryName` (e.g. 'parseWorker.js') in `dir` (default: the folder
 * `useWorkerEntryDir` named), else beside the module at `moduleUrl` (its `import.meta.url`),
 * whose source path under the project is `sourceDir` (e.g. 'electron/core/ingest').
 */
export function workerEntryFile(
  moduleUrl: string,
  sourceDir: string,
  entryName: string,
  dir: string | null = entryDir,
): string {
  if (dir !== null) return path.join(dir, entryName);
  const here = fileURLToPath(moduleUrl);
  if (here.endsWith('.js')) return path.join(path.dirname(here), entryName);
  const depth = sourceDir.split('/').length;
  const root = path.resolve(path.dirname(here), ...Array<string>(depth).fill('..'));
  const built = path.join(root, 'out/node', sourceDir, entryName);
  if (!fs.existsSync(built)) {
    throw new CoalmineError('INTERNAL', `${built} is missing: run \`npm run build\` before running from the sources`);
  }
  return built;
}
