import { describe, expect, it } from 'vitest';
import { accountsOf } from '../support/accounting.js';
import { networkSwitch, openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { until } from '../support/observe.js';
import { writeOffer } from '../support/pouch.js';

describe('client: local writes checked by the server’s own rules', () => {
  const server = useServer();

  it('refuses at once, offline, what the server would refuse, and writes nothing', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    const alicesOffer = await writeOffer(server.current, code, 'alices-jam', 'alice');
    const network = networkSwitch();
    const client = await openClient(server, 'bob', { fetch: network.fetch });
    try {
      const group = await client.group(code);
      await until(group.offers.find$(), (offers) => offers.length === 1);
      await until(group.accounts.find$(), (list) => list.length >= 2);
      await client.awaitIdle();
      network.down();

      const refusals = [
        [group.posts.insert({ title: 'News', content: 'x' }), 'Forbidden', /only managers write post documents/],
        [group.offers.insert({ name: '', content: 'x' }), 'Forbidden', /invalid offer: name/],
        [group.offers.insert({ name: 'Jam', content: '<script>alert(1)</script>' }), 'Forbidden', /invalid offer: content/],
        [group.accounts.insert({ ...accounts.bob!, balance: 1_000_000, id: 'MINE' } as never), 'Forbidden', /only the server writes account documents/],
        [group.offers.update('alices-jam', { content: 'mine now' }), 'Forbidden', /only the author or a manager edits/],
        [group.offers.remove('alices-jam'), 'Forbidden', /only the author or a manager deletes/],
        [group.pay({ to: accounts.alice!.code, amount: accounts.bob!.creditLimit + 1 }), 'Refused', /^InsufficientBalance$/],
        [group.pay({ to: 'NOSUCH01', amount: 1 }), 'Refused', /^UnknownAccount$/],
        [group.pay({ to: accounts.bob!.code, amount: 1 }), 'Refused', /^SameAccount$/],
        [group.pay({ to: accounts.alice!.code, amount: 1.5 }), 'Forbidden', /invalid transfer: amount/],
      ] as const;
      for (const [write, code, message] of refusals) {
        await expect(write).rejects.toMatchObject({ name: 'MutualClientError', code, message: expect.stringMatching(message) });
      }
      expect(await group.transfers.find()).toEqual([]);
      expect((await group.offers.find()).map((o) => [o.docId, o.content, o.syncState])).toEqual([[alicesOffer._id, 'fresh bread', 'synced']]);

      // What the rules allow goes through: an offer made, edited and withdrawn offline.
      const mine = await group.offers.insert({ name: 'Cider', content: 'dry' });
      await group.offers.update(mine.docId, { content: 'sweet' });
      const kept = await group.offers.insert({ name: 'Perry', content: 'pears' });
      await group.offers.update(kept.docId, { content: 'pear cider' });
      network.up();
      await client.awaitIdle();
      await until(group.offers.find$(), (offers) => offers.some((o) => o.docId === kept.docId && o.syncState === 'synced'));
      await group.offers.remove(mine.docId);
      await client.awaitIdle();
      const onServer = await request(`${server.current.dbUrl}/group-${code}/_all_docs?include_docs=true&startkey="offer:"&endkey="offer:\uffff"`, { token: await server.current.token('bob') });
      expect(onServer.body.rows.map((row: { id: string; doc: { content: string } }) => [row.id, row.doc.content]).sort())
        .toEqual([[alicesOffer._id, 'fresh bread'], [kept.docId, 'pear cider']].sort());
      expect(await until(client.counters$, (c) => c.pushed >= 2)).toMatchObject({ rejected: 0 });
    } finally {
      await client.close();
    }
  });
});
