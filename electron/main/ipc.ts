// Registers every method of the API contract on its channel through one helper that checks
// the sender (our renderer's top frame), parses the input with the method's schema
// (in `dispatch`, on the service thread) and returns `{ ok, value } | { ok: false, error }`.
import { type IpcMainInvokeEvent, ipcMain } from 'electron';
import { API_METHODS, apiMethods } from '../../shared/api.js';
import type { ApiEnvelope } from '../../shared/errors.js';
import type { ApiCaller } from '../core/service.js';

export function isTrustedSender(event: IpcMainInvokeEvent, rendererUrl: string): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  try {
    const url = new URL(frame.url);
    const expected = new URL(rendererUrl);
    return url.protocol === expected.protocol && url.host === expected.host && url.pathname === expected.pathname;
  } catch {
    return false;
  }
}

export function registerApi(call: ApiCaller, rendererUrl: string): void {
  for (const method of API_METHODS) {
    ipcMain.handle(apiMethods[method].channel, async (event, input: unknown): Promise<ApiEnvelope<unknown>> => {
      if (!isTrustedSender(event, rendererUrl)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'call from an untrusted frame refused' } };
      }
      return call(method, input);
    });
  }
}
