// Errors that cross the API carry a stable code and a message a person can act on.

export type ErrorCode =
  | 'BAD_INPUT'
  | 'NOT_FOUND'
  | 'CASE_TOO_NEW'
  | 'NOT_A_CASE'
  | 'UNREADABLE'
  | 'READ_ONLY'
  | 'WRITE_FAILED'
  | 'FORBIDDEN'
  | 'BUSY'
  /** A remote system (an Elasticsearch cluster) could not be reached or failed the request. */
  | 'REMOTE_FAILED'
  /** A remote system refused the credentials given (401/403). */
  | 'AUTH_FAILED'
  | 'INTERNAL';

export class CoalmineError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CoalmineError';
    this.code = code;
  }
}

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
}

export type ApiEnvelope<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };
