import { createECDH, randomBytes } from 'node:crypto';
// @ts-expect-error http_ece ships no types
import ece from 'http_ece';

/** A browser's push subscription at `endpoint` (its keys), and how it reads what it is pushed. */
export function pushDevice(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16).toString('base64url');
  return {
    subscription: { endpoint, keys: { p256dh: ecdh.getPublicKey('base64url'), auth } },
    decrypt: (body: Buffer) => JSON.parse(ece.decrypt(body, { version: 'aes128gcm', privateKey: ecdh, authSecret: auth }).toString()),
  };
}
