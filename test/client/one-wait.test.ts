import { describe, expect, it } from 'vitest';
import { openClient, useServer } from '../support/client.js';
import { clientRequests } from '../support/client-requests.js';
import { createGroup } from '../support/group.js';
import { until } from '../support/observe.js';
import { writeOffer } from '../support/pouch.js';

describe('client: live changes of many groups', () => {
  const server = useServer();

  it('follows 8 groups and the user database with one waiting request', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) codes.push(await createGroup(server.current, 'bob', ['alice']));
    const counter = clientRequests();
    const client = await openClient(server, 'alice', { fetch: counter.fetch, collections: ['members', 'offers', 'personal'] });
    try {
      const groups = [];
      for (const code of codes.slice(0, 7)) groups.push(await client.group(code));
      await client.awaitIdle();
      await until(client.status$, (status) => status.state === 'online');

      // Written on the server while the client waits: each arrives live.
      for (const [i, code] of codes.slice(0, 7).entries()) await writeOffer(server.current, code, `live-${i}`, 'bob');
      for (const [i, group] of groups.entries()) {
        await until(group.offers.find$(), (offers) => offers.some((o) => o.docId === `offer:live-${i}`));
      }

      // A group opened while the wait is under way is followed too.
      const eighth = await client.group(codes[7]!);
      await client.awaitIdle();
      await writeOffer(server.current, codes[7]!, 'live-8', 'bob');
      await writeOffer(server.current, codes[0]!, 'live-0-again', 'bob');
      await until(eighth.offers.find$(), (offers) => offers.some((o) => o.docId === 'offer:live-8'));
      await until(groups[0]!.offers.find$(), (offers) => offers.some((o) => o.docId === 'offer:live-0-again'));

      // Idle, the client holds one request open: the wait. Just as it goes idle a catch-up's last
      // read, or the next wait, may still be on its way; a request held open for good never passes.
      await client.awaitIdle();
      await until(client.status$, (status) => status.state === 'online');
      await counter.untilUnderWay({ underWay: 1, waits: 1 });
      expect(counter.mostWaits()).toBe(1);
      expect(counter.longpolls()).toBe(0);
      const userDatabase = (await until(client.session$, (session) => session !== undefined))!.userDatabase;
      expect(counter.lastWaitedOn()).toEqual([...codes.map((code) => `group-${code}`), userDatabase].sort());
    } finally {
      await client.close();
    }
  });
});
