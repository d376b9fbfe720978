/**
 * Why a call of the client failed. `Offline` and `Unauthorized` are about the connection;
 * `Forbidden` is a refusal by the rules (locally, before anything is written, or by the
 * server); `Refused` is a payment the ledger would reject (predicted locally).
 */
export type ClientErrorCode =
  | 'Offline'
  | 'Unauthorized'
  | 'Forbidden'
  | 'Refused'
  | 'NotFound'
  | 'Conflict'
  | 'NotOpened'
  | 'Closed'
  | 'Server';

export class MutualClientError extends Error {
  readonly code: ClientErrorCode;
  /** The HTTP status, when the error came from the server. */
  readonly status: number | undefined;

  constructor(code: ClientErrorCode, message: string, status?: number) {
    super(message);
    this.name = 'MutualClientError';
    this.code = code;
    this.status = status;
  }
}

/** The server refused a database to this user (no longer a member, gone): syncing it stops. */
export function isRefusal(error: unknown): error is MutualClientError {
  return isClientError(error, 'Forbidden') || isClientError(error, 'NotFound');
}

export function isClientError(error: unknown, code?: ClientErrorCode): error is MutualClientError {
  return error instanceof MutualClientError && (code === undefined || error.code === code);
}
