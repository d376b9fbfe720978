import { DEFAULT_ACCESS, SERVER_NAME, typeOfDocumentId } from '@mutual/schema';
import { missingAsUndefined, type Database } from '../core/store/pouchdb.js';
import { serverStamp, writeAsServer } from '../core/store/write-as-server.js';
import { itemIdOf, needKind, offerKind, resourceOf, type ItemKind, type StoredItem } from './kinds.js';
import { memberCardOf, profileId, type StoredMembership } from './members.js';
import {
  entryId, imageAttachments, publicItem, publishes, type DirectoryEntry, type PublishedKind,
} from './public-entries.js';
import type { Change } from '../core/store/change-reactions.js';
import type { ChangeHandler } from './social-reaction.js';

const itemKinds: Record<string, ItemKind> = { offer: offerKind, need: needKind };

async function found<T>(db: Database, id: string, options: object = {}): Promise<T | undefined> {
  return (await db.get(id, options).catch(missingAsUndefined)) as T | undefined;
}

const isPublic = (doc: StoredItem | undefined): doc is StoredItem => doc !== undefined && (doc.access ?? DEFAULT_ACCESS) === 'public';

/**
 * A document whose one leaf is its first revision never had another state (the reactions read
 * `style=all_docs`, so conflicts and deletions show as leaves): when it is not public, nothing
 * of it can be in the directory, and looking there is skipped (most new offers and needs).
 */
const neverOtherwise = (change: Change) => change.changes.length === 1 && change.changes[0]!.rev.startsWith('1-');

const PUBLISHED_KINDS: PublishedKind[] = ['offer', 'need', 'member'];

/** Withdraws every entry a community published (it was deleted); running it again changes nothing. */
export async function withdrawCommunity(directory: Database, group: string): Promise<void> {
  const results = await Promise.all(PUBLISHED_KINDS.map((kind) => {
    const prefix = entryId(kind, group, '');
    return directory.allDocs({ startkey: prefix, endkey: `${prefix}\uffff` });
  }));
  const tombstones = results.flatMap((result) => result.rows.map((row) => ({ _id: row.id, _rev: row.value.rev, _deleted: true })));
  if (tombstones.length > 0) await writeAsServer(directory, tombstones);
}

/**
 * Publishes the `access: public` offers, needs and member cards of every group to the
 * `directory` database, and withdraws them when they become private or group-only, are
 * deleted, their member leaves, or their community is deleted. It follows the group databases' change feeds (see
 * social-reaction.ts), so what changed while the server was down is published when it starts,
 * and each step compares with what the directory holds: running it twice changes nothing.
 */
export function directoryPublishing(directory: Database, isDeleted: (group: string) => Promise<boolean>, now: () => Date): ChangeHandler {
  async function sync(kind: PublishedKind, group: string, id: string, db: Database, source: StoredItem | undefined,
    item: DirectoryEntry['item'] | undefined): Promise<void> {
    const _id = entryId(kind, group, id);
    const current = await found<DirectoryEntry>(directory, _id);
    if (!source || !item) {
      if (current) await writeAsServer(directory, [{ _id, _rev: current._rev, _deleted: true }]);
      return;
    }
    const names = imageAttachments(source);
    if (current && publishes(current, item, source, names)) return;
    const withData = names.length > 0
      ? await found<StoredItem>(db, source._id, { attachments: true, binary: true })
      : undefined;
    const _attachments = Object.fromEntries(names.flatMap((name) => {
      const attachment = withData?._attachments?.[name] as { content_type?: string; data?: unknown } | undefined;
      return attachment?.data === undefined ? [] : [[name, { content_type: attachment.content_type, data: attachment.data }]];
    }));
    const stamp = serverStamp(now().toISOString());
    const entry: DirectoryEntry = {
      _id, type: kind, ...stamp, schema: 1, createdAt: current?.createdAt ?? stamp.createdAt, author: SERVER_NAME,
      group, source: source._id, item,
      ...(current?._rev && { _rev: current._rev }),
      ...(names.length > 0 && { _attachments }),
    };
    await writeAsServer(directory, [entry]);
  }

  async function publishItem(group: string, db: Database, kind: ItemKind, doc: StoredItem | undefined, id: string) {
    const published = isPublic(doc) ? doc : undefined;
    await sync(kind.type as PublishedKind, group, id, db, published, published && publicItem(resourceOf(kind, published, now(), false)));
  }

  /** A member card needs both the membership (still a member) and a public profile. */
  async function publishCard(group: string, db: Database, key: string) {
    const membership = await found<StoredMembership>(db, `member:${key}`);
    const profile = await found<StoredItem>(db, profileId(key));
    const published = membership && isPublic(profile) ? profile : undefined;
    await sync('member', group, key, db, published, published && membership && publicItem(memberCardOf(membership, published)));
  }

  return async (group, db, changes) => {
    if (await isDeleted(group)) return withdrawCommunity(directory, group);
    for (const change of changes) {
      const type = typeOfDocumentId(change.id);
      const id = itemIdOf(change.id);
      const kind = type === undefined ? undefined : itemKinds[type];
      const doc = change.deleted ? undefined : (change.doc as StoredItem | undefined);
      if (kind && !isPublic(doc) && neverOtherwise(change)) continue;
      if (kind) await publishItem(group, db, kind, doc, id);
      else if (type === 'member' || type === 'member-profile') await publishCard(group, db, id);
    }
  };
}
