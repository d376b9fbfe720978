import express, { type RequestHandler } from 'express';
import { errors } from '@mutual/schema';

const BODY_METHODS = new Set(['POST', 'PUT', 'COPY', 'PATCH']);

function isJson(contentType: string | undefined): boolean {
  return contentType === undefined || /^application\/(.+\+)?json\b/i.test(contentType);
}

/**
 * Caps request bodies: JSON is parsed here with the limit (express-pouchdb then reuses the
 * parsed body); any other body (attachments) must declare a length within the limit.
 */
export function limitBodies(maxBytes: number): RequestHandler {
  const json = express.json({ limit: maxBytes, type: (req) => isJson(req.headers['content-type']) });
  return (req, res, next) => {
    if (!BODY_METHODS.has(req.method)) return next();
    const length = req.headers['content-length'];
    if (length !== undefined && Number(length) > maxBytes) return next(errors.payloadTooLarge());
    if (isJson(req.headers['content-type'])) return json(req, res, next);
    if (length === undefined && req.headers['transfer-encoding'] !== undefined)
      return next(errors.lengthRequired('a body other than JSON needs a Content-Length'));
    next();
  };
}

/** Caps each document in a write (CouchDB's max_document_size): the whole request is refused. */
export function limitDocuments(maxBytes: number): RequestHandler {
  return (req, _res, next) => {
    // A body no larger than the limit cannot hold a document over it.
    if (!BODY_METHODS.has(req.method) || Number(req.headers['content-length'] ?? Infinity) <= maxBytes) return next();
    const body = req.body as { docs?: unknown } | undefined;
    const docs: unknown[] = Array.isArray(body?.docs) ? body.docs : body && typeof body === 'object' ? [body] : [];
    const tooLarge = docs.some((doc) => Buffer.byteLength(JSON.stringify(doc)) > maxBytes);
    next(tooLarge ? errors.payloadTooLarge(`a document is larger than ${maxBytes} bytes`) : undefined);
  };
}
