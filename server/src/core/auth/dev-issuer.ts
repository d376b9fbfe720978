import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  SignJWT, exportJWK, generateKeyPair, importJWK, calculateJwkThumbprint,
  type JWK, type CryptoKey,
} from 'jose';

/** The `iss` of tokens made by the built-in development issuer. */
export const DEV_ISSUER = 'urn:mutual:dev-issuer';
const KEY_FILE = 'dev-issuer-key.json';
const ALGORITHM = 'ES256';

export interface DevIssuer {
  issuer: string;
  jwks: { keys: JWK[] };
  issueToken(sub: string, options: { audience: string; expiresIn?: string }): Promise<string>;
}

/**
 * The development issuer of a data folder: its key pair is made on first start and kept in
 * the folder, so `mutual token` and the server agree without any other service.
 */
export async function loadDevIssuer(dataDir: string): Promise<DevIssuer> {
  const privateJwk = await readOrCreateKey(path.join(dataDir, KEY_FILE));
  const { d: _secret, ...publicJwk } = privateJwk;
  const privateKey = (await importJWK(privateJwk, ALGORITHM)) as CryptoKey;
  return {
    issuer: DEV_ISSUER,
    jwks: { keys: [publicJwk] },
    issueToken: (sub, { audience, expiresIn = '24h' }) =>
      new SignJWT({})
        .setProtectedHeader({ alg: ALGORITHM, kid: privateJwk.kid, typ: 'at+jwt' })
        .setIssuer(DEV_ISSUER)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey),
  };
}

async function readOrCreateKey(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair(ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = ALGORITHM;
  jwk.use = 'sig';
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx' refuses to overwrite a key another process wrote in the meantime.
  await writeFile(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' }).catch(async (error) => {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  });
  return JSON.parse(await readFile(file, 'utf8')) as JWK;
}
