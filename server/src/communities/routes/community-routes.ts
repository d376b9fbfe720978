import { communityListSchema, communityParams, communitySchema, createCommunityBody, updateCommunityBody } from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import { NAMES_LOCK, type CommunityServices } from '../services.js';

const tags = ['communities'];

export function communityRoutes({ communities, locks }: CommunityServices): ApiRoute[] {
  return [
    route({
      method: 'get', path: '/communities', tags, summary: 'List the communities',
      responses: { 200: { description: 'Every community served here', schema: communityListSchema } },
      handler: async () => ({ status: 200, body: { communities: await communities.list() } }),
    }),
    route({
      method: 'post', path: '/communities', tags, summary: 'Create a community; the creator becomes its manager',
      body: createCommunityBody,
      responses: {
        201: { description: 'Created', schema: communitySchema },
        400: { description: 'A bad body' },
        409: { description: 'The code or the name (ignoring case) is taken' },
      },
      handler: async ({ body, user }) => ({
        status: 201,
        body: await locks.run(NAMES_LOCK, () => communities.create(body, user.name)),
      }),
    }),
    route({
      method: 'get', path: '/communities/:id', tags, summary: 'One community', params: communityParams,
      responses: { 200: { description: 'The community', schema: communitySchema }, 404: { description: 'Unknown or deleted' } },
      handler: async ({ params }) => ({ status: 200, body: await communities.get(params.id) }),
    }),
    route({
      method: 'put', path: '/communities/:id', tags, summary: 'Change a community (managers)',
      params: communityParams, body: updateCommunityBody,
      responses: {
        200: { description: 'The changed community', schema: communitySchema },
        403: { description: 'Not a manager' }, 404: { description: 'Unknown' }, 409: { description: 'The name is taken' },
      },
      handler: async ({ params, body, user }) => ({
        status: 200,
        body: await locks.run(NAMES_LOCK, () => locks.run(params.id, () => communities.update(params.id, body, user.name))),
      }),
    }),
    route({
      method: 'delete', path: '/communities/:id', tags,
      summary: 'Delete a community (managers): pending registrations are declined, the database archived',
      params: communityParams,
      responses: { 204: { description: 'Deleted' }, 403: { description: 'Not a manager' }, 404: { description: 'Unknown' } },
      handler: async ({ params, user }) => {
        await locks.run(params.id, () => communities.archive(params.id, user.name));
        return { status: 204 };
      },
    }),
  ];
}
