import { groupCodeOfDatabase, memberRole, ADMIN_ROLE, SERVER_ROLE } from '@mutual/schema';

/**
 * A database's CouchDB `_security`. In the embedded store it is derived from membership, not
 * stored: Mutual's authorization in front of express-pouchdb is what enforces it.
 */
export function securityObjectOf(dbName: string) {
  const code = groupCodeOfDatabase(dbName);
  return {
    admins: { names: [], roles: [ADMIN_ROLE] },
    members: { names: [], roles: code === undefined ? [] : [memberRole(code), SERVER_ROLE] },
  };
}
