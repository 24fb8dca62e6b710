// The one way the UI reaches the core: the preload's IPC in Electron (`window.coalmine`),
// HTTP to the loopback web mode in a browser. Both speak the contract in shared/api.ts.
import { API_METHODS, type ApiMethod, type CoalmineApi } from '../../../shared/api';
import type { ApiEnvelope } from '../../../shared/errors';

declare global {
  interface Window {
    coalmine?: CoalmineApi;
  }
}

export class ApiCallError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
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
  const call = async (method: ApiMethod, input: unknown): Promise<unknown> => {
    const response = await fetch(`/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(input),
    });
    const envelope = (await response.json()) as ApiEnvelope<unknown>;
    if (envelope.ok) return envelope.value;
    throw new ApiCallError(envelope.error.code, envelope.error.message);
  };
  return Object.fromEntries(
    API_METHODS.map((method) => [method, (input: unknown) => call(method, input)]),
  ) as CoalmineApi;
}

export function createApiClient(): CoalmineApi {
  return window.coalmine ?? httpClient(takeToken());
}
