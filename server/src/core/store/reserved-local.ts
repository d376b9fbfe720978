/**
 * `_local` documents whose id starts with this are the server's own (reaction checkpoints):
 * members write `_local` documents for their replication checkpoints, but never these.
 */
export const RESERVED_LOCAL_PREFIX = '_local/mutual-';

export function isReservedLocal(docId: string): boolean {
  return docId.startsWith(RESERVED_LOCAL_PREFIX);
}
