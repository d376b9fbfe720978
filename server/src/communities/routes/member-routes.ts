import { z } from 'zod';
import {
  addUserBody, communityMemberSchema, communityParams, communityUserParams, errors, membersQuery, setRoleBody,
} from '@mutual/schema';
import { route, type ApiRoute } from '../../core/http/api-route.js';
import type { Member } from '../memberships.js';
import type { CommunityServices } from '../services.js';

const tags = ['members'];

function memberOf(member: Member) {
  return { userId: member.user, role: member.role, joinedAt: member.createdAt };
}

export function memberRoutes({ communities, memberships, registrations, locks }: CommunityServices): ApiRoute[] {
  async function findMember(code: string, user: string): Promise<Member> {
    const member = (await memberships.members(code)).find((m) => m.user === user);
    if (!member) throw errors.notFound(`${user} is not a member of ${code}`);
    return member;
  }

  return [
    route({
      method: 'get', path: '/communities/:id/users', tags, summary: 'Members and managers (visible to members only)',
      params: communityParams, query: membersQuery,
      responses: {
        200: { description: 'The members', schema: z.object({ users: z.array(communityMemberSchema) }) },
        403: { description: 'Not a member' }, 404: { description: 'Unknown community' },
      },
      handler: async ({ params, query, user }) => {
        await communities.listing(params.id);
        communities.requireMember(params.id, user.name);
        const members = (await memberships.members(params.id)).filter((m) => !query.role || m.role === query.role);
        return { status: 200, body: { users: members.map(memberOf) } };
      },
    }),
    route({
      method: 'post', path: '/communities/:id/users', tags,
      summary: 'Join an open community yourself, or (managers) admit a user who asked to join',
      params: communityParams, body: addUserBody,
      responses: {
        201: { description: 'Now a member', schema: communityMemberSchema },
        403: { description: 'Not allowed' }, 404: { description: 'Unknown community' }, 409: { description: 'Already a member' },
      },
      handler: ({ params, body, user }) => locks.run(params.id, async () => {
        const listing = await communities.listing(params.id);
        const self = body.userId === user.name;
        if (!self) communities.requireManager(params.id, user.name);
        if (self && listing.communityType !== 'open')
          throw errors.forbidden(`${params.id} is closed: ask to join with a registration`);
        if (memberships.roleOf(body.userId, params.id)) throw errors.conflict(`${body.userId} is already a member`);
        if (self) await registrations.register(listing, body.userId, [body.userId]);
        else await registrations.approveRequest(params.id, body.userId);
        return { status: 201, body: memberOf(await findMember(params.id, body.userId)) };
      }),
    }),
    route({
      method: 'put', path: '/communities/:id/users/:userId', tags, summary: 'Change a member’s role (managers, not on themselves)',
      params: communityUserParams, body: setRoleBody,
      responses: {
        200: { description: 'The member', schema: communityMemberSchema },
        403: { description: 'Not a manager, or on oneself' }, 404: { description: 'Not a member' },
        409: { description: 'It would leave no manager' },
      },
      handler: ({ params, body, user }) => locks.run(params.id, async () => {
        await communities.listing(params.id);
        communities.requireManager(params.id, user.name);
        if (params.userId === user.name) throw errors.forbidden('managers do not change their own role');
        const member = await findMember(params.id, params.userId);
        if (member.role === 'manager' && body.role !== 'manager') await memberships.assertManagerRemains(params.id, params.userId);
        await memberships.set(params.id, params.userId, body.role);
        return { status: 200, body: memberOf(await findMember(params.id, params.userId)) };
      }),
    }),
    route({
      method: 'delete', path: '/communities/:id/users/:userId', tags,
      summary: 'Leave a community, or (managers) remove a member; never its last manager',
      params: communityUserParams,
      responses: {
        204: { description: 'Removed' }, 403: { description: 'Not allowed' }, 404: { description: 'Not a member' },
        409: { description: 'The last manager' },
      },
      handler: ({ params, user }) => locks.run(params.id, async () => {
        await communities.listing(params.id);
        if (params.userId !== user.name) communities.requireManager(params.id, user.name);
        const member = await findMember(params.id, params.userId);
        if (member.role === 'manager') await memberships.assertManagerRemains(params.id, params.userId);
        await memberships.remove(params.id, params.userId);
        return { status: 204 };
      }),
    }),
  ];
}
