// An analyst imports log files from the page: picks them from the folder web mode was given,
// follows the progress, reads what each file held (rejected lines by number), and finds the
// rollout the files contain; with the Options, tells what the logs do not say (track, service,
// version, the day of a log that writes only the time of day) and is told when an option is wrong.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
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

test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.describe('files that say their own track', () => {
  test.use({ caseArgs: [path.join(dir, 'new.coalmine'), '--import-dir', logs] });

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
});

// logback's default layout: the time of day only, so the day comes from the Options.
const appLogs = path.join(dir, 'app-logs');
fs.mkdirSync(appLogs);
const logback = (lines: [string, string, string][]): string =>
  lines
    .map(([time, level, text]) => `${time} [http-nio-8080-exec-1] ${level.padEnd(5)} com.shop.Checkout - ${text}`)
    .join('\n') + '\n';
fs.writeFileSync(
  path.join(appLogs, 'checkout-canary.log'),
  logback([
    ['09:00:01.100', 'INFO', 'order 1 placed'],
    ['09:00:02.200', 'ERROR', 'payment declined'],
    ['09:00:03.300', 'INFO', 'order 2 placed'],
  ]),
);
fs.writeFileSync(
  path.join(appLogs, 'checkout-stable.log'),
  logback([
    ['09:00:01.500', 'INFO', 'order 0 placed'],
    ['09:00:02.500', 'INFO', 'order 3 placed'],
  ]),
);

/** Picks only `name` of the folder's files. */
async function pickOnly(page: Page, name: string): Promise<void> {
  await page.getByTestId('import-open').click();
  const choose = page.getByTestId('import-choose');
  await expect(choose).toContainText(name);
  for (const box of await choose.getByRole('checkbox').all()) {
    const label = (await box.evaluate((el) => el.closest('label')?.textContent)) ?? '';
    await box.setChecked(label.includes(name));
  }
}

/** Opens the Options from the keyboard, as a person tabbing through the form would. */
async function openOptions(page: Page): Promise<void> {
  const toggle = page.getByTestId('import-options-toggle');
  await toggle.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('import-options')).toHaveAttribute('open', '');
}

test.describe('the Options of an import', () => {
  test.use({ caseArgs: [path.join(dir, 'options.coalmine'), '--import-dir', appLogs] });

  test('tell the track, service, version and day of logs that write only the time of day', async ({ webApp }) => {
    const { page } = webApp;
    await expect(page.getByTestId('no-rollouts')).toBeVisible();

    await pickOnly(page, 'checkout-canary.log');
    const options = page.getByTestId('import-options');
    const summary = page.getByTestId('import-options-toggle');
    await expect(options).not.toHaveAttribute('open', '');
    await expect(summary).toHaveText('Options');
    await openOptions(page);
    await expect(options).toContainText('These options apply to every file of this import');
    await expect(page.getByLabel('Zone of times without one')).toHaveValue('Europe/London');
    await expect(page.getByTestId('import-format')).toContainText('Detect from content');
    await expect(page.getByTestId('import-mapping')).toBeDisabled();
    await page.getByLabel('Track of every event').selectOption('canary');
    await page.getByLabel('Service', { exact: true }).fill('checkout');
    await page.getByLabel('Version', { exact: true }).fill('2.1.0');
    await page.getByLabel('Zone of times without one').fill('UTC');
    await page.getByLabel('Day of the first record').fill('19/11/2026');
    await page.screenshot({ path: 'test-results/import-options.png', fullPage: true });
    // Closed, the Options still say everything that changes the import.
    await summary.click();
    await expect(options).not.toHaveAttribute('open', '');
    await expect(summary).toHaveText(
      'Options: track canary, service checkout, version 2.1.0, zone UTC, first day 19/11/2026',
    );
    await page.getByTestId('import-start').click();

    const result = page.getByTestId('import-result');
    await expect(result).toHaveAttribute('data-state', 'done');
    await expect(result.getByTestId('import-file-result')).toHaveText(
      'checkout-canary.log: 3 events, 0 rejected, 0 authentication failures (java-log)',
    );
    await expect(result.getByTestId('import-result-options')).toHaveText(
      'Options for every file: track canary · service checkout · version 2.1.0 · zone UTC · first day 19/11/2026',
    );

    // The stable side: the options start again, but for the zone, and the summary says so;
    // nothing of the canary import (its track above all) is applied to these files unseen.
    await pickOnly(page, 'checkout-stable.log');
    await expect(options).not.toHaveAttribute('open', '');
    await expect(summary).toHaveText('Options: zone UTC');
    await openOptions(page);
    await expect(page.getByLabel('Track of every event')).toHaveValue('');
    await expect(page.getByLabel('Service', { exact: true })).toHaveValue('');
    await expect(page.getByLabel('Day of the first record')).toHaveValue('');
    await expect(page.getByLabel('Zone of times without one')).toHaveValue('UTC');
    await page.getByLabel('Track of every event').selectOption('stable');
    await page.getByLabel('Service', { exact: true }).fill('checkout');
    await page.getByLabel('Version', { exact: true }).fill('2.0.0');
    await page.getByLabel('Day of the first record').fill('19/11/2026');
    await page.getByTestId('import-start').click();
    await expect(result).toHaveAttribute('data-state', 'done');
    await expect(result.getByTestId('import-file-result')).toHaveText(
      'checkout-stable.log: 2 events, 0 rejected, 0 authentication failures (java-log)',
    );
    await expect(result.getByTestId('import-result-options')).toHaveText(
      'Options for every file: track stable · service checkout · version 2.0.0 · zone UTC · first day 19/11/2026',
    );

    await expect(page.getByTestId('case-name')).toContainText('5 events · 2 sources');
    const rollout = page.getByTestId('rollout-item');
    await expect(rollout).toHaveCount(1);
    await expect(rollout).toContainText('checkout');
    await expect(rollout).toContainText('2.0.0 → 2.1.0');
    await expect(rollout).toContainText('from 19/11/2026 09:00:01');
  });
});

