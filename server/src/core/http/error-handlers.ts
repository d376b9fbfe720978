import type { ErrorRequestHandler } from 'express';
import type { MutualError } from '@mutual/schema';
import type { Logger } from '../logger.js';
import { toMutualError } from './to-mutual-error.js';

function errorHandler(log: Logger, body: (error: MutualError) => object): ErrorRequestHandler {
  return (thrown, req, res, next) => {
    const { error, unexpected } = toMutualError(thrown);
    if (unexpected) log.error({ err: thrown, method: req.method, path: req.path }, 'request failed');
    if (res.headersSent) return next(thrown);
    if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="mutual"');
    res.status(error.status).json(body(error));
  };
}

/** REST and everything outside `/db`: `{ error: { code, message, details } }`. */
export const restErrors = (log: Logger) => errorHandler(log, (error) => error.toEnvelope());

/** The CouchDB face: `{ error, reason }`, as CouchDB clients expect. */
export const couchErrors = (log: Logger) => errorHandler(log, (error) => error.toCouchBody());
