import { DEFAULT_ACCESS, type Access } from '@mutual/schema';
import type { MutualEvent } from '../core/event-bus.js';
import { defaultCode, itemIdOf, type StoredItem } from './kinds.js';

/** What a social event tells about its item (its full content is one GET away). */
export interface SocialItemEvent {
  type: 'offer' | 'need' | 'post';
  /** The REST id; the document is `<type>:<id>` in `group-<group>`. */
  id: string;
  code: string;
  author: string;
  access: Access;
  /** The offer's name, the post's title, the start of the need's text. */
  title: string;
  expires?: string;
}

declare module '../core/event-bus.js' {
  interface MutualEvents {
    /** A new offer is in a group (whatever its access: `data.access` says who may hear of it). */
    OfferPublished: SocialItemEvent;
    NeedPublished: SocialItemEvent;
    /** An offer's `expires` passed (found by the expiry sweep). */
    OfferExpired: SocialItemEvent;
    PostPublished: SocialItemEvent;
  }
}

export type SocialEventName = 'OfferPublished' | 'NeedPublished' | 'OfferExpired' | 'PostPublished';

export const PUBLISHED_EVENT: Record<string, SocialEventName> = { offer: 'OfferPublished', need: 'NeedPublished', post: 'PostPublished' };
const CODE_PREFIX: Record<string, string> = { offer: 'O', need: 'N', post: 'P' };

function titleOf(doc: StoredItem): string {
  const text = [doc.name, doc.title, doc.content].find((value) => typeof value === 'string' && value.trim() !== '') as string | undefined;
  const plain = (text ?? '').replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain.length > 120 ? `${plain.slice(0, 119)}…` : plain;
}

/**
 * The event for a document; its id is the same every time the same thing happens (an
 * expiry is of one `expires` value), so a listener can tell a repeat after a restart.
 */
export function socialEvent(name: SocialEventName, group: string, doc: StoredItem, time: Date): MutualEvent<SocialEventName> {
  const id = itemIdOf(doc._id);
  const data: SocialItemEvent = {
    type: doc.type as SocialItemEvent['type'],
    id,
    code: doc.code ?? defaultCode(CODE_PREFIX[doc.type] ?? 'X', id),
    author: doc.author,
    access: doc.access ?? DEFAULT_ACCESS,
    title: titleOf(doc),
    ...(typeof doc.expires === 'string' && { expires: doc.expires }),
  };
  const occurrence = name === 'OfferExpired' ? `:${String(doc.expires)}` : '';
  const event: MutualEvent<SocialEventName> = { id: `${name}:${group}:${doc._id}${occurrence}`, name, group, time: time.toISOString(), data };
  // A private item is its author's alone (managers read it in the group, but hear of it only there).
  return data.access === 'private' ? { ...event, users: [doc.author], onlyUsers: true } : event;
}
