import { z } from 'zod';
import { groupCodeSchema } from '../communities/group-code.js';
import { roleSchema, userIdSchema } from '../communities/documents.js';
import {
  accessSchema, categoryRefSchema, contactsSchema, expiresSchema, imageSchema, imagesSchema, itemCodeSchema,
  locationSchema, plainText,
} from './fields.js';

// ---- What the REST face answers (Komunitin's Social API fields). ----

/** Fields of every social resource: `created`/`updated` are the documents' `createdAt`/`updatedAt`. */
const resourceFields = {
  id: z.string(),
  code: z.string(),
  access: accessSchema,
  author: userIdSchema,
  created: z.iso.datetime(),
  updated: z.iso.datetime(),
};

/** Only on a group's own face: the winning revision and the losing ones kept as conflicts. */
const revisionFields = {
  rev: z.string(),
  conflicts: z.array(z.string()).meta({ description: 'Losing revisions of concurrent edits: see `…/conflicts`.' }),
};

const expiryFields = {
  expires: z.iso.datetime().optional(),
  expired: z.boolean().meta({ description: 'Computed at read time: `expires` is past. Expired items stay readable.' }),
};

const offerFields = {
  ...resourceFields,
  name: z.string(),
  content: z.string(),
  category: z.string().optional(),
  images: z.array(imageSchema),
  price: z.string().optional(),
  ...expiryFields,
};
const needFields = { ...resourceFields, content: z.string(), category: z.string().optional(), images: z.array(imageSchema), ...expiryFields };
const postFields = { ...resourceFields, title: z.string(), content: z.string() };
const categoryFields = { ...resourceFields, name: z.string(), description: z.string().optional(), icon: z.string().optional() };
const memberCardFields = {
  ...resourceFields,
  userId: userIdSchema,
  name: z.string().optional(),
  kind: z.enum(['person', 'business']).optional(),
  description: z.string().optional(),
  image: imageSchema.optional(),
  location: locationSchema.optional(),
  account: z.string().optional(),
};
const memberFields = {
  ...memberCardFields,
  role: roleSchema,
  joinedAt: z.iso.datetime(),
  contacts: contactsSchema.optional(),
};

export const offerSchema = z.object({ ...offerFields, ...revisionFields }).meta({ id: 'Offer' });
export const needSchema = z.object({ ...needFields, ...revisionFields }).meta({ id: 'Need' });
export const postSchema = z.object({ ...postFields, ...revisionFields }).meta({ id: 'Post' });
export const categorySchema = z.object({ ...categoryFields, ...revisionFields }).meta({ id: 'Category' });
export const memberSchema = z
  .object({ ...memberFields, rev: revisionFields.rev.optional(), conflicts: revisionFields.conflicts })
  .meta({ id: 'Member', description: 'A membership and, when the member wrote one, their profile.' });

/** What the directory shows of a group's public items, to every user. */
const publicFields = { community: groupCodeSchema };
export const publicOfferSchema = z.object({ ...offerFields, ...publicFields }).meta({ id: 'PublicOffer' });
export const publicNeedSchema = z.object({ ...needFields, ...publicFields }).meta({ id: 'PublicNeed' });
export const publicMemberSchema = z
  .object({ ...memberCardFields, ...publicFields })
  .meta({ id: 'PublicMember', description: 'A public member card: no contacts, which stay in the group.' });

export type Offer = z.infer<typeof offerSchema>;
export type Need = z.infer<typeof needSchema>;
export type Post = z.infer<typeof postSchema>;
export type Category = z.infer<typeof categorySchema>;
export type Member = z.infer<typeof memberSchema>;

/** A losing revision of a concurrent edit, as the item it would have been. */
export function conflictsSchema<S extends z.ZodType>(item: S) {
  return z.object({ conflicts: z.array(z.object({ rev: z.string(), item })) });
}

// ---- What the REST face accepts. Rich text is sanitised by the server, not refused. ----

/** `null` removes an optional field in a PATCH. */
const clearable = <S extends z.ZodType>(schema: S) => schema.nullable().optional();
const atLeastOne = (body: object) => Object.keys(body).length > 0;
const richInput = (max: number) => z.string().max(max);
const common = { code: itemCodeSchema.optional(), access: accessSchema.default('group') };
const commonPatch = { code: itemCodeSchema.optional(), access: accessSchema.optional() };
const clientId = { id: z.uuid().optional().meta({ description: 'A client-made UUID (offline clients): 409 if taken.' }) };

