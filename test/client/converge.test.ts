import { describe, expect, it } from 'vitest';
import type { CollectionName, MutualClient, TransferView } from '@mutual/client';
import { accountsOf } from '../support/accounting.js';
import { openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { until } from '../support/observe.js';

/** What two devices must agree on: each transfer's state and place in the ledger. */
const summary = (views: TransferView[]) => views.map(({ id, state, reason, sequence }) => ({ id, state, reason, sequence })).sort((a, b) => a.id.localeCompare(b.id));
const decided = (count: number) => (views: TransferView[]) => views.length === count && views.every((view) => view.state === 'committed' || view.state === 'rejected');

describe('client: two clients offline at once', () => {
  const server = useServer();
  const clients: MutualClient[] = [];
  const open = async (user: string, collections: readonly CollectionName[]) => {
    const client = await openClient(server, user, { collections });
    clients.push(client);
    return client;
  };
  const closeAll = () => Promise.all(clients.splice(0).map((client) => client.close()));

  it('converge after both wrote payments and offers while the server was down', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    try {
      const collections = ['members', 'accounts', 'transfers', 'ledger', 'offers'] as const;
      const [alice, bob] = [await (await open('alice', collections)).group(code), await (await open('bob', collections)).group(code)];
      await Promise.all([alice, bob].map((group) => until(group.accounts.find$(), (list) => list.length >= 2)));
      await Promise.all(clients.map((client) => client.awaitIdle()));

      await server.stop();
      await alice.pay({ to: accounts.bob!.code, amount: 100, memo: 'apples' });
      await bob.pay({ to: accounts.alice!.code, amount: 30, memo: 'pears' });
      await alice.offers.insert({ name: 'Lessons', content: 'piano' });
      await bob.offers.insert({ name: 'Repairs', content: 'bikes' });
      await server.start();

      const [seenByAlice, seenByBob] = await Promise.all([alice, bob].map((group) => until(group.transfers$(), decided(2))));
      expect(summary(seenByAlice!)).toEqual(summary(seenByBob!));
      expect(seenByAlice!.map((view) => view.state)).toEqual(['committed', 'committed']);
      for (const group of [alice, bob]) {
        await until(group.balance$(accounts.alice!.code), (b) => b.committed === -70 && b.pendingOutgoing === 0);
        await until(group.balance$(accounts.bob!.code), (b) => b.committed === 70 && b.pendingOutgoing === 0);
        await until(group.offers.find$(), (offers) => offers.length === 2 && offers.every((offer) => offer.syncState === 'synced'));
      }
    } finally {
      await closeAll();
    }
  });

  it('agree on which of two offline payments from one account the ledger refused', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    const limit = accounts.alice!.creditLimit;
    try {
      const collections = ['accounts', 'transfers', 'ledger'] as const;
      const [phone, laptop] = [await (await open('alice', collections)).group(code), await (await open('alice', collections)).group(code)];
      await Promise.all([phone, laptop].map((group) => until(group.accounts.find$(), (list) => list.length >= 2)));
      await Promise.all(clients.map((client) => client.awaitIdle()));

      await server.stop();
      // Each device alone stays within the credit line; together they do not.
      await phone.pay({ to: accounts.bob!.code, amount: limit - 100, memo: 'phone' });
      await laptop.pay({ to: accounts.bob!.code, amount: limit - 100, memo: 'laptop' });
      await expect(phone.pay({ to: accounts.bob!.code, amount: 200 })).rejects.toMatchObject({ code: 'Refused', message: 'InsufficientBalance' });
      await server.start();

      const [onPhone, onLaptop] = await Promise.all([phone, laptop].map((group) => until(group.transfers$(), decided(2))));
      expect(summary(onPhone!)).toEqual(summary(onLaptop!));
      expect(onPhone!.map((view) => view.state).sort()).toEqual(['committed', 'rejected']);
      expect(onPhone!.find((view) => view.state === 'rejected')).toMatchObject({ reason: 'InsufficientBalance' });
      for (const group of [phone, laptop]) {
        await until(group.balance$(), (b) => b.committed === -(limit - 100) && b.pendingOutgoing === 0);
      }
    } finally {
      await closeAll();
    }
  });
});
