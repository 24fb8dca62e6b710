// Log content is hostile: a service name or version holding HTML must reach the screen as
// the same text, never as markup.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-hostile-'));
const casePath = path.join(dir, 'hostile.coalmine');
const service = '<img src=x onerror="document.title=\'pwned\'">';
const version = '<script>document.title="pwned"</script>';
fs.writeFileSync(
  path.join(dir, 'hostile.ndjson'),
  [
    { '@timestamp': '2026-03-01T10:00:00Z', 'labels.track': 'canary', 'http.response.status_code': 401 },
    { '@timestamp': '2026-03-01T10:05:00Z', 'labels.track': 'canary', 'http.response.status_code': 200 },
    { '@timestamp': '2026-03-01T10:02:00Z', 'labels.track': 'stable', 'http.response.status_code': 200 },
    {
      '@timestamp': '2026-03-01T10:03:00Z',
      'labels.track': 'canary',
      'http.response.status_code': 500,
      'url.path': '/<b>bold</b>',
      'error.type': '<img src=x onerror="document.title=\'pwned\'">',
      'error.message': '<script>document.title="pwned"</script> failed',
    },
  ]
    .map((doc) => JSON.stringify({ ...doc, 'service.name': service, 'service.version': version }))
    .join('\n') + '\n',
);
const imported = spawnSync(process.execPath, [
  path.join(root, 'bin/coalmine.js'),
  'import',
  casePath,
  path.join(dir, 'hostile.ndjson'),
]);
if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr.toString()}`);

test.use({ caseArgs: [casePath] });
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('shows HTML from the logs as text', async ({ webApp }) => {
  const { page } = webApp;
  await expect(page.locator('#comparison-title')).toHaveText(`${service}: ${version} → ${version}`);
  await expect(page.getByTestId('rollout-item')).toContainText(service);
  await expect(page.locator('[data-testid="exception"]').first()).toContainText('<img src=x onerror=');
  await expect(page.getByTestId('exception-template').first()).toContainText('<script>');
  await expect(page.locator('img')).toHaveCount(0);
  await expect(page.locator('b')).toHaveCount(0);
  await expect(page.locator('#root script')).toHaveCount(0);
  expect(await page.title()).toBe('Coalmine');
});
