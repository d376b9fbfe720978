import { createHash } from 'node:crypto';

/** A short, stable, id-safe key for a user (`sub` may hold any character). */
export function userKey(sub: string): string {
  return createHash('sha256').update(sub).digest('hex').slice(0, 32);
}
