import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';

export const KEY_ALGORITHM = 'ES256';

/** A private signing key (JWK, with its `kid`) kept in a file: made on first use, then reused. */
export async function readOrCreateKey(file: string): Promise<JWK> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const { privateKey } = await generateKeyPair(KEY_ALGORITHM, { extractable: true });
  const jwk = await exportJWK(privateKey);
  jwk.kid = await calculateJwkThumbprint(jwk);
  jwk.alg = KEY_ALGORITHM;
  jwk.use = 'sig';
  await mkdir(path.dirname(file), { recursive: true });
  // 'wx' refuses to overwrite a key another process wrote in the meantime.
  await writeFile(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return JSON.parse(await readFile(file, 'utf8')) as JWK;
}

/** The public half of a private JWK. */
export function publicJwk({ d: _secret, ...publicPart }: JWK): JWK {
  return publicPart;
}
