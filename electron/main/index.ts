// Electron's main process: a thin shell. It opens the case (the one named on the command
// line, or the demo case), registers the API over IPC and shows one hardened window.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BrowserWindow, Menu, type OpenDialogOptions, app, dialog, session } from 'electron';
import { MENU_EXPORT_CHANNEL } from '../../shared/api.js';
import { closeCase, openCase, useSqliteNativeBinding } from '../core/case/caseStore.js';
import { ensureDemoCase } from '../core/demo/demoCase.js';
import type { FilePicker } from '../core/importJobs.js';
import { useParseWorkerPath } from '../core/ingest/parsePipeline.js';
import { type CaseChooser, createService, type OpenCase } from '../core/service.js';
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

async function openInitialCase(): Promise<OpenCase> {
  const named = caseArgument();
  if (named) return { path: path.resolve(named), db: openCase(named), readOnly: false };
  const demoPath = path.join(app.getPath('userData'), 'demo.coalmine');
  const demoDir = app.isPackaged
    ? path.join(process.resourcesPath, 'demo')
    : path.join(app.getAppPath(), 'resources', 'demo');
  return { path: demoPath, db: await ensureDemoCase(demoPath, demoDir), readOnly: false };
}

async function main(): Promise<void> {
  lockDownWebContents();
  await app.whenReady();
  denyPermissions(session.defaultSession);
  useSqliteNativeBinding(electronSqliteBinding());
  // The bundle's own copy of the parse worker's entry (electron.vite.config.ts).
  useParseWorkerPath(path.join(here, 'parseWorker.js'));
  let active = await openInitialCase();
  let window: BrowserWindow | null = null;
  // The only way a path reaches the core from the UI: the user picks it in our own dialog.
  const chooseCase: CaseChooser = async ({ readOnly }) => {
    const options: OpenDialogOptions = {
      title: readOnly ? 'Open a Coalmine case read-only' : 'Open a Coalmine case',
      filters: [{ name: 'Coalmine case', extensions: ['coalmine'] }],
      properties: ['openFile'],
    };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    const chosen = result.canceled ? undefined : result.filePaths[0];
    if (!chosen) return null;
    active = { path: chosen, db: openCase(chosen, { readOnly }), readOnly };
    return active;
  };
  const pickFiles: FilePicker = async () => {
    const options: OpenDialogOptions = { title: 'Import log files', properties: ['openFile', 'multiSelections'] };
    const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return result.canceled || result.filePaths.length === 0 ? null : { paths: result.filePaths, folder: null };
  };
  // PDF reviews are the HTML review printed by Chromium, in a locked-down hidden window.
  const service = createService(active, { chooseCase, pickFiles, printPdf: printHtmlToPdf });
  registerApi(() => service, rendererUrl);
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

  app.on('window-all-closed', () => {
    closeCase(active.db);
    app.quit();
  });
}

main().catch((error: unknown) => {
  dialog.showErrorBox('Coalmine cannot start', error instanceof Error ? error.message : String(error));
  app.exit(1);
});
