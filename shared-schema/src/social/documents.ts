import { z } from 'zod';
import { defineDocumentType, type AttachmentLimits, type DocumentPlace } from '../documents/base.js';
import {
  accessSchema, attachmentNamePattern, categoryRefSchema, contactsSchema, expiresSchema, imageSchema, imagesSchema,
  isAttachmentImage, itemCodeSchema, locationSchema, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, plainText, richText,
  type Image,
} from './fields.js';

const attachments: AttachmentLimits = { max: MAX_ATTACHMENTS, maxBytes: MAX_ATTACHMENT_BYTES, names: attachmentNamePattern };

/** Images that name an attachment must name one the document carries. */
function imagesAttached(doc: Record<string, unknown>): string | undefined {
  const images = [...((doc.images as Image[] | undefined) ?? []), ...(doc.image ? [doc.image as Image] : [])];
  const attached = (doc._attachments ?? {}) as Record<string, unknown>;
  const missing = images.find((image) => isAttachmentImage(image) && !Object.prototype.hasOwnProperty.call(attached, image.href));
  return missing && `image "${missing.href}" names no attachment of this document`;
}

/** Social content: written by members offline or online, attachments capped, images checked. */
const social = (writers: DocumentPlace['writers']): DocumentPlace => ({
  writers, databases: ['group'], attachments, check: imagesAttached,
});

/**
 * Fields every social item has besides the base ones (Komunitin's `code` and `access`).
 * Optional in the stored document, so replicas that wrote items before they existed stay
 * valid; the REST face always fills them, and readers take a missing `access` as `group`.
 */
const itemFields = { code: itemCodeSchema.optional(), access: accessSchema.optional() };

/**
 * An offer of a member to the group. Its first shape had only `name` and `content`; every
 * later field is optional so those documents stay valid.
 */
export const offerDocument = defineDocumentType('offer', social('people'), {
  ...itemFields,
  name: plainText(200, 1),
  content: richText(10_000),
  category: categoryRefSchema.optional(),
  images: imagesSchema.optional(),
  /** A hint of the price, in words: "2 hours", "10 bakers' coins per kilo". */
  price: plainText(200).optional(),
  expires: expiresSchema.optional(),
});

/** Something a member needs. */
export const needDocument = defineDocumentType('need', social('people'), {
  ...itemFields,
  content: richText(10_000, 1),
  category: categoryRefSchema.optional(),
  images: imagesSchema.optional(),
  expires: expiresSchema.optional(),
});

/** News of the group; managers only. */
export const postDocument = defineDocumentType('post', social('managers'), {
  ...itemFields,
  title: plainText(200, 1),
  content: richText(20_000),
});

/** A category of offers and needs; managers only. */
export const categoryDocument = defineDocumentType('category', social('managers'), {
  ...itemFields,
  name: plainText(100, 1),
  description: richText(2_000).optional(),
  /** An icon name (Material Symbols, as Komunitin) or an emoji. */
  icon: plainText(100).optional(),
});

/**
 * A member's profile in the group, `member-profile:<user key>`: edited by that member or a
 * manager. The membership itself (role) is the server's `member` document with the same key.
 */
export const memberProfileDocument = defineDocumentType('member-profile', { ...social('people'), keyedByAuthor: true }, {
  ...itemFields,
  name: plainText(120, 1),
  kind: z.enum(['person', 'business']),
  description: richText(5_000).optional(),
  image: imageSchema.optional(),
  contacts: contactsSchema.optional(),
  location: locationSchema.optional(),
  /** The member's account in the group's currency, by its code. */
  account: z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/).optional(),
});

export type OfferDocument = z.infer<typeof offerDocument.schema>;
export type NeedDocument = z.infer<typeof needDocument.schema>;
export type PostDocument = z.infer<typeof postDocument.schema>;
export type CategoryDocument = z.infer<typeof categoryDocument.schema>;
export type MemberProfileDocument = z.infer<typeof memberProfileDocument.schema>;

/** The social module's types, as registered in modules.ts. */
export const socialDocumentTypes = [offerDocument, needDocument, postDocument, categoryDocument, memberProfileDocument];
