import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { errors, fieldIssues, type UserContext } from '@mutual/schema';
import { asyncRoute } from './async-route.js';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One documented response of a route: its schema is what the OpenAPI document shows. */
export interface RouteResponse {
  description: string;
  schema?: z.ZodType;
}

/** What a handler answers: a status and a JSON body (none for 204), or a text body it typed. */
export interface RouteResult {
  status: number;
  body?: unknown;
  raw?: string;
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  user: UserContext & { name: string };
  req: Request;
  res: Response;
}

/**
 * A REST route of `/api/v1`, declared once: express serves it from this declaration and the
 * OpenAPI document is generated from the same one, so neither can drift from the other.
 */
export interface ApiRoute<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: HttpMethod;
  /** Express syntax: `/communities/:id`. */
  path: string;
  summary: string;
  tags: string[];
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, RouteResponse>;
  handler(input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<RouteResult>;
}

/** Declares a route with its types inferred from its schemas. */
export function route<P extends z.ZodType = z.ZodObject, Q extends z.ZodType = z.ZodObject, B extends z.ZodType = z.ZodUnknown>(
  declaration: ApiRoute<P, Q, B>,
): ApiRoute {
  return declaration as unknown as ApiRoute;
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.infer<S> {
  if (!schema) return value as z.infer<S>;
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) {
    const details = fieldIssues(parsed.error).map((issue) => ({ ...issue, path: `${where}.${issue.path}`.replace(/\.\(root\)$/, '') }));
    throw errors.validationFailed(details, `invalid ${where}`);
  }
  return parsed.data;
}

/** An express router serving the declared routes: input parsed with zod, JSON answered. */
export function routerFor(routes: ApiRoute[]): Router {
  const router = express.Router();
  for (const declared of routes) {
    router[declared.method](declared.path, asyncRoute(async (req, res) => {
      if (req.userCtx.name === null) throw errors.unauthorized();
      const result = await declared.handler({
        params: parse(declared.params, req.params, 'path'),
        query: parse(declared.query, req.query, 'query'),
        body: parse(declared.body, req.body, 'body'),
        user: req.userCtx as UserContext & { name: string },
        req,
        res,
      });
      if (result.raw !== undefined) res.status(result.status).send(result.raw);
      else if (result.body === undefined) res.status(result.status).end();
      else res.status(result.status).json(result.body);
    }));
  }
  return router;
}
