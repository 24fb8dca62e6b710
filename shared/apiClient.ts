// The renderer's side of the contract, whatever carries the call (IPC in Electron, HTTP in
// web mode): one function per method, each unwrapping the envelope or throwing its error.
import { API_METHODS, type ApiMethod, type CoalmineApi } from './api.js';
import type { ApiEnvelope } from './errors.js';

export type ApiTransport = (method: ApiMethod, input: unknown) => Promise<ApiEnvelope<unknown>>;

export class ApiCallError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    // The name survives Electron's contextBridge, which copies only an error's name and message.
    this.name = code;
    this.code = code;
  }
}

export function apiClient(transport: ApiTransport): CoalmineApi {
  const call = async (method: ApiMethod, input: unknown): Promise<unknown> => {
    const envelope = await transport(method, input);
    if (envelope.ok) return envelope.value;
    throw new ApiCallError(envelope.error.code, envelope.error.message);
  };
  return Object.fromEntries(
    API_METHODS.map((method) => [method, (input: unknown) => call(method, input)]),
  ) as CoalmineApi;
}
