// Error codes that cross process boundaries (engine ⇄ extension, CLI exit paths).
// Callers branch on `code`, never on message text.

export const ErrorCode = {
  BadInput: 'bad_input',
  UnknownFormat: 'unknown_format',
  Unreadable: 'unreadable',
  DatabaseUnusable: 'database_unusable',
  DatabaseLocked: 'database_locked',
  DatabaseTooNew: 'database_too_new',
  NativeModule: 'native_module',
  NotFound: 'not_found',
  Cancelled: 'cancelled',
  Internal: 'internal',
  Untrusted: 'untrusted',
  MethodNotFound: 'method_not_found',
  InvalidParams: 'invalid_params',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** An error whose message is written for the user and whose code is stable. */
export class LensError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'LensError';
    this.code = code;
    this.details = details;
  }
}

export function isLensError(e: unknown): e is LensError {
  return e instanceof LensError;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
