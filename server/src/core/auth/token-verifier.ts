import {
  createLocalJWKSet, createRemoteJWKSet, jwtVerify, errors as joseErrors,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import { errors, SERVER_NAME } from '@mutual/schema';
import { ACCEPTED_ALGORITHMS } from './algorithms.js';
import type { DevIssuer } from './dev-issuer.js';

export type TokenVerifier = (token: string) => Promise<{ sub: string; exp: number }>;

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url() });

/** Verifies against the dev issuer's own keys. */
export function devTokenVerifier(devIssuer: DevIssuer, audience: string): TokenVerifier {
  return verifierFor(createLocalJWKSet(devIssuer.jwks), devIssuer.issuer, audience);
}

/**
 * Verifies against an OpenID Provider's keys, found by discovery. Discovery happens at the
 * first token and again after a failure, so the server starts while the provider is down.
 */
export function oidcTokenVerifier(issuer: string, audience: string): TokenVerifier {
  let keys: Promise<JWTVerifyGetKey> | undefined;
  return async (token) => {
    keys ??= discoverKeys(issuer).catch((error: unknown) => {
      keys = undefined;
      throw errors.serviceUnavailable(`the identity provider cannot be reached: ${String(error)}`);
    });
    return verifierFor(await keys, issuer, audience)(token);
  };
}

async function discoverKeys(issuer: string): Promise<JWTVerifyGetKey> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const discovery = discoverySchema.parse(await response.json());
  if (discovery.issuer !== issuer) throw new Error(`${url} names another issuer: ${discovery.issuer}`);
  return createRemoteJWKSet(new URL(discovery.jwks_uri));
}

function verifierFor(keys: JWTVerifyGetKey, issuer: string, audience: string): TokenVerifier {
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp', 'sub'],
      });
      if (typeof payload.sub !== 'string' || payload.sub === '' || payload.sub === SERVER_NAME)
        throw errors.unauthorized('invalid token: sub must name a user');
      return { sub: payload.sub, exp: payload.exp! };
    } catch (error) {
      if (isKeySetUnreachable(error))
        throw errors.serviceUnavailable('the identity provider’s keys cannot be fetched');
      if (error instanceof joseErrors.JOSEError) throw errors.unauthorized(`invalid token: ${error.code}`);
      throw error;
    }
  };
}

/**
 * A failure to fetch the issuer's JWKS says nothing about the token: the provider is down.
 * jose reports a timeout, a non-200 answer (a generic JOSEError) or the fetch's own TypeError.
 */
function isKeySetUnreachable(error: unknown): boolean {
  if (error instanceof joseErrors.JWKSTimeout) return true;
  if (error instanceof TypeError && error.message === 'fetch failed') return true;
  return error instanceof joseErrors.JOSEError && error.code === 'ERR_JOSE_GENERIC'
    && /JSON Web Key Set/i.test(error.message);
}

/** Verified tokens remembered, so a replicating client's many requests verify once. */
const REMEMBERED_TOKENS = 10_000;

/**
 * Remembers tokens that verified, until they expire: a token's signature and claims do not
 * change, and a PouchDB replication sends the same one hundreds of times.
 */
export function rememberingVerifier(verify: TokenVerifier): TokenVerifier {
  const verified = new Map<string, { sub: string; exp: number }>();
  return async (token) => {
    const known = verified.get(token);
    if (known && known.exp * 1000 > Date.now()) return known;
    verified.delete(token);
    const result = await verify(token);
    if (verified.size >= REMEMBERED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, result);
    return result;
  };
}