export const createOfferBody = z.strictObject({
  ...clientId, ...common,
  name: plainText(200, 1), content: richInput(10_000).default(''), category: categoryRefSchema.optional(),
  images: imagesSchema.optional(), price: plainText(200).optional(), expires: expiresSchema.optional(),
});
export const updateOfferBody = z.strictObject({
  ...commonPatch,
  name: plainText(200, 1).optional(), content: richInput(10_000).optional(), category: clearable(categoryRefSchema),
  images: imagesSchema.optional(), price: clearable(plainText(200)), expires: clearable(expiresSchema),
}).refine(atLeastOne, 'name at least one field to change');

export const createNeedBody = z.strictObject({
  ...clientId, ...common,
  content: richInput(10_000).min(1), category: categoryRefSchema.optional(), images: imagesSchema.optional(),
  expires: expiresSchema.optional(),
});
export const updateNeedBody = z.strictObject({
  ...commonPatch,
  content: richInput(10_000).min(1).optional(), category: clearable(categoryRefSchema), images: imagesSchema.optional(),
  expires: clearable(expiresSchema),
}).refine(atLeastOne, 'name at least one field to change');

export const createPostBody = z.strictObject({ ...clientId, ...common, title: plainText(200, 1), content: richInput(20_000).default('') });
export const updatePostBody = z.strictObject({
  ...commonPatch, title: plainText(200, 1).optional(), content: richInput(20_000).optional(),
}).refine(atLeastOne, 'name at least one field to change');

export const createCategoryBody = z.strictObject({
  ...clientId, ...common, name: plainText(100, 1), description: richInput(2_000).optional(), icon: plainText(100).optional(),
});
export const updateCategoryBody = z.strictObject({
  ...commonPatch, name: plainText(100, 1).optional(), description: clearable(richInput(2_000)), icon: clearable(plainText(100)),
}).refine(atLeastOne, 'name at least one field to change');

const accountRef = z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/);
export const createMemberBody = z.strictObject({
  ...common,
  name: plainText(120, 1), kind: z.enum(['person', 'business']).default('person'), description: richInput(5_000).optional(),
  image: imageSchema.optional(), contacts: contactsSchema.optional(), location: locationSchema.optional(),
  account: accountRef.optional(),
});
export const updateMemberBody = z.strictObject({
  ...commonPatch,
  name: plainText(120, 1).optional(), kind: z.enum(['person', 'business']).optional(), description: clearable(richInput(5_000)),
  image: clearable(imageSchema), contacts: contactsSchema.optional(), location: clearable(locationSchema),
  account: clearable(accountRef),
}).refine(atLeastOne, 'name at least one field to change');

// ---- Lists: filters, sort and cursor pagination. ----

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/** `sort=name` or `sort=-created`: ascending, or descending with `-`. */
export function sortSchema<const F extends string>(fields: readonly F[]) {
  const values = fields.flatMap((field) => [field, `-${field}`]) as [string, ...string[]];
  return z.enum(values).optional().meta({ description: `One of ${fields.join(', ')}; \`-\` sorts descending.` });
}

const filterFields = {
  category: z.string().max(200).optional(),
  author: z.string().max(255).optional(),
  search: z.string().max(200).optional().meta({ description: 'Words all found (case-insensitive) in the text fields.' }),
  expired: z.enum(['true', 'false']).optional(),
};
const pageSchema = z.strictObject({
  after: z.string().max(2000).optional().meta({ description: 'The `next` cursor of the previous page.' }),
  size: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
}).optional().meta({ param: { style: 'deepObject', explode: true } });

/** `filter[category]`, `filter[author]`, `filter[search]`, `filter[expired]`, `sort`, `page[after]`, `page[size]`. */
export function listQuery<const F extends string>(sortFields: readonly F[], extraFilters: z.ZodRawShape = {}) {
  return z.strictObject({
    filter: z.strictObject({ ...filterFields, ...extraFilters }).optional().meta({ param: { style: 'deepObject', explode: true } }),
    sort: sortSchema(sortFields),
    page: pageSchema,
  });
}
export type ListQuery = {
  filter?: { category?: string; author?: string; search?: string; expired?: 'true' | 'false'; community?: string };
  sort?: string;
  page?: { after?: string; size?: number };
};

/** A page of a list; `next` is the `page[after]` of the next page, null on the last. */
export function listPageSchema<S extends z.ZodType>(key: string, item: S) {
  return z.object({ [key]: z.array(item), next: z.string().nullable() });
}

export const directoryFilters = { community: groupCodeSchema.optional() };
