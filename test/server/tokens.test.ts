import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  SignJWT, base64url, exportSPKI, generateKeyPair, importJWK,
  type CryptoKey, type JWK, type JWTPayload,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_ISSUER } from '@mutual/server';
import { request } from '../support/http.js';
import { ADMIN, startMutual, type MutualProcess } from '../support/mutual-process.js';
import { createGroup } from '../support/group.js';

/**
 * Every token the dev-issuer server must refuse. Each bad token differs from a good one in
 * exactly one respect: the "baseline" test shows the same builder with nothing changed works,
 * so a 401 below is caused by the one thing each case changes.
 */

const AUDIENCE = 'mutual';

let server: MutualProcess;
let code: string;
/** The dev issuer's real private key (from the data folder) and its public JWK (served). */
let devKey: CryptoKey;
let devPublicJwk: JWK;
let otherKey: CryptoKey;
/** Every Authorization value sent, to check none of them reaches the log. */
const sentCredentials: string[] = [];

beforeAll(async () => {
  server = await startMutual();
  code = await createGroup(server, 'alice');
  const privateJwk = JSON.parse(await readFile(path.join(server.dataDir, 'dev-issuer-key.json'), 'utf8')) as JWK;
  devKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const jwks = await request(`${server.url}/.well-known/jwks.json`);
  expect(jwks.status).toBe(200);
  devPublicJwk = jwks.body.keys.find((key: JWK) => key.kid === privateJwk.kid);
  expect(devPublicJwk.kid).toBe(privateJwk.kid);
  otherKey = (await generateKeyPair('ES256')).privateKey;
});
afterAll(() => server?.stop());

const now = () => Math.floor(Date.now() / 1000);

function claims(overrides: Partial<Record<keyof JWTPayload, unknown>> = {}): JWTPayload {
  const base: JWTPayload = { iss: DEV_ISSUER, aud: AUDIENCE, sub: 'alice', iat: now(), exp: now() + 3600 };
  const merged: Record<string, unknown> = { ...base, ...overrides };
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key];
  return merged as JWTPayload;
}

function sign(key: CryptoKey | Uint8Array, header: { alg: string; kid?: string }, payload: JWTPayload): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ typ: 'at+jwt', ...header }).sign(key);
}

/** A token signed by the real dev issuer key, with the given claims changed. */
const devSigned = (overrides: Partial<Record<keyof JWTPayload, unknown>> = {}) =>
  sign(devKey, { alg: 'ES256', kid: devPublicJwk.kid! }, claims(overrides));

/** An unsecured JWT (RFC 7519 §6): base64url header and payload, empty signature. */
function unsecured(header: Record<string, unknown>, payload: JWTPayload): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  return `${part(header)}.${part(payload)}.`;
}

