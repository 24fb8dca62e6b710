import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const projectRoot = path.resolve(import.meta.dirname, '../..');
const bin = path.join(projectRoot, 'bin/coalmine.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `coalmine` command as a user would (`npm test` builds it first). */
export function coalmine(args: string[], cwd = projectRoot): CliRun {
  if (!fs.existsSync(path.join(projectRoot, 'out/node/electron/cli/index.js'))) {
    throw new Error('the CLI is not built: run `npm run build` first (npm test does)');
  }
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
  return { code: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}
