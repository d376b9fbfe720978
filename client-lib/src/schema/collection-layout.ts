import { typeOfDocumentId } from '@mutual/schema';

/**
 * Where each document type lives locally: one RxDB collection per kind of document, shared
 * by every group (documents carry their database name), never a collection per group. RxDB's
 * free build opens at most 13 collections per JavaScript realm; this layout uses 10, and a
 * client may open fewer (`collections` option).
 */
export const collectionLayout = {
  members: { database: 'group', types: ['member', 'member-profile'] },
  offers: { database: 'group', types: ['offer'] },
  needs: { database: 'group', types: ['need'] },
  posts: { database: 'group', types: ['post'] },
  categories: { database: 'group', types: ['category'] },
  accounts: { database: 'group', types: ['account'] },
  /** Payment intents: transfers, and the accept and cancel intents that refer to them. */
  transfers: { database: 'group', types: ['transfer', 'transfer-accept', 'transfer-cancel'] },
  /** The ledger's outcomes. */
  ledger: { database: 'group', types: ['ledger'] },
  /** The group itself: its settings, its currency, its registrations (managers see them). */
  settings: { database: 'group', types: ['settings', 'currency', 'registration'] },
  /** The user's own database: registration intents, their outcomes, registrations, profile. */
  personal: { database: 'user', types: ['registration-intent', 'outcome', 'registration', 'profile'] },
} as const satisfies Record<string, { database: 'group' | 'user'; types: readonly string[] }>;

export type CollectionName = keyof typeof collectionLayout;
export type DatabaseKind = 'group' | 'user';

export const collectionNames = Object.keys(collectionLayout) as CollectionName[];

/** The collection of a document, from its `_id` (`<type>:<id>`): tombstones carry no `type`. */
export function collectionOfDocument(kind: DatabaseKind, docId: string): CollectionName | undefined {
  const type = typeOfDocumentId(docId);
  if (type === undefined) return undefined;
  return collectionNames.find((name) => {
    const place = collectionLayout[name];
    return place.database === kind && (place.types as readonly string[]).includes(type);
  });
}

/** A `_changes` selector that matches the documents of a collection, tombstones included. */
export function selectorOf(name: CollectionName): Record<string, unknown> {
  const ranges = collectionLayout[name].types.map((type) => ({ _id: { $gt: `${type}:`, $lt: `${type}:\uffff` } }));
  return ranges.length === 1 ? ranges[0]! : { $or: ranges };
}
