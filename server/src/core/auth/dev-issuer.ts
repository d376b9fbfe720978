import path from 'node:path';
import { SignJWT, importJWK, type JWK, type CryptoKey } from 'jose';
import { KEY_ALGORITHM, publicJwk, readOrCreateKey } from './key-file.js';

/** The `iss` of tokens made by the built-in development issuer. */
export const DEV_ISSUER = 'urn:mutual:dev-issuer';
const KEY_FILE = 'dev-issuer-key.json';
const ALGORITHM = KEY_ALGORITHM;

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
  const publicKey = publicJwk(privateJwk);
  const privateKey = (await importJWK(privateJwk, ALGORITHM)) as CryptoKey;
  return {
    issuer: DEV_ISSUER,
    jwks: { keys: [publicKey] },
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
