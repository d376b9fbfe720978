import { describe, expect, it } from 'vitest';
import { accountsOf } from '../support/accounting.js';
import { networkSwitch, openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { until } from '../support/observe.js';
import { writeOffer } from '../support/pouch.js';

describe('client: documents the server refuses', () => {
  const server = useServer();

  const api = async (method: string, path: string, as: string, body?: unknown) =>
    request(`${server.current.url}/api/v1${path}`, { method, token: await server.current.token(as), body });

  it('are marked rejected (or reverted) with the reason, and everything else syncs', async () => {
    // alice manages g1 with bob, is a member of g2 and g3.
    const g1 = await createGroup(server.current, 'bob', ['alice']);
    const g2 = await createGroup(server.current, 'carol', ['alice']);
    const g3 = await createGroup(server.current, 'dave', ['alice']);
    expect((await api('PUT', `/communities/${g1}/users/alice`, 'bob', { role: 'manager' })).status).toBe(200);
    const accounts = await accountsOf(server.current, g1, 'alice', ['alice', 'bob']);
    const bobsOffer = await writeOffer(server.current, g1, 'bobs-bread', 'bob', { content: 'rye' });

    const network = networkSwitch();
    const client = await openClient(server, 'alice', { fetch: network.fetch });
    try {
      const [one, two, three] = [await client.group(g1), await client.group(g2), await client.group(g3)];
      await until(one.offers.find$(), (offers) => offers.some((o) => o.docId === bobsOffer._id));
      await until(one.accounts.find$(), (list) => list.length >= 2);
      await client.awaitIdle();

      // alice's phone loses the network; meanwhile bob demotes her in g1 and dave removes her from g3.
      network.down();
      await until(client.status$, (status) => status.state === 'offline');
      expect((await api('PUT', `/communities/${g1}/users/alice`, 'bob', { role: 'member' })).status).toBe(200);
      expect((await api('DELETE', `/communities/${g3}/users/alice`, 'dave')).status).toBe(204);

      // Offline, with the roles she had: every write passes the rules locally.
      const post = await one.posts.insert({ title: 'Market on Sunday', content: 'bring bags' });
      await one.offers.update('bobs-bread', { content: 'rye and spelt' });
      const payment = await one.pay({ to: accounts.bob!.code, amount: 100, memo: 'flour' });
      const inG2 = await two.offers.insert({ name: 'Honey', content: 'from the hills' });
      const inG3 = await three.offers.insert({ name: 'Eggs', content: 'a dozen' });

      network.up();
      const rejectedPost = await until(one.posts.find$(), ([p]) => p?.syncState === 'rejected');
      expect(rejectedPost[0]).toMatchObject({ docId: post.docId, rejectedReason: expect.stringMatching(/only managers/) });
      await until(one.offers.find$(), (offers) => offers.some((o) => o.docId === bobsOffer._id && o.content === 'rye' && o.syncState === 'synced'));
      await until(one.transfers$(), (views) => views.some((view) => view.id === payment.id && view.state === 'committed'));
      await until(two.offers.find$(), (offers) => offers.some((o) => o.docId === inG2.docId && o.syncState === 'synced'));
      const [refusedInG3] = await until(three.offers.find$(), ([o]) => o?.syncState === 'rejected');
      expect(refusedInG3).toMatchObject({ docId: inG3.docId, rejectedReason: expect.any(String) });

      const rejections = await until(client.rejections$, (list) => list.length === 3);
      expect(rejections.map((r) => r.docId).sort()).toEqual([bobsOffer._id, inG3.docId, post.docId].sort());
      expect(await until(client.status$, (status) => status.state === 'error'))
        .toEqual({ state: 'error', reason: expect.stringContaining(`group-${g3}`) });

      // The sync goes on: a later write in g1 reaches the server.
      const later = await one.offers.insert({ name: 'Buns', content: 'sweet' });
      await client.awaitIdle();
      await until(one.offers.find$(), (offers) => offers.some((o) => o.docId === later.docId && o.syncState === 'synced'));
      // Pushed: the payment, the offer in g2, the later offer; refused: the post, the edit, the offer in g3.
      expect(await until(client.counters$, (c) => c.pushed === 3)).toMatchObject({ pushed: 3, rejected: 3, conflicts: 0 });
      // Leaving g3 (she is out already) ends its error; its refused offer stays readable.
      await client.leave(g3);
      await until(client.status$, (status) => status.state === 'online');
      expect(await three.offers.get(inG3.docId)).toMatchObject({ syncState: 'rejected' });
    } finally {
      await client.close();
    }
  });
});
