// Starts `coalmine web` on a case (the demo case when none is given) with its data in an
// empty temporary folder, opens the printed URL and waits for the app's ready marker.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';

const root = path.resolve(import.meta.dirname, '../..');

export interface WebApp {
  url: string;
  page: Page;
}

async function startWeb(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(root, 'bin/coalmine.js'), 'web', ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[\w-]+/.exec(output);
      if (match) resolve(match[0]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`coalmine web exited with ${code}: ${output}`)));
  });
  return { child, url };
}

export const test = base.extend<{ webApp: WebApp; caseArgs: string[] }>({
  caseArgs: [[], { option: true }],
  webApp: async ({ page, caseArgs }, use) => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-e2e-'));
    const env = { ...process.env, TMPDIR: tmp, XDG_CONFIG_HOME: tmp, XDG_CACHE_HOME: tmp };
    const { child, url } = await startWeb(['--port', '0', ...caseArgs], env);
    try {
      await page.goto(url);
      await expect(page.locator('[data-ready="true"]').first()).toBeVisible();
      await use({ url, page });
    } finally {
      // Wait for the server to close its case (it folds the WAL back) before removing its folder.
      const exited = child.exitCode === null ? new Promise((resolve) => child.once('exit', resolve)) : null;
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
});

export { expect };
