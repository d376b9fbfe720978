import { z } from 'zod';
import { markupInPlainText, SAFE_HREF, unsafeHtml } from './safe-html.js';

/** Who sees a social item: its author and managers, the group's members, or everyone (the directory). */
export const accessSchema = z.enum(['private', 'group', 'public']);
export type Access = z.infer<typeof accessSchema>;
/** What an item without `access` (written before the field existed) counts as. */
export const DEFAULT_ACCESS: Access = 'group';

/** A human-readable code (Komunitin's `code`): `O-1A2B3C4D`, `bread`. */
export const itemCodeSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, "-" and "_", at most 40');

function check(problem: (text: string) => string | undefined) {
  return (text: string, ctx: z.core.$RefinementCtx<string>) => {
    const message = problem(text);
    if (message) ctx.addIssue({ code: 'custom', message });
  };
}

/** A plain-text field: no markup at all. */
export function plainText(max: number, min = 0) {
  return z.string().trim().min(min).max(max).superRefine(check(markupInPlainText));
}

/** A rich-text field: HTML restricted to the safe subset (see safe-html.ts). */
export function richText(max: number, min = 0) {
  return z.string().max(max).refine((text) => text.trim().length >= min, `at least ${min} character(s)`).superRefine(check(unsafeHtml));
}

/**
 * Attachments of a social document. A phone photo scaled for the web fits in 512 KiB; five of
 * them keep a document replicating in well under the 8 MiB body limit.
 */
export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 512 * 1024;
export const attachmentNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** An image: an http(s) URL, or the name of an attachment of the same document. */
export const imageSchema = z.strictObject({
  href: z.string().max(2000).refine(
    (href) => (SAFE_HREF.test(href) && !/^mailto:/i.test(href)) || attachmentNamePattern.test(href),
    'an http(s) URL or the name of an attachment of this document',
  ),
});
export type Image = z.infer<typeof imageSchema>;
export const imagesSchema = z.array(imageSchema).max(10);

/** Whether an image names an attachment rather than a URL. */
export function isAttachmentImage(image: Image): boolean {
  return !/^https?:\/\//i.test(image.href);
}

/** An ISO datetime after which the item is expired: still readable, flagged `expired`. */
export const expiresSchema = z.iso.datetime();

/** A reference to a `category` of the group, by its id (the part after `category:`). */
export const categoryRefSchema = z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/);

/** A GeoJSON point: `[longitude, latitude]`. */
export const locationSchema = z.strictObject({
  type: z.literal('Point'),
  coordinates: z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]),
  name: plainText(200).optional(),
});

/** A way to reach a member: `{ type: 'phone', name: '+32 …' }` as in Komunitin. */
export const contactSchema = z.strictObject({
  type: z.string().regex(/^[a-z][a-z0-9-]{0,29}$/, 'a lowercase word: phone, email, whatsapp, telegram…'),
  name: plainText(200, 1),
});
export const contactsSchema = z.array(contactSchema).max(20);
