// The desktop app's review export with Electron replaced: the Export menu asks the window for
// each format; the save dialog keeps the page's file name a plain name; only the page's own
// blob downloads are saved; the PDF is printed in a hidden, scriptless, sandboxed window of its
// own session that loads only the review, and is closed and cleaned up whatever happens.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({
  windows: [] as {
    options: unknown;
    loaded: string | null;
    pageText: string | null;
    destroyed: boolean;
    printOptions: unknown;
    navigateHandlers: ((event: { preventDefault: () => void }) => void)[];
  }[],
  partitions: [] as string[],
  requestFilter: null as null | ((details: { url: string }, callback: (r: { cancel: boolean }) => void) => void),
  printResult: null as null | (() => Promise<Buffer>),
}));

vi.mock('electron', () => {
  class BrowserWindow {
    record: (typeof fake.windows)[number];
    webContents: unknown;
    constructor(options: unknown) {
      this.record = {
        options,
        loaded: null,
        pageText: null,
        destroyed: false,
        printOptions: null,
        navigateHandlers: [],
      };
      fake.windows.push(this.record);
      const record = this.record;
      this.webContents = {
        on: (name: string, handler: (event: { preventDefault: () => void }) => void) => {
          if (name === 'will-navigate') record.navigateHandlers.push(handler);
        },
        setWindowOpenHandler: () => undefined,
        printToPDF: (printOptions: unknown) => {
          record.printOptions = printOptions;
          return fake.printResult ? fake.printResult() : Promise.resolve(Buffer.from('%PDF-1.7 fake'));
        },
      };
    }
    loadURL(url: string): Promise<void> {
      this.record.loaded = url;
      // Read the page now: the printer removes it afterwards.
      this.record.pageText = fs.readFileSync(fileURLToPath(url), 'utf8');
      return Promise.resolve();
    }
    destroy(): void {
      this.record.destroyed = true;
    }
  }
  return {
    BrowserWindow,
    app: { on: () => undefined },
    session: {
      fromPartition: (partition: string) => {
        fake.partitions.push(partition);
        return {
          setPermissionRequestHandler: () => undefined,
          setPermissionCheckHandler: () => undefined,
          webRequest: {
            onBeforeRequest: (filter: typeof fake.requestFilter) => {
              fake.requestFilter = filter;
            },
          },
        };
      },
    },
  };
});

const { printHtmlToPdf, printRequestAllowed, printWindowOptions } = await import('../../electron/main/printPdf.js');
const { allowReviewDownloads, applicationMenuTemplate, exportMenu, isReviewDownload, reviewSaveDialogOptions } =
  await import('../../electron/main/reviewExport.js');

beforeEach(() => {
  fake.windows.length = 0;
  fake.partitions.length = 0;
  fake.requestFilter = null;
  fake.printResult = null;
});

describe('the Export menu', () => {
  it('asks the window for each format, in the order of the page’s menu', () => {
    const asked: string[] = [];
    const menu = exportMenu((format) => asked.push(format));
    const items = menu.submenu as { label: string; click: () => void }[];
    expect(items.map((i) => i.label.replace('&', ''))).toEqual([
      'Review as Markdown…',
      'Review as HTML…',
      'Review as PDF…',
      'Review as JSON…',
    ]);
    for (const item of items) item.click();
    expect(asked).toEqual(['md', 'html', 'pdf', 'json']);
  });

  it('sits among the platform’s usual menus', () => {
    const linux = applicationMenuTemplate(() => undefined, 'linux');
    expect(linux.map((m) => m.role ?? m.label)).toEqual(['fileMenu', 'editMenu', '&Export', 'windowMenu']);
    expect(applicationMenuTemplate(() => undefined, 'darwin')[0]).toEqual({ role: 'appMenu' });
  });
});

