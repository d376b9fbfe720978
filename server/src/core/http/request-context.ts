import type { UserContext } from '@mutual/schema';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Who is asking: set by `authenticate` on every request; `name: null` when anonymous. */
      userCtx: UserContext;
      /** What express-pouchdb reads as the session; set just before it runs. */
      couchSession?: { ok: true; userCtx: UserContext; info: object };
    }
  }
}

export const anonymous: UserContext = { name: null, roles: [] };
