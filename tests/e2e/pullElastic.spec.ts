// An analyst pulls a window of events from Elasticsearch from the page: fills in the cluster,
// index and window, follows the progress, and reads what the pull brought. The cluster is a
// small fake one over real HTTP on 127.0.0.1 (no Elasticsearch can run here).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeCluster, type FakeServer, ecsDocs, startFakeServer } from '../helpers/fakeElastic.js';
import { expect, test } from './fixtures.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-pull-e2e-'));
fs.mkdirSync(path.join(dir, 'logs'));
const cluster = new FakeCluster(ecsDocs(30, '2026-03-29T00:00:00.000Z'));
let server: FakeServer;

test.use({ caseArgs: [path.join(dir, 'pulled.coalmine'), '--import-dir', path.join(dir, 'logs')] });
test.beforeAll(async () => {
  server = await startFakeServer(cluster);
});
test.afterAll(async () => {
  await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test('pulls a window of events and shows what it brought, without keeping the password', async ({ webApp }) => {
  const { page } = webApp;
  await page.getByTestId('pull-open').click();
  await page.getByTestId('pull-url').fill(server.url);
  await page.getByTestId('pull-index').fill('logs-checkout-*');
  // 29/03/2026 is the day the clocks go forward: 00:00 GMT to 00:00:20 GMT, in UK time.
  await page.getByTestId('pull-from').fill('29/03/2026 00:00:00');
  await page.getByTestId('pull-to').fill('29/03/2026 00:00:20');
  await page.getByLabel('Credentials').selectOption('basic');
  await page.getByLabel('User', { exact: true }).fill('analyst');
  await page.getByLabel('Password', { exact: true }).fill('s3cret-pw');
  await page.getByTestId('pull-start').click();

  const result = page.getByTestId('pull-result');
  await expect(result).toHaveAttribute('data-state', 'done');
  await expect(result).toContainText('20 events from 20 hits of prod-logs');
  await expect(page.getByTestId('case-name')).toContainText('20 events · 1 sources');
  await expect(page.getByTestId('rollout-item')).toContainText('checkout');
  expect(server.authorizations.some((a) => a.startsWith('Basic '))).toBe(true);
  await expect(page.locator('body')).not.toContainText('s3cret-pw');
});
