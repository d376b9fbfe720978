import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import {
  CLIENT, MUTUAL_RESOURCE, OTHER_RESOURCE, startTestProvider, type TestProvider,
} from '../support/oidc-provider.js';

/**
 * Mutual in OIDC mode against a real OpenID Provider (oidc-provider) issuing JWT access
 * tokens with the client_credentials grant and resource indicators.
 */

const stops: (() => Promise<unknown>)[] = [];
let provider: TestProvider;
let otherProvider: TestProvider;
let server: MutualProcess;
let token: string;
/** The group created in (a), managed by the client's sub: a refused token with that sub would otherwise read it. */
let code = 'nosuch';

async function startOidcMutual(issuer: string): Promise<MutualProcess> {
  const started = await startMutual({ env: { OIDC_ISSUER: issuer, OIDC_AUDIENCE: MUTUAL_RESOURCE } });
  stops.push(() => started.stop());
  return started;
}

async function startProvider(options?: { port?: number }): Promise<TestProvider> {
  const started = await startTestProvider(options);
  stops.push(() => started.close());
  return started;
}

/** A loopback port nothing listens on (bound once by us, then released). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const sent: string[] = [];
const bearer = (value: string) => {
  sent.push(value);
  return { token: value };
};

async function expectUnauthorizedOnBothFaces(value: string) {
  const rest = await request(`${server.url}/api/v1/communities`, bearer(value));
  expect(rest.status).toBe(401);
  expect(rest.body).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
  const couch = await request(`${server.dbUrl}/group-${code}`, bearer(value));
  expect(couch.status).toBe(401);
  expect(couch.body).toEqual({ error: 'unauthorized', reason: expect.any(String) });
}

beforeAll(async () => {
  [provider, otherProvider] = await Promise.all([startProvider(), startProvider()]);
  server = await startOidcMutual(provider.issuer);
  token = await provider.clientCredentialsToken();
});

afterAll(async () => {
  // Mutual processes first (they were started after the providers), then the providers.
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
});

describe('the test OpenID Provider', () => {
  it('issues ES256 JWT access tokens for the client, with the resource as audience', () => {
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    expect(decodeJwt(token)).toMatchObject({ iss: provider.issuer, aud: MUTUAL_RESOURCE, sub: CLIENT.id });
    expect(otherProvider.issuer).not.toBe(provider.issuer);
  });
});

describe('Mutual in OIDC mode', () => {
  it('says so in its log at start, and does not run the dev issuer', () => {
    const modeLine = server.logs.find((entry) => entry.msg === 'auth: tokens from the OpenID Provider');
    expect(modeLine).toMatchObject({ issuer: provider.issuer, audience: MUTUAL_RESOURCE });
    expect(server.logs.some((entry) => String(entry.msg).includes('DEVELOPMENT issuer'))).toBe(false);
  });

  it('(a) accepts the provider token: lists groups, creates one managed by the client sub, which can read its database', async () => {
    const listed = await request(`${server.url}/api/v1/communities`, bearer(token));
    expect(listed.status).toBe(200);
    expect(listed.body.communities).toEqual(expect.any(Array));

    code = `oidc-${Math.random().toString(36).slice(2, 8)}`;
    const created = await request(`${server.url}/api/v1/communities`, { method: 'POST', ...bearer(token), body: { code, name: 'OIDC group' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code, name: 'OIDC group' });

    const session = await request(`${server.dbUrl}/_session`, bearer(token));
    expect(session.body.userCtx).toEqual({ name: CLIENT.id, roles: [expect.stringMatching(/^user:[0-9a-f]{32}$/), `member:${code}`, `manager:${code}`] });

    const db = await request(`${server.dbUrl}/group-${code}`, bearer(token));
    expect(db.status).toBe(200);
    expect(db.body.db_name).toBe(`group-${code}`);
    const docs = await request(`${server.dbUrl}/group-${code}/_all_docs?include_docs=true`, bearer(token));
    expect(docs.status).toBe(200);
    const member = docs.body.rows.map((row: any) => row.doc).find((doc: any) => doc.type === 'member');
    expect(member).toMatchObject({ user: CLIENT.id, role: 'manager' });

    // The group is listed for everyone holding a token of the provider.
    const again = await request(`${server.url}/api/v1/communities`, bearer(await provider.clientCredentialsToken()));
    expect(again.body.communities).toContainEqual(expect.objectContaining({ code }));
  });

  it('(b) refuses a token of a second provider (another issuer and keys, same client) with 401', async () => {
    const foreign = await otherProvider.clientCredentialsToken();
    expect(decodeJwt(foreign)).toMatchObject({ iss: otherProvider.issuer, aud: MUTUAL_RESOURCE, sub: CLIENT.id });
    await expectUnauthorizedOnBothFaces(foreign);
  });

  it('(c) refuses a token of the right provider for another resource (audience) with 401', async () => {
    const otherAudience = await provider.clientCredentialsToken(OTHER_RESOURCE);
    expect(decodeJwt(otherAudience)).toMatchObject({ iss: provider.issuer, aud: OTHER_RESOURCE, sub: CLIENT.id });
    await expectUnauthorizedOnBothFaces(otherAudience);
  });

  it('(d) refuses a dev token of `mutual token` with 401', async () => {
    await expectUnauthorizedOnBothFaces(await server.token('x'));
    await expectUnauthorizedOnBothFaces(await server.token(CLIENT.id));
  });

  it('(e) serves only the server’s own signing key in its JWKS: no dev issuer', async () => {
    const jwks = await request(`${server.url}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0].d).toBeUndefined();
    // The harness made a dev key in the data folder (for server.token): the server does not serve it.
    const devKey = JSON.parse(await readFile(path.join(server.dataDir, 'dev-issuer-key.json'), 'utf8'));
    expect(jwks.body.keys[0].kid).not.toBe(devKey.kid);
  });

  it('still accepts the provider token after the refusals (no poisoned key cache)', async () => {
    const listed = await request(`${server.url}/api/v1/communities`, bearer(token));
    expect(listed.status).toBe(200);
  });

  it('never logs a token', async () => {
    // The child's stdout read up to the requests above. A pause: no request makes the server log
    // a line on demand that could show it.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const logText = server.logs.map((entry) => JSON.stringify(entry)).join('\n');
    expect(sent.length).toBeGreaterThan(5);
    for (const value of sent) {
      expect(logText).not.toContain(value);
      expect(logText).not.toContain(value.split('.')[2]);
    }
  });
});

describe('(f) Mutual in OIDC mode while the provider cannot be reached', () => {
  it('starts, answers 503 ServiceUnavailable to a token, keeps serving, and recovers when the provider comes up', async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    const offline = await startOidcMutual(issuer);
    expect(offline.logs.find((entry) => entry.msg === 'auth: tokens from the OpenID Provider')).toMatchObject({ issuer });

    const rest = await request(`${offline.url}/api/v1/communities`, { token });
    expect(rest.status).toBe(503);
    expect(rest.body.error.code).toBe('ServiceUnavailable');
    const couch = await request(`${offline.dbUrl}/group-nosuch`, { token });
    expect(couch.status).toBe(503);
    expect(couch.body.error).toBe('service_unavailable');

    // Not a crash: the process lives and answers.
    expect(offline.child.exitCode).toBeNull();
    expect((await request(`${offline.url}/health`)).status).toBe(200);
    expect((await request(`${offline.url}/api/v1/communities`)).status).toBe(401); // anonymous: no provider needed

    // Discovery is retried after a failure: once the provider listens there, its tokens work.
    const late = await startProvider({ port });
    expect(late.issuer).toBe(issuer);
    const recovered = await request(`${offline.url}/api/v1/communities`, { token: await late.clientCredentialsToken() });
    expect(recovered.status).toBe(200);
    expect(offline.child.exitCode).toBeNull();
  });
});


/** When discovery works but the provider's JWKS cannot be fetched, the answer is 503, not 401 or 500. */
describe('Mutual in OIDC mode while the provider JWKS endpoint is down (discovery up)', () => {
  async function expectServiceUnavailableThenRecovery(outage: 'connection-reset' | 'http-503') {
    const fresh = await startOidcMutual(provider.issuer);
    provider.setJwksOutage(outage);
    try {
      const rest = await request(`${fresh.url}/api/v1/communities`, { token });
      const couch = await request(`${fresh.dbUrl}/group-${code}`, { token });
      expect({ rest: rest.status, couch: couch.status }).toEqual({ rest: 503, couch: 503 });
      expect(rest.body.error.code).toBe('ServiceUnavailable');
      expect(couch.body.error).toBe('service_unavailable');
    } finally {
      provider.setJwksOutage('none');
    }
    expect((await request(`${fresh.url}/api/v1/communities`, { token })).status).toBe(200);
  }

  it('answers 503 when the JWKS connection fails', () =>
    expectServiceUnavailableThenRecovery('connection-reset'));

  it('answers 503 when the JWKS endpoint answers 503', () =>
    expectServiceUnavailableThenRecovery('http-503'));
});
