// Electron's main process: a thin shell. It starts the service thread on the case (the one
// named on the command line, or the demo case), registers the API over IPC and shows one
// hardened window. The case is read and written on the service thread only, so an import or
// a judge never stalls the windows; this thread keeps the dialogs and the printing.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, type OpenDialogOptions, app, dialog, session } from 'electron';
import { MENU_EXPORT_CHANNEL } from '../../shared/api.js';
import type { FilePicker } from '../core/importJobs.js';
import { type ServedCase, type ServiceThreadHost, startServiceThread } from '../core/serviceThread.js';
import { registerApi } from './ipc.js';
import { printHtmlToPdf } from './printPdf.js';
import { allowReviewDownloads, applicationMenuTemplate } from './reviewExport.js';
import { electronSqliteBinding } from './nativeSqlite.js';
import { denyPermissions, lockDownWebContents, secureWebPreferences } from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererHtml = path.join(here, '../renderer/index.html');
const rendererUrl = pathToFileURL(rendererHtml).href;

function caseArgument(): string | undefined {
  // Packaged: argv = [app, ...args]; unpackaged: argv = [electron, main, ...args].
  const args = process.argv.slice(app.isPackaged ? 1 : 2).filter((a) => !a.startsWith('-'));
  return args.find((a) => a.endsWith('.coalmine'));
}

function initialCase(): ServedCase {
  const named = caseArgument();
  if (named) return { kind: 'file', path: path.resolve(named), readOnly: false, create: false };
  const logsDir = app.isPackaged
    ? path.join(process.resourcesPath, 'demo')
    : path.join(app.getAppPath(), 'resources', 'demo');
  return { kind: 'demo', path: path.join(app.getPath('userData'), 'demo.coalmine'), logsDir, readOnly: false };
}

async function main(): Promise<void> {
  lockDownWebContents();
  await app.whenReady();
  denyPermissions(session.defaultSession);
  let window: BrowserWindow | null = null;
  // The only way a path reaches the core from the UI: the user picks it in our own dialog.
  const chooseCase: ServiceThreadHost['chooseCase'] = async ({ readOnly }) => {
    const options: OpenDialogOptions = {
      title: readOnly ? 'Open a Coalmine case read-only' : 'Open a Coalmine case',
      filters: [{ name: 'Coalmine case', extensions: ['coalmine'] }],
      properties: ['openFile'],
    };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return (result.canceled ? undefined : result.filePaths[0]) ?? null;
  };
  const pickFiles: FilePicker = async () => {
    const options: OpenDialogOptions = { title: 'Import log files', properties: ['openFile', 'multiSelections'] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled || result.filePaths.length === 0 ? null : { paths: result.filePaths, folder: null };
  };
  const service = await startServiceThread({
    served: initialCase(),
    // PDF reviews are the HTML review printed by Chromium, in a locked-down hidden window.
    host: { chooseCase, pickFiles, printPdf: printHtmlToPdf },
    sqliteBinding: electronSqliteBinding(),
    // The bundle's worker entries sit beside this one (electron.vite.config.ts).
    workerEntryDir: here,
    // Every call would fail from here on: say why, and end rather than show a dead window.
    onStopped: (reason) => {
      dialog.showErrorBox('Coalmine stopped', reason);
      app.quit();
    },
  });
  registerApi(service.call, rendererUrl);
  // The Export menu asks the window for the review of the rollout it shows; the window saves
  // the file through Electron's save dialog.
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(applicationMenuTemplate((format) => window?.webContents.send(MENU_EXPORT_CHANNEL, format))),
  );
  allowReviewDownloads(
    session.defaultSession,
    () => window?.webContents ?? null,
    () => app.getPath('documents'),
  );

  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    title: 'Coalmine',
    show: false,
    webPreferences: secureWebPreferences(path.join(here, '../preload/index.cjs')),
  });
  window = win;
  win.once('ready-to-show', () => win.show());
  await win.loadURL(rendererUrl);

  // However the app quits (the last window closed, the menu, the system), the case is closed
  // whole first: checkpointed, its journal back to DELETE.
  let caseClosed = false;
  app.on('before-quit', (event) => {
    if (caseClosed) return;
    event.preventDefault();
    void service.close().finally(() => {
      caseClosed = true;
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());
}

main().catch((error: unknown) => {
  dialog.showErrorBox('Coalmine cannot start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