test.describe('another case', () => {
  test.use({ caseArgs: [path.join(dir, 'first.coalmine'), '--import-dir', appLogs] });

  test('starts with none of the last case’s options or results', async ({ webApp }) => {
    const { page } = webApp;
    // Web mode serves one case; the desktop app's Open case… is stood in for by answering
    // case.info and case.open as the desktop does (the same case, opened again).
    await page.route('**/api/case.info', async (route) => {
      const response = await route.fetch();
      const body = (await response.json()) as { ok: boolean; value?: Record<string, unknown> };
      if (body.value) body.value.canOpenOther = true;
      await route.fulfill({ response, json: body });
    });
    await page.route('**/api/case.open', async (route) => {
      const info = await page.request.fetch(route.request().url().replace('case.open', 'case.info'), {
        method: 'POST',
        headers: route.request().headers(),
        data: {},
      });
      await route.fulfill({ response: info });
    });
    await page.reload();
    await expect(page.getByTestId('no-rollouts')).toBeVisible();
    await pickOnly(page, 'checkout-canary.log');
    await openOptions(page);
    await page.getByLabel('Zone of times without one').fill('UTC');
    await page.getByLabel('Day of the first record').fill('19/11/2026');
    await page.getByTestId('import-start').click();
    await expect(page.getByTestId('import-result')).toHaveAttribute('data-state', 'done');

    await page.getByTestId('open-case').click();
    await expect(page.getByTestId('import-result')).toHaveCount(0);
    await pickOnly(page, 'checkout-stable.log');
    await expect(page.getByTestId('import-options-toggle')).toHaveText('Options');
    await openOptions(page);
    await expect(page.getByLabel('Zone of times without one')).toHaveValue('Europe/London');
  });
});

test.describe('the Import button', () => {
  test.use({ caseArgs: [path.join(dir, 'once.coalmine'), '--import-dir', appLogs] });

  test('starts one import however often it is pressed while the import is asked for', async ({ webApp }) => {
    const { page } = webApp;
    await expect(page.getByTestId('no-rollouts')).toBeVisible();
    let asked = 0;
    let release = (): void => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/ingest.start', async (route) => {
      asked += 1;
      await released;
      await route.continue();
    });
    await pickOnly(page, 'checkout-canary.log');
    const start = page.getByTestId('import-start');
    await start.click();
    await expect(start).toBeDisabled();
    await start.click({ force: true });
    release();
    await expect(page.getByTestId('import-result')).toHaveAttribute('data-state', 'done');
    await expect(page.getByTestId('import-error')).toHaveCount(0);
    expect(asked).toBe(1);
  });
});

