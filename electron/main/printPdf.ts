// The desktop app's PDF review: the HTML review printed by Chromium, so the PDF looks like
// the HTML. The page is log-derived (escaped, but hostile in origin), so it is printed in a
// window that cannot run script, reach the network or the app's session, or navigate.
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

// One in-memory session for every printing (a partition without `persist:` lives in memory
// only, and Electron never frees a partition: one per export would grow without end). It shares
// nothing with the app's session. Each printing sets its handlers anew (Electron keeps one of
// each), so the session may load only the page being printed now.
const PRINT_PARTITION = 'coalmine-print';

function printSessionFor(pageUrl: string): void {
  const printSession = session.fromPartition(PRINT_PARTITION);
  denyPermissions(printSession);
  printSession.webRequest.onBeforeRequest((details, callback) =>
    callback({ cancel: !printRequestAllowed(details.url, pageUrl) }),
  );
}

async function printOne(html: string): Promise<Buffer> {
  // A file, not a data: URL, because Chromium caps URLs at 2 MiB and a long review passes that.
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'coalmine-print-'));
  const file = path.join(dir, 'review.html');
  await fs.writeFile(file, html, 'utf8');
  const pageUrl = pathToFileURL(file).href;
  printSessionFor(pageUrl);
  const window = new BrowserWindow(printWindowOptions(PRINT_PARTITION));
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

// Printings run one at a time: the page asks for exports, and however often it asks, at most
// one hidden window exists.
let printQueue: Promise<unknown> = Promise.resolve();

export function printHtmlToPdf(html: string): Promise<Buffer> {
  const printing = printQueue.then(
    () => printOne(html),
    () => printOne(html),
  );
  printQueue = printing.catch(() => undefined);
  return printing;
}
