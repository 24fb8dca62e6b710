// An analyst whose canary pods are named unusually (`checkout-v2-…`) fixes the tagging on the
// page: adds a rule, sees a wrong field named beside it, saves, re-tags and reads how many
// events moved; the rollout then shows. A threshold changed in the judge's settings changes
// the verdict; "Who was affected" names the principal who failed only on the canary. The same
// case opened read-only shows the rules and settings without editing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
// Playwright loads this file in its runner too: the case is made in beforeAll, in the worker only.
const dir = path.join(os.tmpdir(), `coalmine-editors-e2e-${process.pid}`);
const casePath = path.join(dir, 'pods.coalmine');
const coalmine = (...args: string[]): void => {
  execFileSync(process.execPath, [path.join(root, 'bin/coalmine.js'), ...args], { stdio: 'ignore' });
};

/** A user name written to act if it were rendered as HTML, with a right-to-left override. */
const HOSTILE = '<img src=x onerror="window.__pwned=1">\u202Eevil';

/**
 * 120 requests a track over 10 minutes; the canary answers mallory 401 fifteen times (and a
 * hostile user name once more), stable alice twice.
 */
function writeLogs(): string {
  const lines: string[] = [];
  const start = Date.UTC(2026, 10, 19, 9, 0, 0);
  for (let i = 0; i < 120; i += 1) {
    for (const track of ['v1', 'v2'] as const) {
      const canary = track === 'v2';
      const failed = canary ? i % 8 === 0 : i % 60 === 0;
      lines.push(
        JSON.stringify({
          '@timestamp': new Date(start + i * 5000 + (canary ? 1000 : 0)).toISOString(),
          'service.name': 'checkout',
          'service.version': canary ? '2.0.0' : '1.9.0',
          'kubernetes.pod.name': `checkout-${track}-7d9f6-${i % 3}abcd`,
          'http.request.method': 'GET',
          'url.path': '/api/cart',
          'http.response.status_code': failed ? 401 : 200,
          'event.duration': 40_000_000,
          'client.ip': canary && failed ? '203.0.113.9' : `198.51.100.${i % 50}`,
          'user.name': failed ? (canary ? 'mallory' : 'alice') : `user${i % 20}`,
          message: failed ? 'GET /api/cart 401' : 'GET /api/cart 200',
        }),
      );
    }
  }
  lines.push(
    JSON.stringify({
      '@timestamp': new Date(start + 121 * 5000).toISOString(),
      'service.name': 'checkout',
      'service.version': '2.0.0',
      'kubernetes.pod.name': 'checkout-v2-7d9f6-0abcd',
      'http.response.status_code': 401,
      'client.ip': '203.0.113.9',
      'user.name': HOSTILE,
      message: 'GET /api/cart 401',
    }),
  );
  const file = path.join(dir, 'pods.ndjson');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test.beforeAll(() => {
  if (fs.existsSync(casePath)) return;
  fs.mkdirSync(dir, { recursive: true });
  coalmine('import', casePath, writeLogs());
});
test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test.describe('a writable case', () => {
  test.use({ caseArgs: [casePath] });

  test('edit a rule, re-tag, change a threshold, see who was affected', async ({ webApp }) => {
    const { page } = webApp;
    await page.setViewportSize({ width: 1280, height: 900 });
    // The default rules find no canary in these pod names.
    await expect(page.getByTestId('no-rollouts')).toBeVisible();

    const tagging = page.getByTestId('tagging-panel');
    await tagging.locator('summary').click();
    await expect(tagging.getByTestId('tagging-track')).toHaveCount(1);
    await expect(tagging.getByTestId('tagging-track')).toContainText('unknown');
    await expect(tagging.getByTestId('tagging-track')).toContainText('241');
    await expect(tagging.getByTestId('tagging-rule')).toHaveCount(3);

    // A new rule of the wrong kind is named wrong beside its field, and cannot be saved.
    await tagging.getByTestId('tagging-new-kind').selectOption('version');
    await tagging.getByTestId('tagging-add').click();
    await expect(tagging.getByTestId('tagging-rule')).toHaveCount(4);
    const fourth = tagging.getByTestId('tagging-rule').nth(3);
    await expect(fourth.getByTestId('rule-field-error')).toHaveCount(1);
    await expect(page.getByLabel('Canary version')).toHaveAttribute('aria-invalid', 'true');
    await expect(tagging.getByTestId('tagging-save')).toBeDisabled();

    // Made a pod-name rule, it reads in words, and goes first.
    await tagging.getByTestId('rule-4-kind').selectOption('name');
    // Words are one to a box: a word holding a comma stays one word.
    await tagging.getByTestId('rule-4-canary-add').click();
    await expect(tagging.getByTestId('rule-4-canary-1')).toHaveAttribute('aria-invalid', 'true');
    await tagging.getByTestId('rule-4-canary-1').fill('v2');
    await tagging.getByTestId('rule-4-canary-add').click();
    await tagging.getByTestId('rule-4-canary-2').fill('eu,canary');
    await tagging.getByTestId('rule-4-stable-add').click();
    await tagging.getByTestId('rule-4-stable-1').fill('v1');
    await tagging.getByTestId('rule-4-name').fill('checkout-pods');
    await expect(fourth.getByTestId('rule-field-error')).toHaveCount(0);
    await expect(fourth.getByTestId('rule-description')).toHaveText(
      'pod name holds the word: canary = v2, eu,canary; stable = v1',
    );
    // The label names the field; its hint describes it.
    await expect(
      page.getByRole('textbox', { name: 'Rule name (kept with each event it tags)', exact: true }),
    ).toHaveCount(4);
    for (let i = 0; i < 3; i += 1) await page.getByRole('button', { name: `Move rule ${4 - i} up` }).click();
    await expect(tagging.getByTestId('rule-1-name')).toHaveValue('checkout-pods');
    // A re-tag applies saved rules only.
    await expect(tagging.getByTestId('tagging-retag')).toBeDisabled();
    await tagging.getByTestId('tagging-save').click();
    await expect(tagging.getByTestId('tagging-notice')).toContainText('Saved');
    await expect(tagging.getByTestId('tagging-source')).toHaveText('The case’s own rules');
    // Saved as typed, and shown again one word to a box.
    await expect(tagging.getByTestId('rule-1-canary-1')).toHaveValue('v2');
    await expect(tagging.getByTestId('rule-1-canary-2')).toHaveValue('eu,canary');

    await tagging.getByTestId('tagging-retag').click();
    const result = tagging.getByTestId('retag-result');
    await expect(result).toContainText('Re-tagged 241 events (241 changed): canary 121, stable 120, unknown 0');
    await expect(result.locator('[data-testid="retag-move"][data-from="unknown"][data-to="canary"]')).toHaveText(
      '121 events moved from unknown to canary',
    );
    await expect(result.locator('[data-testid="retag-move"][data-from="unknown"][data-to="stable"]')).toHaveText(
      '120 events moved from unknown to stable',
    );
    await expect(tagging.locator('[data-testid="tagging-track"][data-track="canary"]')).toContainText('checkout-pods');
    // The report describes the rules it applied: an edit to them takes it away.
    await tagging.getByTestId('rule-1-name').fill('checkout-pods-2');
    await expect(tagging.getByTestId('retag-result')).toHaveCount(0);
    await tagging.getByTestId('tagging-undo').click();

    // The rollout is found now, with too few requests for the checklist's 200 a track.
    await expect(page.locator('#comparison-title')).toHaveText('checkout: 1.9.0 → 2.0.0');
    const minRequestsReason = page.locator('[data-testid="verdict-reason"][data-rule="min-requests"]');
    await expect(minRequestsReason).toHaveAttribute('data-outcome', 'insufficient-data');
    await expect(minRequestsReason).toContainText('each needs at least 200');

    const settings = page.getByTestId('settings-panel');
    await settings.locator('summary').click();
    const minRequests = settings.getByTestId('setting-input-minRequests');
    await expect(minRequests).toHaveValue('200');
    await minRequests.fill('many');
    await expect(settings.locator('[data-key="minRequests"]').getByTestId('setting-error')).toHaveText('not a number');
    await expect(settings.getByTestId('settings-save')).toBeDisabled();
    await minRequests.fill('100');
    await settings.getByTestId('settings-save').click();
    await expect(settings.getByTestId('settings-saved')).toBeVisible();
    await expect(settings.getByTestId('setting-input-minRequests')).toHaveValue('100');

    // Judged again at once with 100 requests a track: enough now.
    await expect(minRequestsReason).toHaveAttribute('data-outcome', 'pass');
    await expect(minRequestsReason).toContainText('at least 100 each');

    await expect(settings.locator('[data-key="minRequests"]')).toHaveAttribute('data-saved', 'true');
    await expect(settings.getByTestId('settings-source')).toContainText('saved its own value of 1 setting');

    // Reset deletes the saved value: the case uses the default again, and the rollout is judged with it.
    await settings.getByTestId('setting-reset-minRequests').click();
    await expect(settings.getByTestId('settings-saved')).toContainText('minRequests uses its default again');
    await expect(settings.getByTestId('setting-input-minRequests')).toHaveValue('200');
    await expect(settings.locator('[data-key="minRequests"]').getByTestId('setting-default')).toBeVisible();
    await expect(settings.getByTestId('settings-source')).toHaveText('This case uses the default of every setting.');
    await expect(settings.getByTestId('settings-save')).toBeDisabled();
    await expect(settings.getByTestId('setting-reset-minRequests')).toBeDisabled();
    await expect(minRequestsReason).toHaveAttribute('data-outcome', 'insufficient-data');
    // A field error is a description of its field, not an alert at each keystroke.
    await minRequests.fill('x');
    await expect(settings.getByRole('alert')).toHaveCount(0);
    await expect(minRequests).toHaveAccessibleDescription(/not a number/);
    await settings.getByTestId('settings-undo').click();

    const affected = page.getByTestId('affected');
    await expect(affected.locator('#affected-title')).toHaveText('Who was affected');
    await expect(affected.getByTestId('affected-summary')).toContainText(
      '2 principals and 1 client IP failed authentication on the canary and never on stable in the window.',
    );
    const canaryOnly = affected.getByTestId('affected-canary-only').getByTestId('affected-party');
    await expect(canaryOnly).toHaveCount(3);
    await expect(canaryOnly.nth(0)).toHaveText(['Principal', 'mallory', '15'].join(''));
    await expect(canaryOnly.filter({ hasText: 'Client IP' })).toHaveText(['Client IP', '203.0.113.9', '16'].join(''));
    await expect(affected).not.toContainText('alice');
    // Log text is text: the tag is shown, not run, and the override is a visible stand-in.
    await expect(canaryOnly.filter({ hasText: 'evil' })).toContainText(
      '<img src=x onerror="window.__pwned=1">\uFFFDevil',
    );
    await expect(affected.locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();

    await page.screenshot({ path: 'test-results/editors.png', fullPage: true });

    // "Use the defaults" deletes the case's own rules, as `coalmine tags --reset`.
    await tagging.getByTestId('tagging-defaults').click();
    await expect(tagging.getByTestId('tagging-notice')).toContainText('uses the default rules again');
    await expect(tagging.getByTestId('tagging-source')).toHaveText('The default rules (the case has saved none)');
    await expect(tagging.getByTestId('tagging-rule')).toHaveCount(3);
    await expect(tagging.getByTestId('tagging-defaults')).toBeDisabled();
  });
});

test.describe('a case opened read-only', () => {
  test.use({ caseArgs: [casePath, '--read-only'] });
  // What the test above saves, saved here too, so this test stands on its own (a retry).
  test.beforeAll(() => {
    const rules = path.join(dir, 'rules.json');
    fs.writeFileSync(
      rules,
      JSON.stringify({
        rules: [{ kind: 'name', field: 'pod', name: 'checkout-pods', canary: ['v2'], stable: ['v1'] }],
      }),
    );
    coalmine('tags', casePath, '--set', rules);
    coalmine('settings', casePath, '--set', 'minRequests=100');
  });

  test('shows the rules and settings without editing them', async ({ webApp }) => {
    const { page } = webApp;
    const tagging = page.getByTestId('tagging-panel');
    await tagging.locator('summary').click();
    await expect(tagging.getByTestId('tagging-read-only').getByTestId('tagging-rule').first()).toContainText(
      'checkout-pods (Words in the pod or host name): pod name holds the word: canary = v2; stable = v1',
    );
    await expect(tagging.getByTestId('tagging-form')).toHaveCount(0);
    await expect(tagging.getByTestId('tagging-retag')).toHaveCount(0);

    const settings = page.getByTestId('settings-panel');
    await settings.locator('summary').click();
    await expect(settings.getByTestId('setting-input-minRequests')).toHaveValue('100');
    await expect(settings.getByTestId('setting-input-minRequests')).toHaveAttribute('readonly', '');
    await expect(settings.getByTestId('settings-save')).toHaveCount(0);
    await expect(page.getByTestId('affected')).toContainText('mallory');
  });
});
