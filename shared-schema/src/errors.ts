import { z } from 'zod';

/**
 * The one catalogue of Mutual's error codes. Every failure that leaves the server carries one
 * of these codes, on REST inside `{ error: { code, message, details } }`, on the CouchDB face
 * as the CouchDB `{ error, reason }` body whose `error` is the CouchDB name given here.
 */
export const errorCatalogue = {
  Unauthorized: { status: 401, couch: 'unauthorized', title: 'A valid bearer token is required.' },
  Forbidden: { status: 403, couch: 'forbidden', title: 'You may not do this.' },
  NotFound: { status: 404, couch: 'not_found', title: 'No such resource.' },
  MethodNotAllowed: { status: 405, couch: 'method_not_allowed', title: 'This method is not allowed here.' },
  Conflict: { status: 409, couch: 'conflict', title: 'The resource already exists or changed.' },
  LengthRequired: { status: 411, couch: 'bad_request', title: 'A Content-Length header is required.' },
  PayloadTooLarge: { status: 413, couch: 'too_large', title: 'The request or document is too large.' },
  BadRequest: { status: 400, couch: 'bad_request', title: 'The request is malformed.' },
  ValidationFailed: { status: 400, couch: 'bad_request', title: 'The body does not match the schema.' },
  ServiceUnavailable: { status: 503, couch: 'service_unavailable', title: 'The store is not usable.' },
  Internal: { status: 500, couch: 'internal_server_error', title: 'Something went wrong on the server.' },
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

/** Every REST failure's body (what `MutualError.toEnvelope` writes). */
export const errorEnvelopeSchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error' });

/** A field-level problem, as reported by zod, in a form fit for JSON. */
export interface FieldIssue {
  path: string;
  message: string;
}

export class MutualError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: FieldIssue[] | undefined;

  constructor(code: ErrorCode, message?: string, details?: FieldIssue[]) {
    super(message ?? errorCatalogue[code].title);
    this.name = 'MutualError';
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.details = details;
  }

  /** The REST envelope. */
  toEnvelope(): { error: { code: ErrorCode; message: string; details?: FieldIssue[] } } {
    const error: { code: ErrorCode; message: string; details?: FieldIssue[] } = {
      code: this.code,
      message: this.message,
    };
    if (this.details) error.details = this.details;
    return { error };
  }

  /** The CouchDB error body used on the replication face. */
  toCouchBody(): { error: string; reason: string } {
    return { error: errorCatalogue[this.code].couch, reason: this.message };
  }
}

export const errors = {
  unauthorized: (message?: string) => new MutualError('Unauthorized', message),
  forbidden: (message?: string) => new MutualError('Forbidden', message),
  notFound: (message?: string) => new MutualError('NotFound', message),
  methodNotAllowed: (message?: string) => new MutualError('MethodNotAllowed', message),
  conflict: (message?: string) => new MutualError('Conflict', message),
  lengthRequired: (message?: string) => new MutualError('LengthRequired', message),
  payloadTooLarge: (message?: string) => new MutualError('PayloadTooLarge', message),
  badRequest: (message?: string) => new MutualError('BadRequest', message),
  validationFailed: (details: FieldIssue[], message?: string) =>
    new MutualError('ValidationFailed', message, details),
  serviceUnavailable: (message?: string) => new MutualError('ServiceUnavailable', message),
  internal: (message?: string) => new MutualError('Internal', message),
} satisfies Record<string, (...args: never[]) => MutualError>;
