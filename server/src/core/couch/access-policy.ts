import { ADMIN_ROLE, DIRECTORY_DB, isMemberOf, ownerRole, placeOfDatabase, type UserContext } from '@mutual/schema';

/** What a request to a database needs: to read it, to write documents in it, or to be admin. */
export type CouchAccess = 'read' | 'write' | 'admin';

/** Database-level endpoints that only read, whatever their method (POST carries a query). */
const READ_ENDPOINTS = new Set([
  '_all_docs', '_bulk_get', '_revs_diff', '_missing_revs', '_find', '_explain',
  '_changes', '_design_docs', '_local_docs',
]);
const READ_METHODS = new Set(['GET', 'HEAD']);
/** Design-document endpoints that run the admin-written functions to answer a query. */
const DESIGN_READ_ENDPOINTS = new Set(['_view', '_info', '_show', '_list']);

/** Classifies a request to `/db/<db>/<rest…>` by what it does. */
export function requiredAccess(method: string, rest: string[]): CouchAccess {
  const reads = READ_METHODS.has(method);
  const [first, second, third] = rest;
  if (first === undefined) {
    if (reads) return 'read';
    return method === 'POST' ? 'write' : 'admin';
  }
  if (READ_ENDPOINTS.has(first)) return 'read';
  switch (first) {
    case '_bulk_docs':
    case '_ensure_full_commit':
      return 'write';
    case '_local':
      if (reads) return 'read';
      // The server's own checkpoints (see reserved-local.ts) are not the members' to move.
      return second?.startsWith('mutual-') ? 'admin' : 'write';
    case '_security':
    case '_index':
      return reads ? 'read' : 'admin';
    case '_design':
      if (reads || (second !== undefined && DESIGN_READ_ENDPOINTS.has(third ?? ''))) return 'read';
      return 'admin';
  }
  if (first.startsWith('_')) return 'admin'; // _compact, _purge, _temp_view, _view_cleanup…
  return reads ? 'read' : 'write';
}

function isAdmin(userCtx: UserContext): boolean {
  return userCtx.roles.includes(ADMIN_ROLE);
}

/** Whether a user may write documents in a database (the rules then judge each one). */
export function canWrite(userCtx: UserContext, dbName: string): boolean {
  if (isAdmin(userCtx)) return true;
  const place = placeOfDatabase(dbName);
  if (place?.kind === 'group') return isMemberOf(userCtx, place.code);
  if (place?.kind === 'user') return userCtx.roles.includes(ownerRole(place.key));
  return false;
}

/** Whether a user may read a database: its writers, and every user for the directory. */
export function canRead(userCtx: UserContext, dbName: string): boolean {
  if (userCtx.name !== null && dbName === DIRECTORY_DB) return true;
  return canWrite(userCtx, dbName);
}

export function allows(userCtx: UserContext, dbName: string, access: CouchAccess): boolean {
  switch (access) {
    case 'read':
      return canRead(userCtx, dbName);
    case 'write':
      return canWrite(userCtx, dbName);
    case 'admin':
      return isAdmin(userCtx);
  }
}
