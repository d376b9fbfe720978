import { map, type Observable } from 'rxjs';
import type { MangoQuerySelector } from 'rxdb';
import type { LocalCollection } from '../database.js';
import type { LocalData, Stored } from '../schema/local-document.js';
import type { DocumentChanges, DocumentsByType, DocumentTypeName, NewDocument } from './document-types.js';
import type { DocumentWriter } from './document-writer.js';

/**
 * One type of document of one database, typed: a view of the collection that holds the type
 * for every group (`dbName` and `type` fixed), with writes checked by the rules.
 * `id` is the part of the `_id` after `<type>:`.
 */
export class GroupCollection<Name extends DocumentTypeName> {
  constructor(
    readonly type: Name,
    readonly dbName: string,
    /** The RxDB collection behind it, shared with the other groups. */
    readonly collection: LocalCollection,
    private readonly writer: DocumentWriter,
  ) {}

  /** Live results: emits again whenever a matching document changes, locally or from the server. */
  find$(selector: MangoQuerySelector<LocalData> = {}): Observable<Stored<DocumentsByType[Name]>[]> {
    return this.collection.find({ selector: this.selector(selector) }).$.pipe(
      map((docs) => docs.map((doc) => doc.toJSON() as unknown as Stored<DocumentsByType[Name]>)),
    );
  }

  async find(selector: MangoQuerySelector<LocalData> = {}): Promise<Stored<DocumentsByType[Name]>[]> {
    const docs = await this.collection.find({ selector: this.selector(selector) }).exec();
    return docs.map((doc) => doc.toJSON() as unknown as Stored<DocumentsByType[Name]>);
  }

  async get(id: string): Promise<Stored<DocumentsByType[Name]> | undefined> {
    const doc = await this.collection.findOne({ selector: this.selector({ docId: this.docId(id) }) }).exec();
    return doc ? (doc.toJSON() as unknown as Stored<DocumentsByType[Name]>) : undefined;
  }

  async insert(fields: NewDocument<DocumentsByType[Name]>): Promise<Stored<DocumentsByType[Name]>> {
    return (await this.writer.create(this.collection, this.type, fields)) as unknown as Stored<DocumentsByType[Name]>;
  }

  async update(id: string, changes: DocumentChanges<DocumentsByType[Name]>): Promise<Stored<DocumentsByType[Name]>> {
    return (await this.writer.update(this.collection, this.docId(id), changes)) as unknown as Stored<DocumentsByType[Name]>;
  }

  async remove(id: string): Promise<void> {
    await this.writer.remove(this.collection, this.docId(id));
  }

  private docId(id: string): string {
    return id.startsWith(`${this.type}:`) ? id : `${this.type}:${id}`;
  }

  private selector(selector: MangoQuerySelector<LocalData>): MangoQuerySelector<LocalData> {
    return { ...selector, dbName: this.dbName, type: this.type };
  }
}
