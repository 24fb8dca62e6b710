import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { type CliRun, coalmine, projectRoot } from './cli.js';

/**
 * Runs the built `coalmine` without blocking this process, for tests whose fake servers live
 * in it; `env` is added to this process's environment.
 */
export function coalmineAsync(
  args: string[],
  env: Record<string, string> = {},
  /** Called with the child process once started (to send it a signal). */
  started?: (child: ChildProcess) => void,
): Promise<CliRun> {
  coalmine(['--help']); // throws early, with the reason, if the CLI is not built
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(projectRoot, 'bin/coalmine.js'), ...args], {
      cwd: projectRoot,
      env: { ...process.env, CI: 'true', ...env },
    });
    started?.(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
