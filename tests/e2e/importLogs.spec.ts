// An analyst imports log files from the page: picks them from the folder web mode was given,
// follows the progress, reads what each file held (rejected lines by number), and finds the
// rollout the files contain.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-import-e2e-'));
const logs = path.join(dir, 'logs');
fs.mkdirSync(logs);
const event = (second: number, track: string, version: string, status: number): string =>
  JSON.stringify({
    '@timestamp': new Date(Date.UTC(2026, 10, 19, 9, 0, second)).toISOString(),
    'service.name': 'payments',
    'service.version': version,
    'labels.track': track,
    'http.response.status_code': status,
  });
fs.writeFileSync(
  path.join(logs, 'canary.ndjson'),
  [event(1, 'canary', '5.1.0', 200), event(2, 'canary', '5.1.0', 401), '{"truncated": '].join('\n') + '\n',
);
fs.writeFileSync(path.join(logs, 'stable.ndjson'), [event(1, 'stable', '5.0.9', 200)].join('\n') + '\n');

test.use({ caseArgs: [path.join(dir, 'new.coalmine'), '--import-dir', logs] });
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('imports picked files and shows what they held', async ({ webApp }) => {
  const { page } = webApp;
  await expect(page.getByTestId('no-rollouts')).toBeVisible();
  await page.getByTestId('import-open').click();
  await expect(page.getByTestId('import-choose')).toContainText('canary.ndjson');
  await expect(page.getByTestId('import-choose')).toContainText('stable.ndjson');
  await page.getByTestId('import-start').click();

  const result = page.getByTestId('import-result');
  await expect(result).toHaveAttribute('data-state', 'done');
  await expect(result.getByTestId('import-file-result')).toHaveCount(2);
  await expect(result.getByTestId('import-file-result').first()).toContainText(
    'canary.ndjson: 2 events, 1 rejected, 1 authentication failure (ecs-ndjson)',
  );
  await expect(result).toContainText('line 3: not valid JSON');
  await expect(page.getByTestId('case-name')).toContainText('3 events · 2 sources');
  await expect(page.getByTestId('rollout-item')).toContainText('payments');
  await page.screenshot({ path: 'test-results/import-done.png', fullPage: true });
});
