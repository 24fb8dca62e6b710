// The preload exposes the typed API as `window.coalmine` and nothing else: no ipcRenderer,
// no Node. Each function invokes its channel and unwraps the envelope.
import { contextBridge, ipcRenderer } from 'electron';
import { API_METHODS, type ApiMethod, apiMethods } from '../../shared/api.js';
import type { ApiEnvelope } from '../../shared/errors.js';

async function call(method: ApiMethod, input: unknown): Promise<unknown> {
  const envelope = (await ipcRenderer.invoke(apiMethods[method].channel, input)) as ApiEnvelope<unknown>;
  if (envelope.ok) return envelope.value;
  const error = new Error(envelope.error.message);
  error.name = envelope.error.code;
  throw error;
}

const api = Object.fromEntries(API_METHODS.map((method) => [method, (input: unknown) => call(method, input)]));

contextBridge.exposeInMainWorld('coalmine', api);
