import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountsOf, pay } from '../support/accounting.js';
import { EventsClient } from '../support/events.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';

let server: MutualProcess;
beforeAll(async () => {
  server = await startMutual({ env: { MUTUAL_WS_HEARTBEAT_MS: '200' } });
});
afterAll(() => server.stop());

async function join(code: string, user: string) {
  const joined = await request(`${server.url}/api/v1/communities/${code}/users`, { method: 'POST', token: await server.token(user), body: { userId: user } });
  expect(joined.status).toBe(201);
}

describe('GET /api/v1/events (WebSocket)', () => {
  it('gives a member the group’s events and a non-member none of them', async () => {
    const code = await createGroup(server, 'alice', ['bob']);
    const member = await EventsClient.connect(server.url, await server.token('bob'));
    const stranger = await EventsClient.connect(server.url, await server.token('mallory'), { inMessage: true });
    await member.next((m) => m.type === 'ready');
    await stranger.next((m) => m.type === 'ready');
    await join(code, 'carol');
    const joined = await member.event('MemberJoined', code);
    expect(joined.event).toMatchObject({ group: code, data: { userId: 'carol', role: 'member' }, seq: expect.any(Number) });
    // A later event of mallory's own shows the stranger's connection works and heard nothing of the group.
    const own = await createGroup(server, 'mallory');
    await stranger.event('MemberJoined', own);
    expect(stranger.events().filter((e) => e.group === code)).toEqual([]);
    member.close();
    stranger.close();
  });

  it('tells a payment to the group, and a payment request only to its payer', async () => {
    const code = await createGroup(server, 'alice', ['bob', 'carol']);
    const accounts = await accountsOf(server, code, 'alice', ['alice', 'bob', 'carol']);
    const bob = await EventsClient.connect(server.url, await server.token('bob'));
    const carol = await EventsClient.connect(server.url, await server.token('carol'));
    await bob.next((m) => m.type === 'ready');
    await carol.next((m) => m.type === 'ready');
    const paid = await pay(server, code, 'alice', { payer: accounts.alice!.code, payee: accounts.carol!.code, amount: 7 });
    const committed = await bob.event('TransferCommitted', code);
    expect(committed.event!.data).toMatchObject({ id: paid.body.id, amount: 7, state: 'committed' });
    await pay(server, code, 'carol', { payer: accounts.bob!.code, payee: accounts.carol!.code, amount: 3, kind: 'request' });
    const pending = await bob.event('TransferPending', code);
    expect(pending.event!.data).toMatchObject({ amount: 3, kind: 'request' });
    await carol.event('TransferCommitted', code); // carol hears the group's payments…
    expect(carol.events().some((e) => e.name === 'TransferPending')).toBe(false); // …not bob's pending request
    bob.close();
    carol.close();
  });

  it('resumes after a disconnect from the last seq, losing nothing', async () => {
    const code = await createGroup(server, 'alice');
    const first = await EventsClient.connect(server.url, await server.token('alice'));
    await join(code, 'u1');
    const seen = await first.event('MemberJoined', code);
    first.close();
    await first.closed;
    for (const user of ['u2', 'u3', 'u4']) await join(code, user);
    // The token in the header, or in the first message as a browser sends it: `?since=` holds for both.
    for (const inMessage of [false, true]) {
      const again = await EventsClient.connect(server.url, await server.token('alice'), { since: seen.event!.seq, inMessage });
      await again.next((m) => m.type === 'ready');
      const replayed = again.events().filter((e) => e.group === code && e.name === 'MemberJoined').map((e) => e.data.userId);
      expect(replayed).toEqual(['u2', 'u3', 'u4']);
      const seqs = again.events().map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(seqs.every((seq) => seq > seen.event!.seq)).toBe(true);
      again.close();
    }
  });

  it('also resumes with a `resume` message, and answers resync for a seq it no longer has', async () => {
    const client = await EventsClient.connect(server.url, await server.token('alice'));
    await client.next((m) => m.type === 'ready');
    client.socket.send(JSON.stringify({ type: 'resume', since: 1 }));
    const resync = await client.next((m) => m.type === 'resync');
    expect(resync.seq).toEqual(expect.any(Number));
    client.close();
  });

  it('refuses a bad token (401 on upgrade, or close 4401), an unknown message (4400), and pings', async () => {
    await expect(EventsClient.connect(server.url, 'garbage')).rejects.toMatchObject({ status: 401 });
    const late = await EventsClient.connect(server.url, 'garbage', { inMessage: true });
    expect((await late.closed).code).toBe(4401);
    const rude = await EventsClient.connect(server.url, await server.token('alice'));
    rude.socket.send('{"type":"shout"}');
    expect((await rude.closed).code).toBe(4400);
    const quiet = await EventsClient.connect(server.url, await server.token('alice'));
    await quiet.pinged(2);
    quiet.close();
  });

  it('keeps the CouchDB _changes feeds working alongside', async () => {
    const code = await createGroup(server, 'alice');
    const feed = await request(`${server.dbUrl}/group-${code}/_changes?feed=longpoll&since=0`, { token: await server.token('alice') });
    expect(feed.body.results.length).toBeGreaterThan(0);
  });
});
