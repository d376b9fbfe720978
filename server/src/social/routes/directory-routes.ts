import { z } from 'zod';
import {
  directoryFilters, errors, listPageSchema, listQuery, publicMemberSchema, publicNeedSchema, publicOfferSchema,
  type ListQuery,
} from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { isExpired, type Resource } from '../kinds.js';
import { listPage } from '../listing.js';
import type { DirectoryEntry, PublishedKind } from '../public-entries.js';
import type { SocialServices } from '../services.js';
import { itemIdSchema } from './item-routes.js';

interface PublicKind {
  kind: PublishedKind;
  plural: string;
  schema: z.ZodType;
  sortFields: readonly string[];
  defaultSort: string;
  textFields: readonly string[];
}

const publicKinds: PublicKind[] = [
  { kind: 'offer', plural: 'offers', schema: publicOfferSchema, sortFields: ['created', 'updated', 'name', 'expires'], defaultSort: '-created', textFields: ['name', 'content', 'price'] },
  { kind: 'need', plural: 'needs', schema: publicNeedSchema, sortFields: ['created', 'updated', 'expires'], defaultSort: '-created', textFields: ['content'] },
  { kind: 'member', plural: 'members', schema: publicMemberSchema, sortFields: ['name', 'created', 'updated'], defaultSort: 'name', textFields: ['name', 'description'] },
];

/**
 * `/directory/{offers|needs|members}`: the public items of every community on this server,
 * for any signed-in user, member or not. Read from the `directory` database, which the
 * social feature keeps in step with the groups; items of archived communities are left out.
 */
export function directoryRoutes(services: SocialServices): ApiRoute[] {
  async function published(kind: PublishedKind): Promise<(Resource & { community: string })[]> {
    const served = new Set((await services.listings.active()).map((listing) => listing.code));
    const entries = await services.directory.allDocs({ startkey: `${kind}:`, endkey: `${kind}:\uffff`, include_docs: true });
    const now = services.now();
    return entries.rows.flatMap((row) => {
      const entry = row.doc as unknown as DirectoryEntry | undefined;
      if (!entry || !served.has(entry.group)) return [];
      const item = { ...entry.item, community: entry.group };
      return [kind === 'member' ? item : { ...item, expired: isExpired(entry.item.expires, now) }];
    });
  }

  return publicKinds.flatMap((kind): ApiRoute[] => [
    route({
      method: 'get', path: `/directory/${kind.plural}`, tags: ['directory'],
      summary: `The public ${kind.plural} of every community (any signed-in user)`,
      query: listQuery(kind.sortFields, directoryFilters),
      responses: {
        200: { description: `A page of public ${kind.plural}`, schema: listPageSchema(kind.plural, kind.schema) },
        400: { description: 'A bad filter, sort or cursor' },
      },
      handler: async ({ query }) => {
        const page = listPage(await published(kind.kind), query as ListQuery, {
          defaultSort: kind.defaultSort, textFields: kind.textFields, uid: (item) => `${item.community}:${item.id}`,
        });
        return { status: 200, body: { [kind.plural]: page.items, next: page.next } };
      },
    }),
    route({
      method: 'get', path: `/directory/${kind.plural}/:itemId`, tags: ['directory'],
      summary: `One public ${kind.kind}`,
      params: z.object({ itemId: itemIdSchema }),
      responses: { 200: { description: `The public ${kind.kind}`, schema: kind.schema }, 404: { description: `No public ${kind.kind} with this id` } },
      handler: async ({ params }) => {
        const item = (await published(kind.kind)).find((candidate) => candidate.id === params.itemId);
        if (!item) throw errors.notFound(`no public ${kind.kind} ${params.itemId}`);
        return { status: 200, body: item };
      },
    }),
  ]);
}
