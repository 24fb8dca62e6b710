// The desktop app's PDF review: the HTML review printed by Chromium, so the PDF looks like
// the HTML. The page is log-derived (escaped, but hostile in origin), so it is printed in a
// window that cannot run script, reach the network or the app's session, or navigate.
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BrowserWindow, type BrowserWindowConstructorOptions, session } from 'electron';
import { denyPermissions, secureWebPreferences } from './security.js';

/** A hidden, scriptless, sandboxed window in its own in-memory session (`partition`). */
export function printWindowOptions(partition: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    // A4 at 96 dpi, so the layout before printing is the page's.
    width: 794,
    height: 1123,
    webPreferences: { ...secureWebPreferences(), partition, javascript: false },
  };
}

/**
 * Whether the print window may load `url`: the page itself, and inline data (the HTML review
 * is self-contained, so anything else is a reference that escaped escaping).
 */
export function printRequestAllowed(url: string, pageUrl: string): boolean {
  return url === pageUrl || url.startsWith('data:');
}

export async function printHtmlToPdf(html: string): Promise<Buffer> {
  // A file, not a data: URL, because Chromium caps URLs at 2 MiB and a long review passes that.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coalmine-print-'));
  const file = path.join(dir, 'review.html');
  await fs.writeFile(file, html, 'utf8');
  const pageUrl = pathToFileURL(file).href;
  // A partition without `persist:` lives in memory only: nothing of the app's session is shared.
  const partition = `coalmine-print-${randomUUID()}`;
  const printSession = session.fromPartition(partition);
  denyPermissions(printSession);
  printSession.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !printRequestAllowed(details.url, pageUrl) }),
  );
  const window = new BrowserWindow(printWindowOptions(partition));
  try {
    window.webContents.on('will-navigate', (event) => event.preventDefault());
    window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
    await window.loadURL(pageUrl);
    return await window.webContents.printToPDF({ pageSize: 'A4', printBackground: true });
  } finally {
    window.destroy();
    await fs.rm(dir, { recursive: true, force: true });
  }
}
