import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * CORS for browser apps served from other origins (`MUTUAL_CORS_ORIGINS`). Tokens travel in
 * the `Authorization` header, never in cookies, so credentials mode stays off. Preflights are
 * answered before authentication: a browser sends them without the token.
 */
export function crossOrigin(origins: string[]): RequestHandler {
  return cors({
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'COPY'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Accept', 'Destination', 'If-Match'],
    exposedHeaders: ['ETag', 'Location'],
    maxAge: 600,
  });
}
