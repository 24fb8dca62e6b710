import { expect, test } from './fixtures.js';

// The figures the demo case must show, counted from resources/demo by the CLI test's
// independent hand count (tests/integration/demoFigures.test.ts checks the same numbers).
test('opens the demo case and reads the comparison table from the screen', async ({ webApp }) => {
  const { page } = webApp;
  await expect(page.getByTestId('case-name')).toContainText('demo.coalmine');
  await expect(page.getByTestId('rollout-item')).toHaveCount(1);
  // Web mode serves one case: opening another is the desktop app's, through its own dialog.
  await expect(page.getByTestId('open-case')).toHaveCount(0);
  await expect(page.getByTestId('rollout-item')).toContainText('checkout-api');
  await expect(page.locator('#comparison-title')).toHaveText('checkout-api: 4.12.3 → 4.13.0');
  await expect(page.getByTestId('rollout-window')).toHaveText(
    '19/11/2026 09:15:00 GMT to 19/11/2026 10:29:57 GMT (1 h 14 min)',
  );

  const cell = (metric: string, column: string) => page.getByTestId(`metric-${metric}`).getByTestId(column);
  await expect(cell('requests', 'stable')).toHaveText('4,001');
  await expect(cell('requests', 'canary')).toHaveText('710');
  await expect(cell('rate401', 'stable')).toHaveText('0.25 % (10 of 4,001)');
  await expect(cell('rate401', 'canary')).toHaveText('3.52 % (25 of 710)');
  await expect(cell('rate5xx', 'canary')).toHaveText('0.85 % (6 of 710)');
  await expect(cell('rate401', 'variance')).toHaveClass(/worse/);

  // The verdict and the evidence behind it: the JWT 401 burst on the canary (09:52–10:04),
  // its new exceptions, and the p95 regression.
  await expect(page.getByTestId('verdict-decision')).toHaveText('Roll back');
  await expect(page.locator('[data-testid="verdict-reason"][data-rule="auth-surge"]')).toContainText(
    'A 401 surge on the canary from 19/11/2026 09:52:00 GMT to 19/11/2026 10:04:00 GMT',
  );
  await expect(page.locator('[data-testid="verdict-reason"][data-rule="p95-regression"]')).toHaveAttribute(
    'data-outcome',
    'rollback',
  );
  await expect(page.getByTestId('surge')).toHaveCount(1);
  await expect(page.getByTestId('surge')).toContainText('19/11/2026 09:52:00');
  await expect(cell('latencyP95', 'action')).toHaveText('rollback');
  await expect(page.locator('[data-testid="exception"][data-status="new"]').first()).toContainText(
    'io.jsonwebtoken.security.SignatureException',
  );
  await expect(page.getByTestId('canary-only')).toContainText('Failing only on the canary');
  // The failures per minute, canary above the axis: every bar names its minute and both counts.
  const buckets = page.getByTestId('auth-timeline').getByTestId('auth-bucket');
  expect(await buckets.count()).toBeGreaterThan(5);
  await expect(buckets.first().locator('title')).toHaveText(
    /^\d\d\/\d\d\/2026 \d\d:\d\d:\d\d: canary \d+, stable \d+$/,
  );
  await expect(page.getByTestId('auth-timeline')).toContainText('per 1-minute bucket, canary above the line');
  await page.screenshot({ path: 'test-results/demo-case.png', fullPage: true });
});

test('the API refuses calls without the launch token', async ({ webApp }) => {
  const origin = new URL(webApp.url).origin;
  const response = await webApp.page.request.post(`${origin}/api/rollout.list`, {
    data: {},
    headers: { 'Content-Type': 'application/json' },
  });
  expect(response.status()).toBe(401);
});
