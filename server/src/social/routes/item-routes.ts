import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { conflictsSchema, errors, groupCodeSchema, listPageSchema, listQuery, type ListQuery } from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { fieldsFromBody, patched, withRetries } from '../edits.js';
import { assertValidDocument, type User } from '../group-items.js';
import { defaultCode, resourceOf, type ItemKind, type StoredItem } from '../kinds.js';
import { listPage } from '../listing.js';
import type { SocialServices } from '../services.js';

export const itemIdSchema = z.string().regex(/^[A-Za-z0-9._:@-]{1,200}$/);
const itemParams = z.object({ id: groupCodeSchema, itemId: itemIdSchema });
const revisionParams = z.object({ id: groupCodeSchema, itemId: itemIdSchema, rev: z.string().regex(/^\d+-[0-9a-f]{1,64}$/) });

const errorResponses = {
  403: { description: 'Not a member, or the rules refuse the write' },
  404: { description: 'No such community, or no such item that you may see' },
};

/** GET, POST, PATCH, DELETE of one kind of social item, and its conflicts, under a community. */
export function itemRoutes(kind: ItemKind, services: SocialServices): ApiRoute[] {
  const { items } = services;
  const tags = [kind.plural];
  const base = `/communities/:id/${kind.plural}`;
  const docId = (itemId: string) => `${kind.type}:${itemId}`;
  const show = (doc: StoredItem) => resourceOf(kind, doc, services.now());

  /** A category named by an offer or need must be one of the group's. */
  async function assertCategory(code: string, user: User, category: unknown): Promise<void> {
    if (typeof category !== 'string') return;
    const found = await items.find(code, `category:${category}`);
    if (!found || !items.canSee(code, user, found))
      throw errors.validationFailed([{ path: 'body.category', message: `no category ${category} in ${code}` }]);
  }

  return [
    route({
      method: 'get', path: base, tags, summary: `The ${kind.plural} of a community (members only)`,
      params: z.object({ id: groupCodeSchema }), query: listQuery(kind.sortFields),
      responses: { 200: { description: `A page of ${kind.plural}`, schema: listPageSchema(kind.plural, kind.schema) }, 400: { description: 'A bad filter, sort or cursor' }, ...errorResponses },
      handler: async ({ params, query, user }) => {
        await items.requireMember(params.id, user);
        const visible = (await items.list(params.id, kind.type)).filter((doc) => items.canSee(params.id, user, doc));
        const page = listPage(visible.map(show), query as ListQuery, { defaultSort: kind.defaultSort, textFields: kind.textFields });
        return { status: 200, body: { [kind.plural]: page.items, next: page.next } };
      },
    }),
    route({
      method: 'post', path: base, tags, summary: `Publish a ${kind.label} (its rich text is sanitised)`,
      params: z.object({ id: groupCodeSchema }), body: kind.createBody,
      responses: { 201: { description: `The ${kind.label}`, schema: kind.schema }, 400: { description: 'Invalid body' }, 409: { description: 'The client-made id is taken' }, ...errorResponses },
      handler: async ({ params, body, user }) => {
        await items.requireMember(params.id, user);
        const input = body as Record<string, unknown>;
        const itemId = typeof input.id === 'string' ? input.id : randomUUID();
        const now = services.now().toISOString();
        const doc: Record<string, unknown> & { _id: string } = {
          _id: docId(itemId), type: kind.type, schema: 1, createdAt: now, updatedAt: now, author: user.name,
          code: defaultCode(kind.codePrefix, itemId), ...fieldsFromBody(kind.fields, kind.richFields, input),
        };
        assertValidDocument(doc);
        await assertCategory(params.id, user, doc.category);
        if (await items.find(params.id, doc._id)) throw errors.conflict(`${kind.label} ${itemId} exists`);
        await items.write(params.id, user, doc);
        return { status: 201, body: show(await items.visible(params.id, user, doc._id, kind.label)) };
      },
    }),
    route({
      method: 'get', path: `${base}/:itemId`, tags, summary: `One ${kind.label}, with the revisions its concurrent edits left in conflict`,
      params: itemParams,
      responses: { 200: { description: `The ${kind.label}`, schema: kind.schema }, ...errorResponses },
      handler: async ({ params, user }) => {
        await items.requireMember(params.id, user);
        return { status: 200, body: show(await items.visible(params.id, user, docId(params.itemId), kind.label)) };
      },
    }),
    route({
      method: 'patch', path: `${base}/:itemId`, tags, summary: `Change some fields of a ${kind.label} (its author or a manager); null removes a field`,
      params: itemParams, body: kind.updateBody,
      responses: { 200: { description: `The ${kind.label}`, schema: kind.schema }, 400: { description: 'Invalid body' }, ...errorResponses },
      handler: async ({ params, body, user }) => {
        await items.requireMember(params.id, user);
        const input = body as Record<string, unknown>;
        await assertCategory(params.id, user, input.category);
        const written = await withRetries(async () => {
          const current = await items.visible(params.id, user, docId(params.itemId), kind.label);
          const next = patched(current, kind.fields, kind.richFields, input, services.now().toISOString());
          assertValidDocument(next);
          await items.write(params.id, user, next);
          return next._id;
        });
        return { status: 200, body: show(await items.visible(params.id, user, written, kind.label)) };
      },
    }),
    route({
      method: 'delete', path: `${base}/:itemId`, tags, summary: `Delete a ${kind.label} (its author or a manager)`,
      params: itemParams,
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
      handler: async ({ params, user }) => {
        await items.requireMember(params.id, user);
        const current = await items.visible(params.id, user, docId(params.itemId), kind.label);
        await items.remove(params.id, user, current._id, current._rev);
        return { status: 204 };
      },
    }),
    ...conflictRoutes(services, {
      base: `${base}/:itemId`, tags, label: kind.label, params: itemParams, revisionParams,
      docId: (params) => docId(params.itemId), schema: kind.schema, show,
    }),
  ];
}

