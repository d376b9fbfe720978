import type { Db } from './pouch.js';

/** Resolves when a document with this id (and optional field values) is in the local database. */
export async function docArrives(db: Db, id: string, match: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const fits = (doc: Record<string, any> | undefined) =>
    doc !== undefined && Object.entries(match).every(([key, value]) => doc[key] === value);
  return new Promise((resolve, reject) => {
    const feed = db.changes({ live: true, since: 0, include_docs: true, doc_ids: [id] });
    feed.on('change', (change) => {
      if (fits(change.doc as Record<string, any>)) {
        feed.cancel();
        resolve(change.doc as Record<string, unknown>);
      }
    });
    feed.on('error', reject);
  });
}
