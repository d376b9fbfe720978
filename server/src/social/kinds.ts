import type { z } from 'zod';
import {
  categorySchema, createCategoryBody, createNeedBody, createOfferBody, createPostBody, DEFAULT_ACCESS, needSchema,
  offerSchema, postSchema, updateCategoryBody, updateNeedBody, updateOfferBody, updatePostBody, type Access,
} from '@mutual/schema';

/** A social document as stored in a group database (the winning revision). */
export interface StoredItem {
  _id: string;
  _rev: string;
  _conflicts?: string[];
  _attachments?: Record<string, { digest?: string; content_type?: string; stub?: boolean; length?: number }>;
  type: string;
  schema: number;
  author: string;
  createdAt: string;
  updatedAt: string;
  code?: string;
  access?: Access;
  [field: string]: unknown;
}

/** A REST resource built from a document: Komunitin's field names, computed flags. */
export type Resource = Record<string, unknown> & { id: string; code: string; access: Access; author: string; created: string; updated: string };

/**
 * One kind of social item served under `/communities/{id}/<plural>`: the document type it is
 * stored as and how its fields show on the REST face.
 */
export interface ItemKind {
  type: 'offer' | 'need' | 'post' | 'category';
  plural: string;
  /** Singular, for messages and tags. */
  label: string;
  /** Starts the default `code` of an item that has none: `O-1A2B3C4D`. */
  codePrefix: string;
  /** Fields copied as they are between document and resource. */
  fields: readonly string[];
  /** Fields holding rich text: sanitised on the way in. */
  richFields: readonly string[];
  /** Fields `filter[search]` looks in. */
  textFields: readonly string[];
  sortFields: readonly string[];
  defaultSort: string;
  expires: boolean;
  /** Whether `access: public` items are published to the directory. */
  published: boolean;
  schema: z.ZodType;
  createBody: z.ZodType;
  updateBody: z.ZodType;
}

export const offerKind: ItemKind = {
  type: 'offer', plural: 'offers', label: 'offer', codePrefix: 'O',
  fields: ['name', 'content', 'category', 'images', 'price', 'expires'], richFields: ['content'], textFields: ['name', 'content', 'price'],
  sortFields: ['created', 'updated', 'name', 'code', 'expires'], defaultSort: '-created', expires: true, published: true,
  schema: offerSchema, createBody: createOfferBody, updateBody: updateOfferBody,
};

export const needKind: ItemKind = {
  type: 'need', plural: 'needs', label: 'need', codePrefix: 'N',
  fields: ['content', 'category', 'images', 'expires'], richFields: ['content'], textFields: ['content'],
  sortFields: ['created', 'updated', 'code', 'expires'], defaultSort: '-created', expires: true, published: true,
  schema: needSchema, createBody: createNeedBody, updateBody: updateNeedBody,
};

export const postKind: ItemKind = {
  type: 'post', plural: 'posts', label: 'post', codePrefix: 'P',
  fields: ['title', 'content'], richFields: ['content'], textFields: ['title', 'content'],
  sortFields: ['created', 'updated', 'title', 'code'], defaultSort: '-created', expires: false, published: false,
  schema: postSchema, createBody: createPostBody, updateBody: updatePostBody,
};

export const categoryKind: ItemKind = {
  type: 'category', plural: 'categories', label: 'category', codePrefix: 'C',
  fields: ['name', 'description', 'icon'], richFields: ['description'], textFields: ['name', 'description'],
  sortFields: ['name', 'code', 'created', 'updated'], defaultSort: 'name', expires: false, published: false,
  schema: categorySchema, createBody: createCategoryBody, updateBody: updateCategoryBody,
};

export const itemKinds: readonly ItemKind[] = [offerKind, needKind, postKind, categoryKind];

/** The REST id of a document: its `_id` without `<type>:`. */
export function itemIdOf(docId: string): string {
  return docId.slice(docId.indexOf(':') + 1);
}

/** The code an item shows when it has none of its own: stable, from its id. */
export function defaultCode(prefix: string, id: string): string {
  const letters = id.replace(/[^A-Za-z0-9]/g, '').slice(0, 8).toUpperCase();
  return letters ? `${prefix}-${letters}` : prefix;
}

export function isExpired(expires: unknown, now: Date): boolean {
  return typeof expires === 'string' && Date.parse(expires) <= now.getTime();
}

/** The fields every resource shows, from the document's base fields. */
export function baseResource(doc: StoredItem, codePrefix: string): Resource {
  const id = itemIdOf(doc._id);
  return {
    id,
    code: doc.code ?? defaultCode(codePrefix, id),
    access: doc.access ?? DEFAULT_ACCESS,
    author: doc.author,
    created: doc.createdAt,
    updated: doc.updatedAt,
  };
}

/** A document as its REST resource, at `now` (for `expired`); `revisions` adds rev and conflicts. */
export function resourceOf(kind: ItemKind, doc: StoredItem, now: Date, revisions = true): Resource {
  const resource = baseResource(doc, kind.codePrefix);
  for (const field of kind.fields) if (doc[field] !== undefined) resource[field] = doc[field];
  if (kind.fields.includes('images')) resource.images ??= [];
  if (kind.expires) resource.expired = isExpired(doc.expires, now);
  if (revisions) {
    resource.rev = doc._rev;
    resource.conflicts = doc._conflicts ?? [];
  }
  return resource;
}
