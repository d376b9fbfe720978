import { z } from 'zod';
import {
  createMemberBody, errors, groupCodeSchema, listPageSchema, listQuery, memberSchema, updateMemberBody, type ListQuery,
} from '@mutual/schema';
import { userKey } from '../../core/auth/user-key.js';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { fieldsFromBody, patched, withRetries } from '../edits.js';
import { assertValidDocument, type User } from '../group-items.js';
import { defaultCode, itemIdOf, type StoredItem } from '../kinds.js';
import { listPage } from '../listing.js';
import {
  MEMBER_CODE_PREFIX, memberOf, PROFILE_FIELDS, PROFILE_RICH_FIELDS, profileId, profileResourceOf, type StoredMembership,
} from '../members.js';
import type { SocialServices } from '../services.js';
import { conflictRoutes } from './item-routes.js';

const tags = ['members'];
const base = '/communities/:id/members';
const memberParams = z.object({
  id: groupCodeSchema,
  memberId: z.union([z.literal('me'), z.string().regex(/^[0-9a-f]{32}$/)]).meta({ description: 'A member’s id, or `me`' }),
});
const revisionParams = memberParams.extend({ rev: z.string().regex(/^\d+-[0-9a-f]{1,64}$/) });
/** A profile revision alone (a losing one of a conflict): a member without the membership. */
const memberProfileSchema = memberSchema.omit({ userId: true, role: true, joinedAt: true });
const sortFields = ['name', 'code', 'created', 'updated', 'joinedAt'] as const;
const errorResponses = {
  403: { description: 'Not a member, or the rules refuse the write' },
  404: { description: 'No such community or member' },
};

/**
 * `/communities/{id}/members`: each membership (the server's `member` document, whose role
 * comes from the communities API) merged with the profile the member writes
 * (`member-profile:<key>`). POST writes your own profile; PATCH and DELETE change a profile
 * (its member or a manager); joining and leaving stay with `/communities/{id}/users`.
 */
export function memberRoutes(services: SocialServices): ApiRoute[] {
  const { items } = services;
  const keyOf = (user: User, memberId: string) => (memberId === 'me' ? userKey(user.name) : memberId);

  async function membership(code: string, key: string): Promise<StoredMembership> {
    const found = (await items.find(code, `member:${key}`)) as StoredMembership | undefined;
    if (!found) throw errors.notFound(`no member ${key} in ${code}`);
    return found;
  }

  async function show(code: string, user: User, key: string) {
    const profile = await items.find(code, profileId(key));
    return memberOf(await membership(code, key), profile, profile !== undefined && items.canSee(code, user, profile));
  }

  async function ownProfile(code: string, user: User, key: string): Promise<StoredItem> {
    await membership(code, key);
    const profile = await items.find(code, profileId(key));
    if (!profile || !items.canSee(code, user, profile)) throw errors.notFound(`member ${key} has no profile: POST one`);
    return profile;
  }

  return [
    route({
      method: 'get', path: base, tags, summary: 'The members of a community with their profiles (members only)',
      params: z.object({ id: groupCodeSchema }), query: listQuery(sortFields),
      responses: { 200: { description: 'A page of members', schema: listPageSchema('members', memberSchema) }, 400: { description: 'A bad filter, sort or cursor' }, ...errorResponses },
      handler: async ({ params, query, user }) => {
        await items.requireMember(params.id, user);
        const memberships = (await items.list(params.id, 'member')) as StoredMembership[];
        const profiles = new Map((await items.list(params.id, 'member-profile')).map((doc) => [itemIdOf(doc._id), doc]));
        const members = memberships.map((membership) => {
          const profile = profiles.get(itemIdOf(membership._id));
          return memberOf(membership, profile, profile !== undefined && items.canSee(params.id, user, profile));
        });
        const page = listPage(members, query as ListQuery, { defaultSort: 'name', textFields: ['name', 'description'] });
        return { status: 200, body: { members: page.items, next: page.next } };
      },
    }),
    route({
      method: 'post', path: base, tags, summary: 'Write your own profile in a community (once; then PATCH it)',
      params: z.object({ id: groupCodeSchema }), body: createMemberBody,
      responses: { 201: { description: 'You, as a member', schema: memberSchema }, 400: { description: 'Invalid body' }, 409: { description: 'You have a profile' }, ...errorResponses },
      handler: async ({ params, body, user }) => {
        await items.requireMember(params.id, user);
        const key = userKey(user.name);
        const now = services.now().toISOString();
        const doc = {
          _id: profileId(key), type: 'member-profile', schema: 1, createdAt: now, updatedAt: now, author: user.name,
          code: defaultCode(MEMBER_CODE_PREFIX, key), ...fieldsFromBody(PROFILE_FIELDS, PROFILE_RICH_FIELDS, body),
        };
        assertValidDocument(doc);
        if (await items.find(params.id, doc._id)) throw errors.conflict('you have a profile: PATCH it');
        await items.write(params.id, user, doc);
        return { status: 201, body: await show(params.id, user, key) };
      },
    }),
    route({
      method: 'get', path: `${base}/:memberId`, tags, summary: 'One member with their profile',
      params: memberParams,
      responses: { 200: { description: 'The member', schema: memberSchema }, ...errorResponses },
      handler: async ({ params, user }) => {
        await items.requireMember(params.id, user);
        return { status: 200, body: await show(params.id, user, keyOf(user, params.memberId)) };
      },
    }),
    route({
      method: 'patch', path: `${base}/:memberId`, tags, summary: 'Change a profile (its member or a manager); null removes a field',
      params: memberParams, body: updateMemberBody,
      responses: { 200: { description: 'The member', schema: memberSchema }, 400: { description: 'Invalid body' }, ...errorResponses },
      handler: async ({ params, body, user }) => {
        await items.requireMember(params.id, user);
        const key = keyOf(user, params.memberId);
        await withRetries(async () => {
          const next = patched(await ownProfile(params.id, user, key), PROFILE_FIELDS, PROFILE_RICH_FIELDS, body, services.now().toISOString());
          assertValidDocument(next);
          await items.write(params.id, user, next);
        });
        return { status: 200, body: await show(params.id, user, key) };
      },
    }),
    route({
      method: 'delete', path: `${base}/:memberId`, tags, summary: 'Delete a profile (its member or a manager); the membership stays',
      params: memberParams,
      responses: { 204: { description: 'Deleted' }, ...errorResponses },
      handler: async ({ params, user }) => {
        await items.requireMember(params.id, user);
        const profile = await ownProfile(params.id, user, keyOf(user, params.memberId));
        await items.remove(params.id, user, profile._id, profile._rev);
        return { status: 204 };
      },
    }),
    ...conflictRoutes(services, {
      base: `${base}/:memberId`, tags, label: 'member profile', params: memberParams, revisionParams,
      docId: (params, user) => profileId(keyOf(user, params.memberId)),
      schema: memberProfileSchema,
      show: profileResourceOf,
    }),
  ];
}
