import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** An express handler from an async function: a rejection goes to the error handlers. */
export function asyncRoute(handler: (req: Request, res: Response, next: NextFunction) => Promise<unknown>): RequestHandler {
  return (req, res, next) => {
    handler(req, res, next).catch(next);
  };
}