test.describe('a wrong option', () => {
  test.use({ caseArgs: [path.join(dir, 'refused.coalmine'), '--import-dir', appLogs] });

  test('is refused with a message naming its field, marked on the field, and nothing is imported', async ({
    webApp,
  }) => {
    const { page } = webApp;
    await expect(page.getByTestId('no-rollouts')).toBeVisible();
    await pickOnly(page, 'checkout-canary.log');
    await openOptions(page);
    const zone = page.getByLabel('Zone of times without one');
    await zone.fill('Mars/Olympus');
    await page.getByLabel('Day of the first record').fill('19/11/2026');
    // Closed again, the Options open by themselves to show the field the core refused.
    await page.getByTestId('import-options-toggle').click();
    await expect(page.getByTestId('import-options')).not.toHaveAttribute('open', '');
    await page.getByTestId('import-start').click();
    await expect(page.getByTestId('import-error')).toHaveText(
      'Zone of times without one: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/London)',
    );
    await expect(page.getByTestId('import-options')).toHaveAttribute('open', '');
    await expect(zone).toHaveAttribute('aria-invalid', 'true');
    await expect(zone).toHaveAccessibleDescription(/^unknown time zone "Mars\/Olympus"/);
    await expect(page.getByTestId('import-option-error')).toHaveCount(1);
    await page.screenshot({ path: 'test-results/import-refused.png', fullPage: true });
    // The form stays as it was, to be put right.
    await expect(page.getByTestId('import-choose')).toBeVisible();
    await expect(zone).toHaveValue('Mars/Olympus');
    await expect(page.getByTestId('case-name')).toContainText('refused.coalmine · 0 events · 0 sources');

    // Once changed, the field is no longer marked.
    await zone.fill('Europe/London');
    await expect(zone).not.toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('import-option-error')).toHaveCount(0);

    // A day that is no day is refused on the page, before anything is asked, by the field's label.
    const day = page.getByLabel('Day of the first record');
    await day.fill('31/02/2026');
    await page.getByTestId('import-start').click();
    await expect(page.getByTestId('import-error')).toHaveText(
      'Day of the first record: 31/02/2026 is not a day written DD/MM/YYYY (a real day, 1990 to 2099)',
    );
    await expect(day).toHaveAttribute('aria-invalid', 'true');
    await expect(day).toHaveAccessibleDescription(/^31\/02\/2026 is not a day written DD\/MM\/YYYY/);
    await expect(zone).not.toHaveAttribute('aria-invalid', 'true');
  });
});

// A pull of `logs-*` saved as files: staging and production of one service and the same
// versions. Each environment is a rollout of its own in the picker; the Environment option
// names the environment of a file whose records name none.
const envLogs = path.join(dir, 'env-logs');
fs.mkdirSync(envLogs);
const inEnvironment = (environment: string | null, second: number, track: string, version: string): string =>
  JSON.stringify({
    ...(JSON.parse(event(second, track, version, 200)) as object),
    ...(environment === null ? {} : { 'service.environment': environment }),
  });
fs.writeFileSync(
  path.join(envLogs, 'production.ndjson'),
  [inEnvironment('production', 1, 'canary', '5.1.0'), inEnvironment('production', 2, 'stable', '5.0.9')].join('\n') +
    '\n',
);
fs.writeFileSync(
  path.join(envLogs, 'staging.ndjson'),
  [inEnvironment(null, 3, 'canary', '5.1.0'), inEnvironment(null, 4, 'stable', '5.0.9')].join('\n') + '\n',
);

test.describe('logs of several environments', () => {
  test.use({ caseArgs: [path.join(dir, 'environments.coalmine'), '--import-dir', envLogs] });

  test('give a rollout per environment, the Environment option naming the records that name none', async ({
    webApp,
  }) => {
    const { page } = webApp;
    await pickOnly(page, 'production.ndjson');
    await page.getByTestId('import-start').click();
    await expect(page.getByTestId('import-result')).toHaveAttribute('data-state', 'done');

    await pickOnly(page, 'staging.ndjson');
    await openOptions(page);
    await page.getByLabel('Environment', { exact: true }).fill('staging');
    await expect(page.getByTestId('import-options-toggle')).toHaveText(
      'Options: environment staging where the logs name none',
    );
    await page.getByTestId('import-start').click();
    await expect(page.getByTestId('import-result')).toHaveAttribute('data-state', 'done');

    const rollouts = page.getByTestId('rollout-item');
    await expect(rollouts).toHaveCount(2);
    await expect(rollouts.nth(0)).toContainText('payments in production');
    await expect(rollouts.nth(1)).toContainText('payments in staging');
    await rollouts.nth(1).click();
    await expect(page.getByRole('heading', { level: 1 })).toContainText('payments in staging');
  });
});
