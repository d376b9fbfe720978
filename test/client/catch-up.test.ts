import { describe, expect, it } from 'vitest';
import type { MutualClient } from '@mutual/client';
import { openClient, useServer } from '../support/client.js';
import { clientRequests, type ClientRequests } from '../support/client-requests.js';
import { createGroup } from '../support/group.js';
import { until } from '../support/observe.js';
import { writeOffer } from '../support/pouch.js';

const GROUPS = 4;

describe('client: catching up when a group opens', () => {
  const server = useServer();

  /**
   * The feeds of these groups live (a wait names them: their catch-ups are queued by then),
   * the catch-ups over, nothing left to sync.
   */
  const settle = async (client: MutualClient, requests: ClientRequests, codes: string[]) => {
    await requests.waitNaming(codes.map((code) => `group-${code}`));
    await client.awaitIdle();
    await until(client.status$, (status) => status.state === 'online');
  };

  it(`reads only the new group's database when a client in ${GROUPS} groups joins one more`, async () => {
    const codes: string[] = [];
    for (let i = 0; i < GROUPS; i++) codes.push(await createGroup(server.current, 'bob', ['alice']));
    const requests = clientRequests();
    const client = await openClient(server, 'alice', { fetch: requests.fetch });
    try {
      for (const code of codes) await client.group(code);
      for (const [i, code] of codes.entries()) await writeOffer(server.current, code, `old-${i}`, 'bob');
      await settle(client, requests, codes);

      const joined = await createGroup(server.current, 'bob');
      await writeOffer(server.current, joined, 'early', 'bob');
      requests.resetReads();
      expect(await client.join(joined)).toEqual({ status: 'member' });
      const group = await client.group(joined);
      await until(group.offers.find$(), (offers) => offers.some((o) => o.docId === 'offer:early'));
      await settle(client, requests, [...codes, joined]);

      expect(requests.readsOf(codes.map((code) => `group-${code}`))).toBe(0);
      // Not a count that sees nothing: the new group's reads are counted.
      expect(requests.readsOf([`group-${joined}`])).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });

  it('misses nothing written just before a new feed starts, nor just after', async () => {
    const code = await createGroup(server.current, 'bob');
    const requests = clientRequests();
    const client = await openClient(server, 'alice', { fetch: requests.fetch });
    try {
      await writeOffer(server.current, code, 'early', 'bob');
      requests.beforeInfo(async (dbName) => {
        if (dbName !== `group-${code}`) return;
        requests.beforeInfo(async () => undefined);
        await writeOffer(server.current, code, 'just-before', 'bob');
        // Lands while the feed starts: the feed brings it at once, before or during the catch-up.
        setTimeout(() => void writeOffer(server.current, code, 'just-after', 'bob'), 0);
      });
      expect(await client.join(code)).toEqual({ status: 'member' });
      const group = await client.group(code);
      const wanted = ['offer:early', 'offer:just-before', 'offer:just-after'];
      await until(group.offers.find$(), (offers) => wanted.every((id) => offers.some((o) => o.docId === id)), 10_000);
    } finally {
      await client.close();
    }
  });
});
