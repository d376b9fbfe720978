import { z } from 'zod';
import {
  communityListSchema, errors, recommendationSchema, registrationListSchema, updateUserBody, userParams, userSchema,
} from '@mutual/schema';
import { route, type ApiRoute, type RouteInput } from '../../core/http/api-route.js';
import { recommend } from '../recommendations.js';
import { registrationOf } from '../registrations.js';
import type { CommunityServices } from '../services.js';
import { userDatabaseOf } from '../user-databases.js';

const tags = ['users'];

/** `{userId}` may be `me`; every user route is about oneself only. */
function self({ params, user }: RouteInput<{ userId: string }, unknown, unknown>): string {
  const userId = params.userId === 'me' ? user.name : params.userId;
  if (userId !== user.name) throw errors.forbidden('you may only see your own');
  return userId;
}

export function userRoutes({ communities, memberships, users }: CommunityServices): ApiRoute[] {
  async function describe(user: string) {
    return { id: user, database: userDatabaseOf(user), skills: await users.skills(user) };
  }

  return [
    route({
      method: 'get', path: '/users/:userId', tags, summary: 'Your profile (`me`): your database and skills',
      params: userParams,
      responses: { 200: { description: 'The user', schema: userSchema }, 403: { description: 'Someone else' } },
      handler: async (input) => ({ status: 200, body: await describe(self(input)) }),
    }),
    route({
      method: 'put', path: '/users/:userId', tags, summary: 'Set your skills (`PUT /users/me`)',
      params: userParams, body: updateUserBody,
      responses: { 200: { description: 'The user', schema: userSchema }, 403: { description: 'Someone else' } },
      handler: async (input) => {
        const user = self(input);
        await users.setSkills(user, input.body.skills);
        return { status: 200, body: await describe(user) };
      },
    }),
    route({
      method: 'get', path: '/users/:userId/communities', tags, summary: 'The communities you belong to',
      params: userParams,
      responses: {
        200: { description: 'Your communities', schema: communityListSchema },
        403: { description: 'Someone else' },
      },
      handler: async (input) => {
        const mine = memberships.groupsOf(self(input));
        const all = await communities.list();
        return { status: 200, body: { communities: all.filter((community) => mine.has(community.code)) } };
      },
    }),
    route({
      method: 'get', path: '/users/:userId/community-recommendations', tags,
      summary: 'Communities you are not in, by matching skills (priority ≥ 2), then size',
      params: userParams,
      responses: {
        200: { description: 'Recommendations', schema: z.object({ recommendations: z.array(recommendationSchema) }) },
        403: { description: 'Someone else' },
      },
      handler: async (input) => {
        const user = self(input);
        const mine = new Set(memberships.groupsOf(user).keys());
        const ranked = recommend(await communities.list(), await users.skills(user), mine);
        return { status: 200, body: { recommendations: ranked } };
      },
    }),
    route({
      method: 'get', path: '/users/:userId/registrations', tags, summary: 'Your invitations and join requests',
      params: userParams,
      responses: {
        200: { description: 'Your registrations', schema: registrationListSchema },
        403: { description: 'Someone else' },
      },
      handler: async (input) => ({
        status: 200,
        body: { registrations: (await users.registrations(self(input))).map(registrationOf) },
      }),
    }),
  ];
}
