import { loadDevIssuer } from '@mutual/server';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import type { ClientStatus } from '@mutual/client';
import { accountsOf } from '../support/accounting.js';
import { openClient, useServer } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { until } from '../support/observe.js';

describe('client: tokens', () => {
  const server = useServer();

  it('asks getToken again after a 401: a token refused at once, then one that expires mid-session', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    const issuer = await loadDevIssuer(server.current.dataDir);
    const tokens = [
      await issuer.issueToken('alice', { audience: 'someone-else' }), // refused: not for this server
      await issuer.issueToken('alice', { audience: 'mutual', expiresIn: '2s' }),
    ];
    let calls = 0;
    const getToken = async () => tokens[calls++] ?? server.current.token('alice');
    const client = await openClient(server, 'alice', { getToken });
    const statuses: ClientStatus[] = [];
    client.status$.subscribe((status) => statuses.push(status));
    try {
      const group = await client.group(code);
      await until(group.accounts.find$(), (list) => list.length >= 2);
      await client.awaitIdle();
      expect(calls).toBe(2);

      // The second token expires; the next push is answered 401 and the client asks for a new one.
      const expiry = decodeJwt(tokens[1]!).exp! * 1000;
      // Expiry is wall-clock time (whole seconds, checked by the server): only the clock can pass it.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiry - Date.now()) + 1100));
      const payment = await group.pay({ to: accounts.bob!.code, amount: 10 });
      await until(group.transfers$(), (views) => views.some((view) => view.id === payment.id && view.state === 'committed'));
      expect(calls).toBe(3);
      expect(statuses.filter((status) => status.state === 'error')).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('reports an error while getToken only gives refused tokens, keeps the writes, and pushes them once it gives a good one', async () => {
    const code = await createGroup(server.current, 'alice', ['bob']);
    const accounts = await accountsOf(server.current, code, 'alice', ['alice', 'bob']);
    const first = await openClient(server, 'alice');
    const name = first.database.name;
    await (await first.group(code)).accounts.find();
    await first.awaitIdle();
    await first.close();

    const issuer = await loadDevIssuer(server.current.dataDir);
    let good = false;
    const getToken = async () => (good ? server.current.token('alice') : issuer.issueToken('alice', { audience: 'someone-else' }));
    const client = await openClient(server, 'alice', { getToken, name });
    try {
      const group = await client.group(code);
      const status = await until(client.status$, (s) => s.state === 'error');
      expect(status).toEqual({ state: 'error', reason: expect.stringMatching(/^unauthorized/) });
      const payment = await group.pay({ to: accounts.bob!.code, amount: 20 });
      expect(payment.state).toBe('new');

      good = true;
      await until(group.transfers$(), (views) => views.some((view) => view.id === payment.id && view.state === 'committed'));
      await client.awaitIdle();
      await until(client.status$, (s) => s.state === 'online');
    } finally {
      await client.close();
    }
  });
});
