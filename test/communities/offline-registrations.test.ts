import { describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual } from '../support/mutual-process.js';
import { localReplica, remote } from '../support/pouch.js';
import { docArrives } from '../support/wait.js';

const time = () => new Date().toISOString();

function intent(id: string, author: string, fields: Record<string, unknown>) {
  const now = time();
  return { _id: `registration-intent:${id}`, type: 'registration-intent', schema: 1, createdAt: now, updatedAt: now, author, ...fields };
}

describe('registrations as intents in the user’s own database', () => {
  it('applies a join request and an invitation answer written offline, after the server comes back', async () => {
    let server = await startMutual();
    const openCode = await createGroup(server, 'alice');
    const closedCode = await createGroup(server, 'alice', [], 'closed');
    const alice = await server.token('alice');
    // Alice invites erin to the closed community; erin learns of it by replicating her database.
    const invited = await request(`${server.url}/api/v1/communities/${closedCode}/user-registrations`, {
      method: 'POST', token: alice, body: { userIds: ['erin'] },
    });
    expect(invited.status).toBe(201);
    const invitation = invited.body.registrations[0];

    const erin = await server.token('erin');
    const me = await request(`${server.url}/api/v1/users/me`, { token: erin });
    expect(me.status).toBe(200);
    const replica = await localReplica('erin');
    await replica.replicate.from(remote(`${server.dbUrl}/${me.body.database}`, erin));
    expect((await replica.get(`registration:${invitation.id}`)).status).toBe('pending');

    // The network is gone: the server is down while erin decides.
    await server.stop();
    await replica.put(intent('join-open', 'erin', { group: openCode, action: 'join' }));
    await replica.put(intent('accept-invite', 'erin', { group: closedCode, action: 'accept', registration: invitation.id }));
    await replica.put(intent('join-missing', 'erin', { group: 'no-such-group', action: 'join' }));
    await expect(replica.replicate.to(remote(`${server.dbUrl}/${me.body.database}`, erin))).rejects.toBeTruthy();

    server = await startMutual({ dataDir: server.dataDir });
    try {
      const sync = replica.sync(remote(`${server.dbUrl}/${me.body.database}`, erin), { live: true, retry: true });
      try {
        const outcomes = await Promise.all(['join-open', 'accept-invite', 'join-missing'].map((id) => docArrives(replica, `outcome:${id}`)));
        expect(outcomes.map((o) => o.status)).toEqual(['applied', 'applied', 'rejected']);
        expect(outcomes[2]!.error).toMatchObject({ code: 'NotFound' });
        await docArrives(replica, `registration:${invitation.id}`, { status: 'accepted' });
      } finally {
        sync.cancel();
      }
      const communities = await request(`${server.url}/api/v1/users/me/communities`, { token: erin });
      expect(communities.body.communities.map((c: any) => c.code).sort()).toEqual([openCode, closedCode].sort());
      // The same state as the REST path: a member document in each group.
      for (const code of [openCode, closedCode]) {
        const members = await request(`${server.url}/api/v1/communities/${code}/users`, { token: erin });
        expect(members.body.users).toContainEqual(expect.objectContaining({ userId: 'erin', role: 'member' }));
      }
    } finally {
      await server.stop();
    }
  });

  it('answers a replayed or edited intent only once, and refuses another user’s database', async () => {
    const server = await startMutual();
    try {
      const code = await createGroup(server, 'alice');
      const frank = await server.token('frank');
      const me = (await request(`${server.url}/api/v1/users/me`, { token: frank })).body;
      const db = `${server.dbUrl}/${me.database}`;
      const written = await request(`${db}/registration-intent:once`, { method: 'PUT', token: frank, body: intent('once', 'frank', { group: code, action: 'join' }) });
      expect(written.status).toBe(201);
      const edited = await request(`${db}/registration-intent:once`, {
        method: 'PUT', token: frank, body: { ...intent('once', 'frank', { group: code, action: 'decline' }), _rev: written.body.rev },
      });
      expect(edited.status).toBe(403);
      const replica = await localReplica();
      const sync = replica.sync(remote(db, frank), { live: true, retry: true });
      try {
        expect((await docArrives(replica, 'outcome:once')).status).toBe('applied');
      } finally {
        sync.cancel();
      }
      const forgedOutcome = await request(`${db}/outcome:mine`, {
        method: 'PUT', token: frank, body: { type: 'outcome', schema: 1, createdAt: time(), updatedAt: time(), author: 'frank', intent: 'x', status: 'applied' },
      });
      expect(forgedOutcome.status).toBe(403);
      const other = await request(`${db}/_all_docs`, { token: await server.token('grace') });
      expect(other.status).toBe(403);
      const members = await request(`${server.url}/api/v1/communities/${code}/users`, { token: frank });
      expect(members.body.users.filter((u: any) => u.userId === 'frank')).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
