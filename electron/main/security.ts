// The window's security policy (STYLE.md, "Security baseline"; VS Code's windows.ts).
import { type BrowserWindowConstructorOptions, type Session, app } from 'electron';

/**
 * The web preferences every Coalmine window starts from: sandboxed, isolated, no Node. The app's
 * window adds its preload; the PDF printer runs none.
 */
export function secureWebPreferences(preload?: string): BrowserWindowConstructorOptions['webPreferences'] {
  return {
    ...(preload === undefined ? {} : { preload }),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** Denies every permission request and check: Coalmine needs no camera, location or notifications. */
export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

/** No new windows, no navigation away from the app, no webviews, for every web contents. */
export function lockDownWebContents(): void {
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}
