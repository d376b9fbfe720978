import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { ADMIN_ROLE, errors, ownerRole, type UserContext } from '@mutual/schema';
import { anonymous } from '../http/request-context.js';
import type { TokenVerifier } from './token-verifier.js';
import { userKey } from './user-key.js';

/** Where a verified user's roles come from (the membership index). */
export interface RoleSource {
  rolesOf(sub: string): string[];
}

export interface AdminCredentials {
  user: string;
  password: string;
}

/** Compares digests, so neither the content nor the length of the secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => new Uint8Array(createHash('sha256').update(value).digest());
  return timingSafeEqual(digest(given), digest(expected));
}

async function userContextOf(
  req: Request,
  verify: TokenVerifier,
  roles: RoleSource,
  admin: AdminCredentials | undefined,
): Promise<UserContext> {
  const header = req.headers.authorization;
  if (!header) return anonymous;
  const [, scheme, credentials = ''] = /^(\S+)\s*(.*)$/.exec(header.trim()) ?? [];
  if (scheme?.toLowerCase() === 'bearer') {
    const { sub } = await verify(credentials);
    return { name: sub, roles: [ownerRole(userKey(sub)), ...roles.rolesOf(sub)] };
  }
  if (scheme?.toLowerCase() === 'basic' && admin) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const at = decoded.indexOf(':');
    if (at > 0 && sameSecret(decoded.slice(0, at), admin.user) && sameSecret(decoded.slice(at + 1), admin.password))
      return { name: admin.user, roles: [ADMIN_ROLE] };
  }
  throw errors.unauthorized('unsupported or wrong credentials');
}

/**
 * Sets `req.userCtx` from a bearer token (or the admin's Basic credentials); anonymous
 * without an Authorization header. A header that does not verify ends the request with 401.
 */
export function authenticate(
  verify: TokenVerifier,
  roles: RoleSource,
  admin: AdminCredentials | undefined,
): RequestHandler {
  return (req, _res, next) => {
    userContextOf(req, verify, roles, admin).then(
      (userCtx) => {
        req.userCtx = userCtx;
        next();
      },
      next,
    );
  };
}
