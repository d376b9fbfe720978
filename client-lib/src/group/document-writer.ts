import type { CouchDocument } from '@mutual/schema';
import type { LocalCollection } from '../database.js';
import { MutualClientError } from '../errors.js';
import { checkWrite } from '../rules/local-rules.js';
import { bodyOf, keyOf, type LocalData } from '../schema/local-document.js';
import type { SessionStore } from '../session/session.js';
import { DOCUMENT_SCHEMA_VERSION } from './document-types.js';

function newId(): string {
  return globalThis.crypto.randomUUID();
}

function couchOf(data: LocalData): CouchDocument {
  return { _id: data.docId, ...bodyOf(data) };
}

/**
 * Local writes of one database's documents, each checked first with the server's own rules:
 * a refusal throws at once (offline too) and nothing is written. What passes is stored as
 * `new` and pushed by the sync.
 */
export class DocumentWriter {
  constructor(private readonly session: SessionStore, private readonly dbName: string) {}

  async create(collection: LocalCollection, type: string, fields: Record<string, unknown>): Promise<LocalData> {
    const { id, ...own } = fields;
    const docId = `${type}:${typeof id === 'string' ? id : newId()}`;
    const now = new Date().toISOString();
    const user = this.session.current?.user ?? '';
    const body = { ...own, type, schema: DOCUMENT_SCHEMA_VERSION, createdAt: now, updatedAt: now, author: user };
    if (await collection.findOne(keyOf(this.dbName, docId)).exec()) throw new MutualClientError('Conflict', `${docId} exists already`);
    checkWrite(this.session.current, this.dbName, { _id: docId, ...body }, null);
    const data: LocalData = { ...body, key: keyOf(this.dbName, docId), dbName: this.dbName, docId, syncState: 'new' };
    const inserted = await collection.insert(data);
    return inserted.toJSON() as LocalData;
  }

  async update(collection: LocalCollection, docId: string, changes: Record<string, unknown>): Promise<LocalData> {
    const doc = await collection.findOne(keyOf(this.dbName, docId)).exec();
    if (!doc) throw new MutualClientError('NotFound', `no ${docId} here`);
    const old = doc.toJSON() as LocalData;
    const updatedAt = new Date().toISOString();
    const next = { ...bodyOf(old), ...changes, updatedAt };
    checkWrite(this.session.current, this.dbName, { _id: docId, ...next }, couchOf(old));
    const written = await doc.incrementalModify((data) => {
      const { rejectedReason: _dropped, ...rest } = { ...data, ...changes, updatedAt };
      return { ...rest, syncState: 'new' };
    });
    return written.toJSON() as LocalData;
  }

  async remove(collection: LocalCollection, docId: string): Promise<void> {
    const doc = await collection.findOne(keyOf(this.dbName, docId)).exec();
    if (!doc) throw new MutualClientError('NotFound', `no ${docId} here`);
    checkWrite(this.session.current, this.dbName, { _id: docId, _deleted: true }, couchOf(doc.toJSON() as LocalData));
    await doc.incrementalRemove();
  }
}
