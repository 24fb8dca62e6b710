// The preload exposes the typed API as `window.coalmine` and nothing else: no ipcRenderer,
// no Node. Each function invokes its channel and unwraps the envelope; the one event stream
// (the application menu's Export) is a subscription that returns its unsubscribe.
import { type IpcRendererEvent, contextBridge, ipcRenderer } from 'electron';
import { type DesktopEvents, MENU_EXPORT_CHANNEL, apiMethods } from '../../shared/api.js';
import { apiClient } from '../../shared/apiClient.js';
import type { ApiEnvelope } from '../../shared/errors.js';
import { REVIEW_FORMATS, type ReviewFormat } from '../../shared/review.js';

const api = apiClient(
  async (method, input) => (await ipcRenderer.invoke(apiMethods[method].channel, input)) as ApiEnvelope<unknown>,
);

const isReviewFormat = (value: unknown): value is ReviewFormat =>
  typeof value === 'string' && (REVIEW_FORMATS as readonly string[]).includes(value);

const events: DesktopEvents = {
  onMenuExport: (listener) => {
    // The listener gets the format only, never the IPC event (which would expose the sender).
    const handler = (_event: IpcRendererEvent, format: unknown): void => {
      if (isReviewFormat(format)) listener(format);
    };
    ipcRenderer.on(MENU_EXPORT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(MENU_EXPORT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('coalmine', { ...api, ...events });
