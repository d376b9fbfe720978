import {
  documentTypes, errors, fieldIssues, groupDatabaseName, isManagerOf, isMemberOf, MutualError, DEFAULT_ACCESS,
  type UserContext,
} from '@mutual/schema';
import type { DatabasePool } from '../core/store/database-pool.js';
import { missingAsUndefined } from '../core/store/pouchdb.js';
import type { Directory } from '../communities/directory.js';
import type { StoredItem } from './kinds.js';

export type User = UserContext & { name: string };

/** A PouchDB failure as the catalogued error REST answers with. */
function restError(thrown: unknown): unknown {
  if (thrown instanceof MutualError) return thrown;
  const { status, message } = (thrown ?? {}) as { status?: number; message?: string };
  if (status === 403) return errors.forbidden(message);
  if (status === 409) return errors.conflict(message ?? 'the document changed: try again');
  if (status === 404) return errors.notFound(message);
  return thrown;
}

/** Field problems of a document about to be written, as a 400 with `body.` paths. */
export function assertValidDocument(doc: StoredItem | Record<string, unknown>): void {
  const type = documentTypes.get(String(doc.type));
  if (!type) throw errors.internal(`no document type ${String(doc.type)}`);
  const body = Object.fromEntries(Object.entries(doc).filter(([key]) => !key.startsWith('_')));
  const parsed = type.schema.safeParse(body);
  if (!parsed.success)
    throw errors.validationFailed(fieldIssues(parsed.error).map((issue) => ({ ...issue, path: `body.${issue.path}` })), `invalid ${type.type}`);
  const problem = type.check?.(doc);
  if (problem) throw errors.validationFailed([{ path: 'body', message: problem }], `invalid ${type.type}`);
}

/**
 * Social documents of group databases, read and written for REST requests. Writes go
 * through the rules as the requesting user, exactly as a replica's would.
 */
export class GroupItems {
  constructor(
    private readonly pool: DatabasePool,
    private readonly listings: Directory,
  ) {}

  /** The community is served and the user is one of its members; else 404 or 403. */
  async requireMember(code: string, user: User): Promise<void> {
    const listing = await this.listings.find(code);
    if (!listing || listing.archived) throw errors.notFound(`no community "${code}"`);
    if (!isMemberOf(user, code)) throw errors.forbidden(`only members of ${code} see and write its content`);
  }

  /** Whether the user may see an item: `private` ones only their author and managers. */
  canSee(code: string, user: User, doc: Pick<StoredItem, 'access' | 'author'>): boolean {
    return (doc.access ?? DEFAULT_ACCESS) !== 'private' || doc.author === user.name || isManagerOf(user, code);
  }

  /** Every document of a type (winning revisions, with their conflicts). */
  async list(code: string, type: string): Promise<StoredItem[]> {
    return this.pool.with(groupDatabaseName(code), async (db) => {
      const result = await db.allDocs({ startkey: `${type}:`, endkey: `${type}:\uffff`, include_docs: true, conflicts: true });
      return result.rows.flatMap((row) => (row.doc ? [row.doc as unknown as StoredItem] : []));
    });
  }

  /** The winning revision of a document with its conflicts, or undefined. */
  async find(code: string, docId: string): Promise<StoredItem | undefined> {
    return this.pool.with(groupDatabaseName(code), async (db) =>
      (await db.get(docId, { conflicts: true }).catch(missingAsUndefined)) as StoredItem | undefined);
  }

  /** The item the user may see, or 404 (a private item of someone else is not there for them). */
  async visible(code: string, user: User, docId: string, label: string): Promise<StoredItem> {
    const doc = await this.find(code, docId);
    if (!doc || !this.canSee(code, user, doc)) throw errors.notFound(`no ${label} ${docId.slice(docId.indexOf(':') + 1)} in ${code}`);
    return doc;
  }

  /** One revision of a document (a losing one of a conflict). */
  async revision(code: string, docId: string, rev: string): Promise<StoredItem | undefined> {
    return this.pool.with(groupDatabaseName(code), async (db) =>
      (await db.get(docId, { rev }).catch(missingAsUndefined)) as StoredItem | undefined);
  }

  /** Writes a revision as the user, through the rules; answers the new rev. */
  async write(code: string, user: User, doc: Record<string, unknown>): Promise<string> {
    const { _conflicts: _, ...revision } = doc;
    return this.pool.with(groupDatabaseName(code), async (db) => {
      try {
        return (await db.put(revision as never, { userCtx: user } as never)).rev;
      } catch (error) {
        throw restError(error);
      }
    });
  }

  /** Deletes a revision (the winner, or a losing one of a conflict) as the user, through the rules. */
  async remove(code: string, user: User, docId: string, rev: string): Promise<void> {
    await this.pool.with(groupDatabaseName(code), async (db) => {
      try {
        await db.put({ _id: docId, _rev: rev, _deleted: true } as never, { userCtx: user } as never);
      } catch (error) {
        throw restError(error);
      }
    });
  }
}
