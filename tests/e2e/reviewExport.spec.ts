// The review from the rollout page, as an analyst uses it in a browser (web mode): export it
// through the Export menu and read the downloaded files; write the review notes, save them and
// find them in the next export; hostile log text stays text on the page and in the files.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Download, Page } from '@playwright/test';
import { expect, test } from './fixtures.js';

const root = path.resolve(import.meta.dirname, '../..');
/**
 * The demo's users are e-mail addresses at example.com; none may show in a pseudonymised
 * review (a pseudonym may keep an address's shape, on a domain of its own).
 */
const EMAIL = /[\w.+-]+@example\.com\b/i;

async function exportAs(
  page: Page,
  label: 'Markdown' | 'HTML' | 'PDF' | 'JSON',
): Promise<{ name: string; text: string }> {
  await page.getByRole('button', { name: 'Export review' }).click();
  const menu = page.getByRole('menu', { name: 'Export the review as' });
  await expect(menu).toBeVisible();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    menu.getByRole('menuitem', { name: label }).click(),
  ]);
  return { name: download.suggestedFilename(), text: await downloadedText(download) };
}

async function downloadedText(download: Download): Promise<string> {
  const file = await download.path();
  return fs.readFileSync(file, 'utf8');
}

test.describe('the demo case', () => {
  test('exports the review as Markdown and HTML from the Export menu', async ({ webApp }) => {
    const { page } = webApp;
    await expect(page.locator('#comparison-title')).toHaveText('checkout-api: 4.12.3 → 4.13.0');
    await expect(page.getByRole('switch', { name: 'Pseudonymise personal data' })).toBeChecked();

    const md = await exportAs(page, 'Markdown');
    expect(md.name).toBe('review-checkout-api_4.13.0.md');
    expect(md.text).toMatch(/^---\n[\s\S]*?\n---\n/);
    expect(md.text).toMatch(/^#{1,2} .*Summary/m);
    expect(md.text).toContain('19/11/2026 09:15:00 GMT');
    expect(md.text).not.toMatch(EMAIL);
    await expect(page.getByTestId('export-status')).toHaveText('Exported review-checkout-api_4.13.0.md');

    const html = await exportAs(page, 'HTML');
    expect(html.name).toBe('review-checkout-api_4.13.0.html');
    expect(html.text.slice(0, 15).toLowerCase()).toBe('<!doctype html>');
    expect(html.text).toContain('19/11/2026 09:15:00 GMT');
    expect(html.text).not.toMatch(EMAIL);
    expect(html.text).not.toMatch(/<script/i);

    const pdf = await exportAs(page, 'PDF');
    expect(pdf.name).toBe('review-checkout-api_4.13.0.pdf');
    expect(pdf.text.startsWith('%PDF-')).toBe(true);

    // With the switch off the review names people in clear.
    await page.getByRole('switch', { name: 'Pseudonymise personal data' }).uncheck();
    const json = await exportAs(page, 'JSON');
    const doc = JSON.parse(json.text) as { schemaVersion: number; pseudonymised: boolean };
    expect(doc).toMatchObject({ schemaVersion: 1, pseudonymised: false });
    expect(json.text).toMatch(/@example\.com/);
  });

  test('saves the review notes and finds them in the next export', async ({ webApp }) => {
    const { page } = webApp;
    const notes = page.getByRole('region', { name: 'Review notes' });
    await expect(notes.getByRole('button', { name: 'Save notes' })).toBeEnabled();

    // The root cause starts as the draft written from the findings.
    const whatOccurred = notes.getByTestId('root-cause-whatOccurred');
    await expect(notes.getByTestId('root-cause-whatOccurred-draft')).toBeVisible();
    await expect(whatOccurred).not.toHaveValue('');

    await notes.getByLabel('Author').fill('Ada Analyst');
    await notes.getByLabel('Signed off by').fill('Ben Lead');
    await notes.getByLabel('Sign-off date (DD/MM/YYYY)').fill('20/11/2026');
    await notes.getByRole('button', { name: 'Add an action' }).click();
    await notes.getByLabel('Action 1 time').fill('19/11/2026 10:06:00');
    await notes.getByLabel('Action 1 text').fill('Rolled the canary back to 4.12.3');
    await notes.getByLabel('Action 1 by').fill('Ada Analyst');
    await whatOccurred.fill('The canary rejected valid tokens after the signing key rotated.');
    await expect(notes.getByTestId('root-cause-whatOccurred-draft')).toHaveCount(0);
    await notes.getByLabel('New recommendation').fill('Alert on the canary’s 401 rate');
    await notes.getByRole('button', { name: 'Add', exact: true }).click();
    // Reword the first generated recommendation, dismiss the second.
    const recommendations = notes.getByTestId('recommendation');
    const reworded = recommendations.first();
    const rewordedId = (await reworded.getAttribute('data-id')) ?? '';
    await reworded.getByRole('button', { name: `Reword: ${rewordedId}` }).click();
    await notes.getByTestId('recommendation-reword-text').fill('Rotate signing keys with an overlap window');
    await reworded.getByRole('button', { name: `Done rewording: ${rewordedId}` }).click();
    const dismissedId = (await recommendations.nth(1).getAttribute('data-id')) ?? '';
    await recommendations
      .nth(1)
      .getByRole('button', { name: `Dismiss: ${dismissedId}` })
      .click();
    await expect(notes.getByTestId('dismissed-recommendations')).toContainText(dismissedId);
    await notes.getByRole('button', { name: 'Save notes' }).click();
    await expect(notes.getByTestId('notes-saved')).toBeVisible();
    await expect(notes.getByTestId('notes-error')).toHaveCount(0);

    // Kept in the case: a fresh page shows them.
    await page.reload();
    const reloaded = page.getByRole('region', { name: 'Review notes' });
    await expect(reloaded.getByLabel('Author')).toHaveValue('Ada Analyst');
    await expect(reloaded.getByLabel('Action 1 text')).toHaveValue('Rolled the canary back to 4.12.3');
    await expect(reloaded.getByTestId('root-cause-whatOccurred')).toHaveValue(
      'The canary rejected valid tokens after the signing key rotated.',
    );
    await expect(reloaded.getByTestId('root-cause-whatOccurred-draft')).toHaveCount(0);
    await expect(reloaded.getByTestId('root-cause-why-draft')).toBeVisible();

    const md = await exportAs(page, 'Markdown');
    expect(md.text).toContain('Ada Analyst');
    expect(md.text).toContain('Ben Lead');
    expect(md.text).toContain('20/11/2026');
    expect(md.text).toContain('19/11/2026 10:06:00');
    expect(md.text).toMatch(/Rolled the canary back to 4\\?\.12\\?\.3/);
    expect(md.text).toContain('The canary rejected valid tokens after the signing key rotated');
    expect(md.text).toMatch(/Alert on the canary’s 401 rate/);
    const doc = JSON.parse((await exportAs(page, 'JSON')).text) as {
      recommendations: { id: string; text: string; origin: string }[];
    };
    expect(doc.recommendations.find((r) => r.id === rewordedId)?.text).toBe(
      'Rotate signing keys with an overlap window',
    );
    expect(doc.recommendations.map((r) => r.id)).not.toContain(dismissedId);
    expect(doc.recommendations.filter((r) => r.origin === 'analyst').map((r) => r.text)).toEqual([
      'Alert on the canary’s 401 rate',
    ]);
  });

  test('shows the API’s reason when notes cannot be saved', async ({ webApp }) => {
    const { page } = webApp;
    const notes = page.getByRole('region', { name: 'Review notes' });
    await notes.getByRole('button', { name: 'Add an action' }).click();
    await notes.getByLabel('Action 1 time').fill('11/20/2026 3:00 PM');
    await notes.getByLabel('Action 1 text').fill('Paged the owner');
    await notes.getByRole('button', { name: 'Save notes' }).click();
    await expect(notes.getByTestId('notes-error')).toContainText('DD/MM/YYYY HH:mm:ss');
  });
});

// A case whose log text is markup, opened read-only as an auditor would.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coalmine-review-hostile-'));
const casePath = path.join(dir, 'hostile.coalmine');
const service = '<img src=x onerror="document.title=\'pwned\'">';
const version = '<script>document.title="pwned"</script>';
const link = '[click](javascript:alert(1))';

test.describe('a case with hostile log text, read-only', () => {
  test.beforeAll(() => {
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
          'user.name': 'mallory@example.org',
          'error.type': '<img src=x onerror="document.title=\'pwned\'">',
          'error.message': `<script>document.title="pwned"</script> ${link} failed`,
        },
      ]
        .map((d) => JSON.stringify({ ...d, 'service.name': service, 'service.version': version }))
        .join('\n') + '\n',
    );
    const imported = spawnSync(process.execPath, [
      path.join(root, 'bin/coalmine.js'),
      'import',
      casePath,
      path.join(dir, 'hostile.ndjson'),
    ]);
    if (imported.status !== 0) throw new Error(`import failed: ${imported.stderr.toString()}`);
  });
  test.afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  test.use({ caseArgs: [casePath, '--read-only'] });

  test('shows the log text as text, exports it inert, and cannot save notes', async ({ webApp }) => {
    const { page } = webApp;
    await expect(page.locator('#comparison-title')).toContainText('<img src=x onerror=');
    const notes = page.getByRole('region', { name: 'Review notes' });
    await expect(notes.getByRole('button', { name: 'Save notes' })).toBeDisabled();
    await expect(notes.getByTestId('notes-read-only')).toBeVisible();
    await expect(page.locator('img')).toHaveCount(0);
    await expect(page.locator('b')).toHaveCount(0);
    await expect(page.locator('#root script')).toHaveCount(0);
    expect(await page.title()).toBe('Coalmine');

    const html = await exportAs(page, 'HTML');
    expect(html.text).not.toContain('<script>document.title');
    expect(html.text).not.toContain('<img src=x');
    expect(html.text).not.toMatch(/href=["']?javascript:/i);
    expect(html.text).not.toContain('mallory@example.org');
    // Opened in a browser, the exported page runs nothing and loads nothing.
    const opened = await page.context().newPage();
    await opened.setContent(html.text);
    await expect(opened.locator('img')).toHaveCount(0);
    await expect(opened.locator('script')).toHaveCount(0);
    expect(await opened.title()).not.toBe('pwned');
    await opened.close();

    // In Markdown, log text may stand as it is where it cannot act (quoted in the front matter,
    // inside code blocks and spans); everywhere a renderer reads it as Markdown it is escaped.
    const md = await exportAs(page, 'Markdown');
    const prose = md.text
      .replace(/^---\n[\s\S]*?\n---\n/, '')
      .replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1[ \t]*$/gm, '')
      .replace(/(`+)[\s\S]*?\1/g, '');
    expect(prose).toContain('&lt;script&gt;');
    expect(prose).not.toContain('<script>');
    expect(prose).not.toContain('<img');
    // Both brackets are escaped, so `(javascript:…)` cannot become a link's destination.
    expect(prose).toContain('\\[click\\](javascript:');
    expect(prose).not.toMatch(/(?<!\\)\](?=\()/);
    expect(md.text).not.toContain('mallory@example.org');
  });
});
