import { describe, expect, it } from 'vitest';
import { outcomeOf } from '@mutual/client';
import { networkSwitch, openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { until } from '../support/observe.js';

describe('client: membership', () => {
  const server = useServer();

  const invite = async (code: string, manager: string, user: string): Promise<string> => {
    const made = await request(`${server.current.url}/api/v1/communities/${code}/user-registrations`, {
      method: 'POST', token: await server.current.token(manager), body: { userIds: [user] },
    });
    expect(made.status).toBe(201);
    return made.body.registrations[0].id;
  };

  it('joins, asks to join, accepts an invitation and leaves through REST when online', async () => {
    const open = await createGroup(server.current, 'alice');
    const closed = await createGroup(server.current, 'alice', [], 'closed');
    const inviting = await createGroup(server.current, 'alice', [], 'closed');
    const declining = await createGroup(server.current, 'alice', [], 'closed');
    const invitation = await invite(inviting, 'alice', 'erin');
    const unwanted = await invite(declining, 'alice', 'erin');
    const client = await openClient(server, 'erin');
    try {
      expect(await client.join(open)).toEqual({ status: 'member' });
      expect(await client.join(closed)).toEqual({ status: 'requested' });
      expect(await client.acceptInvitation(invitation)).toEqual({ status: 'member' });
      expect(await client.declineInvitation(unwanted)).toEqual({ status: 'declined' });
      expect((await client.communities()).map((c) => c.code).sort()).toEqual([open, inviting].sort());
      await until(client.session$, (session) => session?.roles.includes(`member:${inviting}`) === true);

      // The member writes in the group at once: the roles the rules check locally are the new ones.
      const group = await client.group(open);
      await group.offers.insert({ name: 'Soup', content: 'on Fridays' });
      await client.awaitIdle();
      await until(group.offers.find$(), ([offer]) => offer?.syncState === 'synced');

      await client.leave(open);
      expect((await client.communities()).map((c) => c.code)).toEqual([inviting]);
      await expect(group.offers.insert({ name: 'Bread', content: 'rye' })).rejects.toMatchObject({ code: 'Forbidden' });
    } finally {
      await client.close();
    }
  });

  it('queues a join and an invitation answer offline as intents, which the server applies when they arrive', async () => {
    const open = await createGroup(server.current, 'alice', ['bob']);
    const inviting = await createGroup(server.current, 'alice', [], 'closed');
    const network = networkSwitch();
    const client = await openClient(server, 'frank', { fetch: network.fetch });
    try {
      const invitation = await invite(inviting, 'alice', 'frank');
      await until(client.membership.registrations.find$(), (list) => list.some((r) => r.docId === `registration:${invitation}`));
      await client.awaitIdle();
      const seen = await client.communities();
      expect(seen).toEqual([]);

      network.down();
      const joined = await client.join(open);
      const accepted = await client.acceptInvitation(invitation);
      expect(joined).toEqual({ status: 'queued', intent: expect.any(String) });
      expect(accepted).toEqual({ status: 'queued', intent: expect.any(String) });
      expect(await client.communities()).toEqual([]); // as last seen
      // The app opens the group at once; it syncs once the membership exists.
      const group = await client.group(open);

      network.up();
      const outcomes = await until(client.membership.outcomes.find$(), (list) => list.length === 2);
      for (const result of [joined, accepted]) {
        if (result.status !== 'queued') throw new Error('not queued');
        expect(outcomeOf(outcomes, result.intent)).toMatchObject({ status: 'applied' });
      }
      await until(group.accounts.find$(), (accounts) => accounts.some((account) => account.owner === 'frank'));
      await until(client.status$, (status) => status.state === 'online');
      expect((await client.communities()).map((c) => c.code).sort()).toEqual([open, inviting].sort());
    } finally {
      await client.close();
    }
  });
});
