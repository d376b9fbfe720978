import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MutualClient } from '@mutual/client';
import { openClient, serverHandle, type ServerHandle } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { until } from '../support/observe.js';
import { offer } from '../support/pouch.js';

const GROUPS = 4;

/**
 * The client's requests, counted by the database they read (`/db/<name>…`), and a hook that
 * runs before a database's info is asked: that answer is where a live feed starts.
 */
function databaseRequests() {
  const counts = new Map<string, number>();
  let beforeInfo: ((dbName: string) => Promise<void>) | undefined;
  const counting: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const [, face, dbName, rest] = url.pathname.split('/');
    if (face === 'db' && dbName) {
      const name = decodeURIComponent(dbName);
      counts.set(name, (counts.get(name) ?? 0) + 1);
      if (rest === undefined && (init?.method ?? 'GET') === 'GET') await beforeInfo?.(name);
    }
    return fetch(input, init);
  };
  return {
    fetch: counting,
    of: (dbNames: string[]) => dbNames.reduce((sum, dbName) => sum + (counts.get(dbName) ?? 0), 0),
    reset: () => counts.clear(),
    beforeInfo: (hook: (dbName: string) => Promise<void>) => (beforeInfo = hook),
  };
}

describe('client: catching up when a group opens', () => {
  let server: ServerHandle;
  beforeAll(async () => {
    server = await serverHandle();
  });
  afterAll(async () => {
    await server.current.stop();
  });

  const writeOffer = async (code: string, id: string) => {
    const put = await request(`${server.current.dbUrl}/group-${code}/offer:${id}`, {
      method: 'PUT', token: await server.current.token('bob'), body: offer(id, 'bob'),
    });
    expect(put.status).toBe(201);
  };

  /** Nothing left to sync, every feed live, and a moment more for a catch-up to be over. */
  const settle = async (client: MutualClient) => {
    await client.awaitIdle();
    await until(client.status$, (status) => status.state === 'online');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await client.awaitIdle();
  };

  it(`reads only the new group's database when a client in ${GROUPS} groups joins one more`, async () => {
    const codes: string[] = [];
    for (let i = 0; i < GROUPS; i++) codes.push(await createGroup(server.current, 'bob', ['alice']));
    const requests = databaseRequests();
    const client = await openClient(server, 'alice', { fetch: requests.fetch });
    try {
      for (const code of codes) await client.group(code);
      for (const [i, code] of codes.entries()) await writeOffer(code, `old-${i}`);
      await settle(client);

      const joined = await createGroup(server.current, 'bob');
      await writeOffer(joined, 'early');
      requests.reset();
      expect(await client.join(joined)).toEqual({ status: 'member' });
      const group = await client.group(joined);
      await until(group.offers.find$(), (offers) => offers.some((o) => o.docId === 'offer:early'));
      await settle(client);

      expect(requests.of(codes.map((code) => `group-${code}`))).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('misses nothing written just before a new feed starts, nor just after', async () => {
    const code = await createGroup(server.current, 'bob');
    const requests = databaseRequests();
    const client = await openClient(server, 'alice', { fetch: requests.fetch });
    try {
      await writeOffer(code, 'early');
      requests.beforeInfo(async (dbName) => {
        if (dbName !== `group-${code}`) return;
        requests.beforeInfo(async () => undefined);
        await writeOffer(code, 'just-before');
        // Lands while the feed starts: the feed brings it at once, before or during the catch-up.
        setTimeout(() => void writeOffer(code, 'just-after'), 0);
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
