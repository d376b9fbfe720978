import {
  answerRegistrationBody, communityParams, createRegistrationsBody, registrationListSchema, registrationParams,
  registrationSchema,
} from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import type { CommunityServices } from '../services.js';

const tags = ['registrations'];

export function registrationRoutes({ communities, registrations, locks }: CommunityServices): ApiRoute[] {
  return [
    route({
      method: 'post', path: '/communities/:id/user-registrations', tags,
      summary: 'Ask to join (yourself) or invite others (managers; members of open communities)',
      params: communityParams, body: createRegistrationsBody,
      responses: {
        201: { description: 'The registrations', schema: registrationListSchema },
        403: { description: 'Not allowed' }, 404: { description: 'Unknown community' },
        409: { description: 'Already a member or already registered' },
      },
      handler: ({ params, body, user }) => locks.run(params.id, async () => {
        const listing = await communities.listing(params.id);
        return { status: 201, body: { registrations: await registrations.register(listing, user.name, body.userIds) } };
      }),
    }),
    route({
      method: 'get', path: '/communities/:id/user-registrations', tags, summary: 'Pending requests and invitations (managers)',
      params: communityParams,
      responses: {
        200: { description: 'Pending registrations', schema: registrationListSchema },
        403: { description: 'Not a manager' }, 404: { description: 'Unknown community' },
      },
      handler: async ({ params, user }) => {
        await communities.listing(params.id);
        communities.requireManager(params.id, user.name);
        return { status: 200, body: { registrations: await registrations.pending(params.id) } };
      },
    }),
    route({
      method: 'put', path: '/communities/:id/user-registrations/:registrationId', tags,
      summary: 'Approve or decline: the user sets approvedByUser, a manager approvedByCommunity',
      params: registrationParams, body: answerRegistrationBody,
      responses: {
        200: { description: 'The registration', schema: registrationSchema },
        403: { description: 'Not allowed to set that field' }, 404: { description: 'No such registration here' },
        409: { description: 'No longer pending' },
      },
      handler: ({ params, body, user }) => locks.run(params.id, async () => {
        await communities.listing(params.id);
        return { status: 200, body: await registrations.answer(params.id, params.registrationId, user.name, body) };
      }),
    }),
  ];
}
