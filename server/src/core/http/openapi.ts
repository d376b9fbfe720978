import { createDocument, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject, type ZodOpenApiResponsesObject } from 'zod-openapi';
import { errorEnvelopeSchema } from '@mutual/schema';
import type { ApiRoute } from './api-route.js';

/** `/communities/:id` → `/communities/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** The OpenAPI 3.1 document of `/api/v1`, generated from the routes' own zod schemas. */
export function openApiDocument(routes: ApiRoute[], version: string): object {
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) {
    const responses: Record<string, ZodOpenApiResponseObject> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      const schema = response.schema ?? (Number(status) >= 400 ? errorEnvelopeSchema : undefined);
      responses[status] = schema
        ? { description: response.description, content: { 'application/json': { schema } } }
        : { description: response.description };
    }
    responses.default = { description: 'An error', content: { 'application/json': { schema: errorEnvelopeSchema } } };
    const path = (paths[openApiPath(route.path)] ??= {});
    path[route.method] = {
      summary: route.summary,
      tags: route.tags,
      security: [{ bearer: [] }],
      ...((route.params || route.query) && {
        requestParams: {
          ...(route.params && { path: route.params as never }),
          ...(route.query && { query: route.query as never }),
        },
      }),
      ...(route.body && { requestBody: { required: true, content: { 'application/json': { schema: route.body } } } }),
      responses: responses as ZodOpenApiResponsesObject,
    };
  }
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Mutual API',
      version,
      description: 'Communities, members and registrations of an exchange-community server. Every failure answers `{ error: { code, message, details } }`.',
    },
    servers: [{ url: '/api/v1' }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths,
  });
}
