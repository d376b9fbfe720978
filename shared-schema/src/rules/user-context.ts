/** CouchDB's user context, as the server builds it from a verified token. */
export interface UserContext {
  name: string | null;
  roles: string[];
  /** The database being written; CouchDB and express-pouchdb both fill it in. */
  db?: string;
}

/** Role carried by the server's own writes (outcomes, settings, memberships). */
export const SERVER_ROLE = 'mutual:server';
export const SERVER_NAME = 'mutual:server';
export const ADMIN_ROLE = '_admin';

export const serverUserContext: UserContext = { name: SERVER_NAME, roles: [SERVER_ROLE] };

export function memberRole(code: string): string {
  return `member:${code}`;
}

export function managerRole(code: string): string {
  return `manager:${code}`;
}

export function isServer(userCtx: UserContext): boolean {
  return userCtx.roles.includes(SERVER_ROLE) || userCtx.roles.includes(ADMIN_ROLE);
}

export function isMemberOf(userCtx: UserContext, code: string): boolean {
  return isServer(userCtx) || userCtx.roles.includes(memberRole(code));
}

export function isManagerOf(userCtx: UserContext, code: string): boolean {
  return isServer(userCtx) || userCtx.roles.includes(managerRole(code));
}
