import { validateDocUpdate, type CouchDocument, type UserContext } from '@mutual/schema';

/** What the rules say of a write: 'ok', or the reason they refuse it. */
export function verdict(newDoc: CouchDocument, oldDoc: CouchDocument | null, userCtx: UserContext): string {
  try {
    validateDocUpdate(newDoc, oldDoc, userCtx);
    return 'ok';
  } catch (thrown) {
    return (thrown as { forbidden?: string }).forbidden ?? 'threw something else';
  }
}
