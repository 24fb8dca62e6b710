// The preload exposes the typed API as `window.coalmine` and nothing else: no ipcRenderer,
// no Node. Each function invokes its channel and unwraps the envelope.
import { contextBridge, ipcRenderer } from 'electron';
import { apiMethods } from '../../shared/api.js';
import { apiClient } from '../../shared/apiClient.js';
import type { ApiEnvelope } from '../../shared/errors.js';

const api = apiClient(
  async (method, input) => (await ipcRenderer.invoke(apiMethods[method].channel, input)) as ApiEnvelope<unknown>,
);

contextBridge.exposeInMainWorld('coalmine', api);
