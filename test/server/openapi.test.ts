import { describe, expect, it, afterAll, beforeAll } from 'vitest';
import { createLogger, loadConfig, startServer, type RunningServer } from '@mutual/server';
import { tempDir } from '../support/mutual-process.js';

interface Layer {
  route?: { path: string | RegExp; methods: Record<string, boolean> };
  name: string;
  regexp: RegExp;
  handle: { stack?: Layer[] };
}

/** Every `METHOD path` express serves under a router, found by walking its layers. */
function routesOf(stack: Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route) {
      const path = String(layer.route.path).replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      return Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${path}`);
    }
    return layer.handle.stack ? routesOf(layer.handle.stack) : [];
  });
}

let server: RunningServer;
beforeAll(async () => {
  // White-box: the express app itself, to list what it routes.
  const config = loadConfig({ PORT: '0', MUTUAL_DATA_DIR: await tempDir(), LOG_LEVEL: 'silent' });
  server = await startServer(config, createLogger('silent'));
});
afterAll(() => server.close());

describe('/api/v1/openapi.json', () => {
  it('is an OpenAPI 3.1 document that documents every route of /api/v1', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as any;
    expect(document.openapi).toBe('3.1.0');
    const apiLayer = ((server.app as any)._router.stack as Layer[])
      .find((layer) => layer.name === 'router' && layer.regexp.test('/api/v1/x') && !layer.regexp.test('/db/x'))!;
    // Not operations of the API: the document itself, and the redirect of Komunitin's /groups.
    const meta = ['GET /openapi.json', `_ALL ${String(/^\/groups(\/.*)?$/)}`];
    const served = routesOf(apiLayer.handle.stack!).filter((route) => !meta.includes(route));
    expect(served.length).toBeGreaterThan(15);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    expect(served.filter((route) => !documented.includes(route))).toEqual([]);
    expect(documented.filter((route) => !served.includes(route))).toEqual([]);
  });

  it('describes bodies, parameters and the error envelope from the zod schemas', async () => {
    const document = (await (await fetch(`${server.url}/api/v1/openapi.json`)).json()) as any;
    const create = document.paths['/communities'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(JSON.stringify(body)).toContain('invitedUserIds');
    expect(create.responses['409']).toBeDefined();
    const answer = document.paths['/communities/{id}/user-registrations/{registrationId}'].put;
    expect(answer.parameters.map((p: any) => p.name).sort()).toEqual(['id', 'registrationId']);
    expect(JSON.stringify(document.components.schemas.Error)).toContain('ValidationFailed');
  });
});
