// The one way the UI reaches the core: the preload's IPC in Electron (`window.coalmine`),
// HTTP to the loopback web mode in a browser. Both speak the contract in shared/api.ts.
import type { CoalmineApi, DesktopEvents } from '../../../shared/api';
import { apiClient } from '../../../shared/apiClient';
import type { ApiEnvelope } from '../../../shared/errors';

declare global {
  interface Window {
    coalmine?: CoalmineApi & Partial<DesktopEvents>;
  }
}

const TOKEN_KEY = 'coalmine.token';

/** Web mode's per-launch token arrives in the URL fragment; keep it for this tab only. */
function takeToken(): string {
  const match = /(?:^#|&)token=([\w-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

function httpClient(token: string): CoalmineApi {
  return apiClient(async (method, input) => {
    const response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    return (await response.json()) as ApiEnvelope<unknown>;
  });
}

export function createApiClient(): CoalmineApi {
  return window.coalmine ?? httpClient(takeToken());
}

/** The desktop app's menu events; null in a browser (web mode has no application menu). */
export function desktopEvents(): DesktopEvents | null {
  const bridge = window.coalmine;
  return bridge?.onMenuExport ? { onMenuExport: bridge.onMenuExport } : null;
}
