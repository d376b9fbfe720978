import type { CouchDocument } from '@mutual/schema';
import type { WithDeleted } from 'rxdb';
import type { LocalCollection } from '../database.js';
import type { ChangesResponse } from '../http/couch-responses.js';
import { fromCouch, keyOf, type LocalData } from '../schema/local-document.js';

type ChangeRow = ChangesResponse['results'][number];

/**
 * The documents of some changes as the collection stores them. A tombstone carries only its
 * `_id`: it deletes the local copy (kept with its last fields, which RxDB's schema requires),
 * and is skipped when there is no local copy to delete.
 */
export async function changesToLocal(collection: LocalCollection, dbName: string, changes: ChangeRow[]): Promise<WithDeleted<LocalData>[]> {
  const tombstones = changes.filter((change) => change.deleted || change.doc?._deleted);
  const known = new Map<string, LocalData>();
  if (tombstones.length > 0) {
    const found = await collection.findByIds(tombstones.map((change) => keyOf(dbName, change.id))).exec();
    for (const [key, doc] of found) known.set(key, doc.toMutableJSON() as LocalData);
  }
  const documents: WithDeleted<LocalData>[] = [];
  for (const change of changes) {
    if (change.deleted || change.doc?._deleted) {
      const local = known.get(keyOf(dbName, change.id));
      if (local) documents.push({ ...local, syncState: 'synced', _deleted: true });
    } else if (change.doc) {
      documents.push(fromCouch(dbName, change.doc as CouchDocument));
    }
  }
  return documents;
}
