import { describe, expect, it } from 'vitest';
import { accountsOf } from '../support/accounting.js';
import { openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { until } from '../support/observe.js';

describe('client: restart', () => {
  const server = useServer();

  it('keeps intents written offline across a restart of the client, and pushes them when the server is back', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    const first = await openClient(server, 'alice');
    const name = first.database.name;
    const group = await first.group(code);
    await until(group.accounts.find$(), (list) => list.length >= 2);
    await first.awaitIdle();

    await server.stop();
    const payment = await group.pay({ to: accounts.bob!.code, amount: 250, memo: 'rent' });
    const offer = await group.offers.insert({ name: 'Sofa', content: 'to give away' });
    await first.close();

    // The app starts again, still offline: it finds the session, its groups and the pending writes.
    const again = await openClient(server, 'alice', { name });
    try {
      expect(again.user).toBe('alice');
      await until(again.status$, (status) => status.state === 'offline');
      const restarted = await again.group(code);
      const [pending] = await until(restarted.transfers$(), (views) => views.length === 1);
      expect(pending).toMatchObject({ id: payment.id, state: 'new', amount: 250 });
      expect(await until(restarted.balance$(), (b) => b.pendingOutgoing === 250)).toMatchObject({ committed: 0 });
      await expect(restarted.offers.get(offer.docId)).resolves.toMatchObject({ syncState: 'new' });

      await server.start();
      await until(restarted.transfers$(), ([view]) => view?.state === 'committed');
      await until(restarted.offers.find$(), ([o]) => o?.syncState === 'synced');
      await again.awaitIdle();
      expect(await until(restarted.balance$(), (b) => b.committed === -250)).toMatchObject({ pendingOutgoing: 0 });
    } finally {
      await again.close();
    }
  });
});
