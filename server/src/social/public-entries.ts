import { isAttachmentImage, SERVER_NAME, type Image } from '@mutual/schema';
import type { Resource, StoredItem } from './kinds.js';

/** What the directory publishes of a group: its public offers, needs and member cards. */
export type PublishedKind = 'offer' | 'need' | 'member';

/** Attachments as a directory entry carries them: copies, or stubs of copies made before. */
type EntryAttachments = Record<string, { content_type?: string; digest?: string; data?: unknown; stub?: boolean }>;

/**
 * A public item in the `directory` database, `<kind>:<group>:<id>`; server-written. `item` is
 * the resource as the group's REST face shows it, without what is computed at read time
 * (`expired`) or only the group sees (revisions, contacts); images that name attachments
 * are served from the entry's own copies (`/db/directory/<entry id>/<name>`).
 */
export interface DirectoryEntry {
  _id: string;
  _rev?: string;
  _attachments?: EntryAttachments;
  type: PublishedKind;
  schema: 1;
  createdAt: string;
  updatedAt: string;
  author: typeof SERVER_NAME;
  group: string;
  /** The `_id` of the document it publishes, in `group-<group>`. */
  source: string;
  item: Resource;
}

export function entryId(kind: PublishedKind, group: string, id: string): string {
  return `${kind}:${group}:${id}`;
}

/** The entry's item as published: no revisions, no `expired` (it changes with time). */
export function publicItem(resource: Resource): Resource {
  const { rev: _rev, conflicts: _conflicts, expired: _expired, ...item } = resource;
  return item as Resource;
}

/** The attachments of a document that its images name: what the directory copies. */
export function imageAttachments(doc: StoredItem): string[] {
  const images = [...((doc.images as Image[] | undefined) ?? []), ...(doc.image ? [doc.image as Image] : [])];
  const names = images.filter(isAttachmentImage).map((image) => image.href);
  return [...new Set(names)].filter((name) => doc._attachments?.[name] !== undefined).sort();
}

/** Whether an entry already publishes this item with these attachments (by content digest). */
export function publishes(entry: DirectoryEntry, item: Resource, source: StoredItem, names: string[]): boolean {
  if (JSON.stringify(entry.item) !== JSON.stringify(item)) return false;
  const copied = Object.keys(entry._attachments ?? {}).sort();
  if (copied.join('\n') !== names.join('\n')) return false;
  return names.every((name) => entry._attachments?.[name]?.digest === source._attachments?.[name]?.digest);
}