describe('saving an exported review', () => {
  it('offers the page’s file name, as a plain name in the documents folder, with its format’s filter', () => {
    expect(reviewSaveDialogOptions('review-checkout-api_4.13.0.pdf', '/home/ana/Documents')).toMatchObject({
      defaultPath: path.join('/home/ana/Documents', 'review-checkout-api_4.13.0.pdf'),
      filters: [{ name: 'PDF document', extensions: ['pdf'] }],
    });
    for (const hostile of ['../../.bashrc', '..\\..\\evil.md', '/etc/cron.d/x.md']) {
      const { defaultPath } = reviewSaveDialogOptions(hostile, '/home/ana/Documents');
      expect(path.dirname(defaultPath ?? '')).toBe('/home/ana/Documents');
    }
    expect(reviewSaveDialogOptions('', '/d').defaultPath).toBe(path.join('/d', 'review'));
  });

  it('saves only the blob downloads of our own window', () => {
    expect(isReviewDownload('blob:file:///4f0c6a1e-1d2b-4b7a-9a55-1b2b3c4d5e6f')).toBe(true);
    expect(isReviewDownload('https://evil.example/payload.exe')).toBe(false);
    expect(isReviewDownload('file:///etc/passwd')).toBe(false);

    let onDownload: ((event: { preventDefault: () => void }, item: unknown, from: unknown) => void) | null = null;
    const session = { on: (_name: string, handler: typeof onDownload) => (onDownload = handler) };
    const ours = { id: 1 };
    allowReviewDownloads(
      session as never,
      () => ours as never,
      () => '/home/ana/Documents',
    );
    const download = (url: string, from: unknown) => {
      const result = { prevented: false, dialog: null as unknown };
      onDownload?.(
        { preventDefault: () => (result.prevented = true) },
        {
          getURL: () => url,
          getFilename: () => 'review-x.md',
          setSaveDialogOptions: (o: unknown) => (result.dialog = o),
        },
        from,
      );
      return result;
    };
    expect(download('blob:file:///abc', ours)).toMatchObject({
      prevented: false,
      dialog: { title: 'Export the review', defaultPath: path.join('/home/ana/Documents', 'review-x.md') },
    });
    expect(download('https://evil.example/x.md', ours)).toMatchObject({ prevented: true, dialog: null });
    expect(download('blob:file:///abc', { id: 2 })).toMatchObject({ prevented: true, dialog: null });
  });
});

describe('printing the PDF review', () => {
  it('uses a hidden window that runs no script, in a sandbox, in its own session', () => {
    const options = printWindowOptions('coalmine-print-1');
    expect(options).toMatchObject({
      show: false,
      webPreferences: {
        partition: 'coalmine-print-1',
        javascript: false,
        sandbox: true,
        contextIsolation: true,
        nodeIntegration: false,
        webviewTag: false,
      },
    });
    expect(options.webPreferences?.preload).toBeUndefined();
    expect(options.webPreferences?.partition?.startsWith('persist:')).toBe(false);
  });

  it('prints the review page on A4 with its backgrounds, in one in-memory session, then closes and removes it', async () => {
    const html = '<!doctype html><title>Review</title><p>£ 09:52:00 GMT</p>';
    const pdf = await printHtmlToPdf(html);
    expect(pdf.toString()).toBe('%PDF-1.7 fake');
    const [window] = fake.windows;
    expect(window?.pageText).toBe(html);
    expect(window?.printOptions).toEqual({ pageSize: 'A4', printBackground: true });
    expect(window?.destroyed).toBe(true);
    expect(fs.existsSync(fileURLToPath(window?.loaded ?? 'file:///nowhere'))).toBe(false);

    await printHtmlToPdf(html);
    // Electron never frees a partition: every printing shares one, kept in memory only.
    expect(new Set(fake.partitions)).toEqual(new Set(['coalmine-print']));
  });

  it('prints one review at a time, however often the page asks', async () => {
    const pending: (() => void)[] = [];
    fake.printResult = () => new Promise((resolve) => pending.push(() => resolve(Buffer.from('%PDF-1.7 fake'))));
    const first = printHtmlToPdf('<!doctype html><p>1</p>');
    const second = printHtmlToPdf('<!doctype html><p>2</p>');
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    expect(fake.windows).toHaveLength(1);
    pending[0]?.();
    await first;
    await vi.waitFor(() => expect(pending).toHaveLength(2));
    expect(fake.windows[0]?.destroyed).toBe(true);
    expect(fake.windows).toHaveLength(2);
    pending[1]?.();
    await second;
    expect(fake.windows.every((w) => w.destroyed)).toBe(true);
  });

  it('lets the page load nothing but itself, and navigate nowhere', async () => {
    await printHtmlToPdf('<!doctype html><p>x</p>');
    const pageUrl = fake.windows[0]?.loaded ?? '';
    const verdict = (url: string) => {
      let cancel: boolean | null = null;
      fake.requestFilter?.({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(verdict(pageUrl)).toBe(false);
    expect(verdict('https://tracker.example/pixel.png')).toBe(true);
    expect(verdict('file:///etc/passwd')).toBe(true);
    expect(printRequestAllowed('data:image/png;base64,AAAA', pageUrl)).toBe(true);
    let prevented = false;
    for (const handler of fake.windows[0]?.navigateHandlers ?? [])
      handler({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('closes the window and removes the page when printing fails', async () => {
    fake.printResult = () => Promise.reject(new Error('printing failed'));
    await expect(printHtmlToPdf('<!doctype html>')).rejects.toThrow('printing failed');
    const [window] = fake.windows;
    expect(window?.destroyed).toBe(true);
    expect(fs.existsSync(fileURLToPath(window?.loaded ?? 'file:///nowhere'))).toBe(false);
  });
});
