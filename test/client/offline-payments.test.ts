import { describe, expect, it } from 'vitest';
import { accountsOf } from '../support/accounting.js';
import { openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { until } from '../support/observe.js';

describe('client: payments made offline', () => {
  const server = useServer();

  it('writes the intent with the server stopped, shows it pending, and commits it after the server is back', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    const client = await openClient(server, 'alice');
    try {
      const group = await client.group(code);
      await until(group.accounts.find$(), (list) => list.length >= 2);
      await client.awaitIdle();
      expect(await until(client.status$, (status) => status.state === 'online')).toEqual({ state: 'online' });

      await server.stop();
      const payment = await group.pay({ to: accounts.bob!.code, amount: 300, memo: 'bread' });
      expect(payment.state).toBe('new');
      await until(client.status$, (status) => status.state === 'offline');
      const pending = await until(group.balance$(), (balance) => balance.pendingOutgoing === 300);
      expect(pending).toMatchObject({ account: accounts.alice!.code, committed: 0, pendingOutgoing: 300 });

      await server.start();
      const [committed] = await until(group.transfers$(), ([first]) => first?.state === 'committed');
      expect(committed).toMatchObject({ id: payment.id, amount: 300, memo: 'bread', sequence: expect.any(Number) });
      expect(await until(group.balance$(), (balance) => balance.committed === -300))
        .toMatchObject({ committed: -300, pendingOutgoing: 0 });
      await client.awaitIdle();
      const counters = await until(client.counters$, (c) => c.pushed >= 1);
      expect(counters).toMatchObject({ pushed: 1, rejected: 0 });
    } finally {
      await client.close();
    }
  });
});
