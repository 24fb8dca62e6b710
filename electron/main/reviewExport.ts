// The desktop app's side of exporting a review: the application menu's Export items, which ask
// the window to run the page's own export flow (so one flow serves both), and the save dialog
// for the file that flow downloads. No path or file content crosses from the renderer to main:
// the user picks where it goes in Electron's dialog.
import path from 'node:path';
import type { MenuItemConstructorOptions, SaveDialogOptions, Session, WebContents } from 'electron';
import type { ReviewFormat } from '../../shared/review.js';

const FORMAT_ITEMS: { format: ReviewFormat; label: string; filter: string }[] = [
  { format: 'md', label: 'Review as &Markdown…', filter: 'Markdown' },
  { format: 'html', label: 'Review as &HTML…', filter: 'HTML page' },
  { format: 'pdf', label: 'Review as &PDF…', filter: 'PDF document' },
  { format: 'json', label: 'Review as &JSON…', filter: 'JSON' },
];

/** The Export menu: each item asks the window for the review of the rollout it shows. */
export function exportMenu(requestExport: (format: ReviewFormat) => void): MenuItemConstructorOptions {
  return {
    label: '&Export',
    submenu: FORMAT_ITEMS.map(({ format, label }) => ({ label, click: () => requestExport(format) })),
  };
}

/** The application menu: the platform's usual menus, and Export. */
export function applicationMenuTemplate(
  requestExport: (format: ReviewFormat) => void,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    exportMenu(requestExport),
    { role: 'windowMenu' },
  ];
}

/** Only what the page itself made (a blob: URL) is saved; the app downloads nothing else. */
export function isReviewDownload(url: string): boolean {
  return url.startsWith('blob:');
}

/** The save dialog for an exported review: the suggested name in the user's documents. */
export function reviewSaveDialogOptions(suggestedName: string, documentsDir: string): SaveDialogOptions {
  // The name comes from the page: keep it a plain file name in the chosen folder.
  const name = path.basename(suggestedName.replace(/\\/g, '/')).replace(/[^\w.-]/g, '_') || 'review';
  const extension = path.extname(name).slice(1);
  const item = FORMAT_ITEMS.find((f) => f.format === extension);
  return {
    title: 'Export the review',
    defaultPath: path.join(documentsDir, name),
    filters: item ? [{ name: item.filter, extensions: [extension] }] : [],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

/**
 * Lets `contents` (our window) save the files its Export menu makes, through Electron's save
 * dialog; every other download is refused.
 */
export function allowReviewDownloads(
  target: Session,
  contents: () => WebContents | null,
  documentsDir: () => string,
): void {
  target.on('will-download', (event, item, from) => {
    if (from !== contents() || !isReviewDownload(item.getURL())) {
      event.preventDefault();
      return;
    }
    item.setSaveDialogOptions(reviewSaveDialogOptions(item.getFilename(), documentsDir()));
  });
}
