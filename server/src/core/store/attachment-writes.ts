import type { UserContext } from '@mutual/schema';
import { missingAsUndefined, type Database } from './pouchdb.js';

type Callback = (error: unknown, result?: unknown) => void;
interface StoredDoc {
  _id: string;
  _rev?: string;
  _attachments?: Record<string, unknown>;
}

const conflict = { status: 409, name: 'conflict', message: 'Document update conflict' };

async function currentDoc(db: Database, docId: string): Promise<StoredDoc> {
  return ((await db.get(docId).catch(missingAsUndefined)) as StoredDoc | undefined) ?? { _id: docId };
}

/**
 * PouchDB's own putAttachment/removeAttachment call `put` without options, which would drop
 * the writer's `userCtx` before validation. These do the same edit and keep it. They take
 * express-pouchdb's call shape: (docId, name, rev, [data, type,] opts, callback).
 */
export function installAttachmentWrites(db: Database): void {
  async function edit(docId: string, rev: string | undefined, userCtx: UserContext | undefined,
    change: (attachments: Record<string, unknown>) => void) {
    const doc = await currentDoc(db, docId);
    if ((doc._rev ?? undefined) !== (rev || undefined)) throw conflict;
    const attachments = { ...doc._attachments };
    change(attachments);
    const updated: StoredDoc = { ...doc, _attachments: attachments };
    if (Object.keys(attachments).length === 0) delete updated._attachments;
    return db.put(updated as never, { userCtx } as never);
  }

  function settle(result: Promise<unknown>, callback: Callback | undefined) {
    if (callback) result.then((value) => callback(null, value), (error: unknown) => callback(error));
    return result;
  }

  const target = db as unknown as Record<string, unknown>;
  target.putAttachment = (docId: string, name: string, rev: string | undefined, data: unknown,
    type: string, opts: { userCtx?: UserContext } = {}, callback?: Callback) =>
    settle(edit(docId, rev, opts.userCtx, (attachments) => {
      attachments[name] = { content_type: type, data };
    }), callback);
  target.removeAttachment = (docId: string, name: string, rev: string,
    opts: { userCtx?: UserContext } = {}, callback?: Callback) =>
    settle(edit(docId, rev, opts.userCtx, (attachments) => {
      if (!(name in attachments)) throw { status: 404, name: 'not_found', message: 'missing' };
      delete attachments[name];
    }), callback);
}
