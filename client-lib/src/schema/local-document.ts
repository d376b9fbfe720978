import type { CouchDocument } from '@mutual/schema';

/**
 * Where a local document stands with its server:
 *
 *   new ──(pushed, and pulled back from the server)──▶ synced
 *    └──(refused by the server: forbidden)──▶ rejected (kept, with its reason; never pushed again)
 *
 * A local edit of a synced document makes it `new` again.
 */
export type SyncState = 'new' | 'synced' | 'rejected';

/** The fields the client adds to every document it stores; the server never sees them. */
export interface LocalFields {
  /** `<database>|<_id>`: RxDB's primary key, composed from the two below. */
  key: string;
  /** The database the document belongs to: `group-<code>` or `user-<key>`. */
  dbName: string;
  /** The document's CouchDB `_id`. */
  docId: string;
  syncState: SyncState;
  /** Why the server refused it (`syncState: rejected`). */
  rejectedReason?: string;
}

export const LOCAL_FIELDS = ['key', 'dbName', 'docId', 'syncState', 'rejectedReason'] as const;

/** A stored document: the shared-schema document and the local fields. */
export type Stored<T> = T & LocalFields;

/** Document data as RxDB hands it over (`_deleted` and its own `_rev`, `_meta`, `_attachments`). */
export type LocalData = Record<string, unknown> & LocalFields & { _deleted?: boolean };

export const KEY_SEPARATOR = '|';

export function keyOf(dbName: string, docId: string): string {
  return `${dbName}${KEY_SEPARATOR}${docId}`;
}

/** The document's own fields: no CouchDB `_` fields, no local fields. */
export function bodyOf(doc: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(doc)) {
    if (field.startsWith('_') || (LOCAL_FIELDS as readonly string[]).includes(field)) continue;
    body[field] = value;
  }
  return body;
}

/** A document as the server sent it, made local. Attachments stay on the server (stubs dropped). */
export function fromCouch(dbName: string, doc: CouchDocument): LocalData & { _deleted: boolean } {
  return {
    ...bodyOf(doc),
    key: keyOf(dbName, doc._id),
    dbName,
    docId: doc._id,
    syncState: 'synced',
    _deleted: doc._deleted === true,
  };
}

/** A local document as the server takes it (without `_rev`, which the push adds). */
export function toCouch(doc: LocalData): CouchDocument {
  if (doc._deleted) return { _id: doc.docId, _deleted: true };
  return { _id: doc.docId, ...bodyOf(doc) };
}

/** Whether two states of a document say the same thing to the server. */
export function sameBody(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return Boolean(a._deleted) === Boolean(b._deleted) && stableJson(bodyOf(a)) === stableJson(bodyOf(b));
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner !== null && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : inner);
}