export interface ConflictTarget<P extends { id: string }> {
  base: string;
  tags: string[];
  label: string;
  params: z.ZodType<P>;
  revisionParams: z.ZodType<P & { rev: string }>;
  docId(params: P, user: User): string;
  schema: z.ZodType;
  show(doc: StoredItem): unknown;
}

/**
 * The losing revisions of concurrent edits. CouchDB and PouchDB already agree on one winner
 * everywhere; the losers are kept, shown here, and discarded by their author or a manager.
 */
export function conflictRoutes<P extends { id: string }>(services: SocialServices, target: ConflictTarget<P>): ApiRoute[] {
  const { items } = services;
  return [
    route({
      method: 'get', path: `${target.base}/conflicts`, tags: target.tags,
      summary: `The losing revisions of concurrent edits of a ${target.label}`,
      params: target.params,
      responses: { 200: { description: 'The losing revisions', schema: conflictsSchema(target.schema) }, ...errorResponses },
      handler: async ({ params, user }) => {
        await items.requireMember(params.id, user);
        const current = await items.visible(params.id, user, target.docId(params, user), target.label);
        const losers = await Promise.all((current._conflicts ?? []).map((rev) => items.revision(params.id, current._id, rev)));
        const conflicts = losers.flatMap((doc) => (doc ? [{ rev: doc._rev, item: target.show(doc) }] : []));
        return { status: 200, body: { conflicts } };
      },
    }),
    route({
      method: 'delete', path: `${target.base}/conflicts/:rev`, tags: target.tags,
      summary: `Discard a losing revision of a ${target.label} (its author or a manager)`,
      params: target.revisionParams,
      responses: { 204: { description: 'Discarded' }, ...errorResponses },
      handler: async ({ params, user }) => {
        await items.requireMember(params.id, user);
        const current = await items.visible(params.id, user, target.docId(params, user), target.label);
        if (!(current._conflicts ?? []).includes(params.rev)) throw errors.notFound(`${params.rev} is not a conflict of this ${target.label}`);
        await items.remove(params.id, user, current._id, params.rev);
        return { status: 204 };
      },
    }),
  ];
}