const bearer = (token: string) => `Bearer ${token}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Sends the Authorization value to both faces; answers both responses. */
async function onBothFaces(authorization: string) {
  sentCredentials.push(authorization);
  const [couch, rest] = await Promise.all([
    request(`${server.dbUrl}/group-${code}`, { authorization }),
    request(`${server.url}/api/v1/communities`, { authorization }),
  ]);
  return { couch, rest };
}

describe('a good token', () => {
  it('from `mutual token` is accepted on both faces', async () => {
    const { couch, rest } = await onBothFaces(bearer(await server.token('alice')));
    expect(couch.status).toBe(200);
    expect(couch.body.db_name).toBe(`group-${code}`);
    expect(rest.status).toBe(200);
    expect(rest.body.communities).toContainEqual(expect.objectContaining({ code }));
  });

  it('made by the test builder with nothing changed is accepted (baseline of the cases below)', async () => {
    const { couch, rest } = await onBothFaces(bearer(await devSigned()));
    expect(couch.status).toBe(200);
    expect(rest.status).toBe(200);
  });

  it('of the admin (Basic) is accepted on both faces', async () => {
    const { couch, rest } = await onBothFaces(server.adminAuthorization);
    expect(couch.status).toBe(200);
    expect(rest.status).toBe(200);
  });
});

type Case = [name: string, authorization: () => Promise<string>];

const cases: Case[] = [
  ['expired (exp in the past)', async () => bearer(await devSigned({ iat: now() - 7200, exp: now() - 3600 }))],
  ['not yet valid (nbf in the future)', async () => bearer(await devSigned({ nbf: now() + 3600 }))],
  ['wrong iss', async () => bearer(await devSigned({ iss: 'https://evil.example' }))],
  ['no iss', async () => bearer(await devSigned({ iss: undefined }))],
  ['wrong aud', async () => bearer(await devSigned({ aud: 'not-mutual' }))],
  ['no aud', async () => bearer(await devSigned({ aud: undefined }))],
  ['no exp', async () => bearer(await devSigned({ exp: undefined }))],
  ['no sub', async () => bearer(await devSigned({ sub: undefined }))],
  ['alg none (unsecured JWT)', async () => bearer(unsecured({ alg: 'none', typ: 'JWT' }, claims()))],
  ['alg none with the real kid', async () => bearer(unsecured({ alg: 'none', kid: devPublicJwk.kid }, claims()))],
  ['alg NONE (upper case)', async () => bearer(unsecured({ alg: 'NONE' }, claims()))],
  ['HS256 keyed with the public key PEM (alg confusion)', async () => {
    const pem = await exportSPKI((await importJWK(devPublicJwk, 'ES256', { extractable: true })) as CryptoKey);
    return bearer(await sign(new TextEncoder().encode(pem), { alg: 'HS256', kid: devPublicJwk.kid! }, claims()));
  }],
  ['HS256 keyed with the public JWK JSON (alg confusion)', async () =>
    bearer(await sign(new TextEncoder().encode(JSON.stringify(devPublicJwk)), { alg: 'HS256', kid: devPublicJwk.kid! }, claims()))],
  ['signed by another key with an unknown kid', async () => bearer(await sign(otherKey, { alg: 'ES256', kid: 'unknown-kid' }, claims()))],
  ['signed by another key with the SAME kid as the real key', async () =>
    bearer(await sign(otherKey, { alg: 'ES256', kid: devPublicJwk.kid! }, claims()))],
  ['signed by another key without kid', async () => bearer(await sign(otherKey, { alg: 'ES256' }, claims()))],
  ['a good token with its signature cut off', async () => bearer(`${(await devSigned()).split('.').slice(0, 2).join('.')}.`)],
  ['a good token with a changed payload (sub: operator)', async () => {
    const [header, , signature] = (await devSigned()).split('.');
    return bearer(`${header}.${base64url.encode(JSON.stringify(claims({ sub: ADMIN.user })))}.${signature}`);
  }],
  ['garbage "abc"', async () => bearer('abc')],
  ['garbage "a.b.c"', async () => bearer('a.b.c')],
  ['an empty bearer token', async () => 'Bearer '],
  ['the scheme alone', async () => 'Bearer'],
  ['a good token without a scheme', async () => server.token('alice')],
  ['Basic with a wrong admin password', async () => basic(ADMIN.user, 'wrong-password')],
  ['Basic with a wrong admin user', async () => basic('someone', ADMIN.password)],
  ['Basic with the password as the prefix of the real one', async () => basic(ADMIN.user, ADMIN.password.slice(0, -1))],
  ['Basic with no colon', async () => `Basic ${Buffer.from(`${ADMIN.user}${ADMIN.password}`).toString('base64')}`],
  ['Basic carrying a good bearer token', async () => `Basic ${await server.token('alice')}`],
  ['an unknown scheme (Token)', async () => `Token ${await server.token('alice')}`],
  ['an unknown scheme (Digest)', async () => 'Digest username="operator", realm="mutual", nonce="x", uri="/", response="y"'],
];

describe('a bad token or credential is refused with 401 on both faces', () => {
  it.each(cases)('%s', async (_name, make) => {
    const authorization = await make();
    const { couch, rest } = await onBothFaces(authorization);

    expect(couch.status).toBe(401);
    expect(couch.body).toEqual({ error: 'unauthorized', reason: expect.any(String) });
    expect(couch.headers.get('www-authenticate')).toMatch(/^Bearer /);

    expect(rest.status).toBe(401);
    expect(rest.body).toEqual({ error: { code: 'Unauthorized', message: expect.any(String) } });
    expect(rest.headers.get('www-authenticate')).toMatch(/^Bearer /);

    // The answer never echoes the credential back.
    const credential = authorization.split(' ').slice(1).join(' ');
    if (credential.length > 8) {
      expect(couch.body.reason).not.toContain(credential);
      expect(rest.body.error.message).not.toContain(credential);
    }
  });
});

/** A `sub` must name a user: a non-empty string (and not the server's own name). */
describe('a validly signed token whose sub is not a non-empty string', () => {
  it.each([
    ['empty sub', ''],
    ['numeric sub', 42],
    ['object sub', { name: 'alice' }],
    ['array sub', ['alice']],
    ['the server’s own name', 'mutual:server'],
  ])('is refused with 401 on both faces: %s', async (_name, sub) => {
    const { couch, rest } = await onBothFaces(bearer(await devSigned({ sub })));
    expect({ couch: couch.status, rest: rest.status }).toEqual({ couch: 401, rest: 401 });
  });
});

describe('the log', () => {
  it('never contains a token or a credential that was sent', async () => {
    // Many requests above; give the child's stdout a moment to be read. A pause: no request makes
    // the server log a line on demand that could show the log read up to now.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(sentCredentials.length).toBeGreaterThan(cases.length);
    expect(server.logs.length).toBeGreaterThan(0);
    const logText = server.logs.map((entry) => JSON.stringify(entry)).join('\n');
    for (const authorization of sentCredentials) {
      const credential = authorization.split(' ').slice(1).join(' ') || authorization;
      if (credential.length < 8) continue; // 'abc', 'a.b.c': too short to mean anything in a log
      expect(logText).not.toContain(credential);
      // A JWT's signature alone identifies it.
      const signature = credential.split('.')[2];
      if (signature && signature.length > 16) expect(logText).not.toContain(signature);
    }
    expect(logText).not.toContain(ADMIN.password);
  });
});
