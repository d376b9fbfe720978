import { validateDocUpdate, type CouchDocument, type Refusal } from '@mutual/schema';
import { MutualClientError } from '../errors.js';
import type { Session } from '../session/session.js';

/**
 * Checks a write with the very function every database of the server runs
 * (`validate_doc_update`), with the roles the server last gave this user: a refusal is
 * known at once, offline too. The server still decides; what it refuses later (roles that
 * changed meanwhile) is marked rejected by the push.
 */
export function checkWrite(session: Session | undefined, dbName: string, newDoc: CouchDocument, oldDoc: CouchDocument | null): void {
  if (!session) throw new MutualClientError('Offline', 'the client has not reached the server yet: it does not know who you are');
  try {
    validateDocUpdate(newDoc, oldDoc, { name: session.user, roles: session.roles, db: dbName });
  } catch (thrown) {
    const refusal = thrown as Refusal;
    const reason = refusal?.forbidden ?? refusal?.unauthorized;
    if (reason === undefined) throw thrown;
    throw new MutualClientError('Forbidden', reason);
  }
}
