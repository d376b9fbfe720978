import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';

let server: MutualProcess;
beforeAll(async () => {
  server = await startMutual();
});
afterAll(() => server.stop());

describe('POST /api/v1/groups', () => {
  it('creates the group database, its rules, settings and the creator as manager', async () => {
    const token = await server.token('alice');
    const created = await request(`${server.url}/api/v1/groups`, {
      method: 'POST', token, body: { code: 'bakers', name: 'Bakers', description: 'Bread for all' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code: 'bakers', name: 'Bakers', description: 'Bread for all' });

    const docs = await request(`${server.dbUrl}/group-bakers/_all_docs?include_docs=true`, { token });
    expect(docs.status).toBe(200);
    const byId = Object.fromEntries(docs.body.rows.map((row: any) => [row.id, row.doc]));
    expect(byId['_design/mutual'].validate_doc_update).toContain('function');
    expect(byId['settings:group']).toMatchObject({ type: 'settings', code: 'bakers', name: 'Bakers' });
    const manager = Object.values(byId).find((doc: any) => doc.type === 'member') as any;
    expect(manager).toMatchObject({ user: 'alice', role: 'manager' });

    const session = await request(`${server.dbUrl}/_session`, { token });
    expect(session.body.userCtx).toEqual({ name: 'alice', roles: ['member:bakers', 'manager:bakers'] });

    const listed = await request(`${server.url}/api/v1/groups`, { token: await server.token('zoe') });
    expect(listed.status).toBe(200);
    expect(listed.body.groups).toContainEqual(expect.objectContaining({ code: 'bakers', name: 'Bakers' }));
  });

  it('answers 409 for a code that exists, also when two requests race', async () => {
    const token = await server.token('bob');
    const body = { code: 'racers', name: 'Racers' };
    const [first, second] = await Promise.all([
      request(`${server.url}/api/v1/groups`, { method: 'POST', token, body }),
      request(`${server.url}/api/v1/groups`, { method: 'POST', token, body }),
    ]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.body.error.code).toBe('Conflict');
  });

  it.each([
    [{ code: 'ab', name: 'Too short' }, 'code'],
    [{ code: 'Upper', name: 'Upper case' }, 'code'],
    [{ code: 'a'.repeat(33), name: 'Too long' }, 'code'],
    [{ code: 'no_underscore', name: 'x' }, 'code'],
    [{ code: 'fine-code' }, 'name'],
    [{ code: 'fine-code', name: 'x', admin: true }, '(root)'],
    [{ code: 'fine-code', name: 'x'.repeat(10_000) }, 'name'],
    [{ code: 42, name: 'x' }, 'code'],
  ])('refuses the bad body %j with 400 and the field', async (body, field) => {
    const response = await request(`${server.url}/api/v1/groups`, { method: 'POST', token: await server.token('carol'), body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('ValidationFailed');
    expect(response.body.error.details.map((d: any) => d.path)).toContain(field);
  });

  it('refuses malformed JSON with 400 and anonymous callers with 401, in the envelope', async () => {
    const malformed = await request(`${server.url}/api/v1/groups`, {
      method: 'POST', token: await server.token('carol'), rawBody: '{"code":', headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('BadRequest');
    const anonymous = await request(`${server.url}/api/v1/groups`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
  });

  it('lets only a server admin set a membership by hand', async () => {
    const token = await server.token('dave');
    await request(`${server.url}/api/v1/groups`, { method: 'POST', token, body: { code: 'daves', name: 'Daves' } });
    const byManager = await request(`${server.url}/api/v1/groups/daves/members/erin`, { method: 'PUT', token, body: { role: 'member' } });
    expect(byManager.status).toBe(403);
    const byAdmin = await request(`${server.url}/api/v1/groups/daves/members/erin`, {
      method: 'PUT', authorization: server.adminAuthorization, body: { role: 'member' },
    });
    expect(byAdmin.status).toBe(200);
    const erin = await request(`${server.dbUrl}/group-daves`, { token: await server.token('erin') });
    expect(erin.status).toBe(200);
    const unknown = await request(`${server.url}/api/v1/groups/nosuch/members/erin`, {
      method: 'PUT', authorization: server.adminAuthorization, body: { role: 'member' },
    });
    expect(unknown.status).toBe(404);
  });
});

describe('the server', () => {
  it('answers /health and the CouchDB welcome with a couchdb key and the vendor', async () => {
    expect((await request(`${server.url}/health`)).status).toBe(200);
    const welcome = await request(`${server.dbUrl}/`);
    expect(welcome.body).toMatchObject({ couchdb: 'Welcome', vendor: { name: 'Mutual' } });
  });

  it('serves the dev issuer JWKS without private parts', async () => {
    const jwks = await request(`${server.url}/.well-known/jwks.json`);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0].d).toBeUndefined();
  });

  it('answers unknown paths with a 404 envelope', async () => {
    const missing = await request(`${server.url}/api/v1/nothing-here`, { token: await server.token('alice') });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('NotFound');
  });
});
