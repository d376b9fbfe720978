import path from 'node:path';
import { CompactSign, importJWK, type CryptoKey, type JWK } from 'jose';
import { KEY_ALGORITHM, publicJwk, readOrCreateKey } from './key-file.js';

const KEY_FILE = 'server-key.json';

/** The server's own signing key: webhook deliveries (and, later, federation) are signed with it. */
export interface ServerKey {
  publicJwk: JWK;
  /** A compact JWS of the payload, verifiable with the server's `/.well-known/jwks.json`. */
  sign(payload: unknown, type: string): Promise<string>;
}

export async function loadServerKey(dataDir: string): Promise<ServerKey> {
  const privateJwk = await readOrCreateKey(path.join(dataDir, KEY_FILE));
  const key = (await importJWK(privateJwk, KEY_ALGORITHM)) as CryptoKey;
  return {
    publicJwk: publicJwk(privateJwk),
    sign: (payload, type) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader({ alg: KEY_ALGORITHM, kid: privateJwk.kid, typ: type })
        .sign(key),
  };
}
