import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openClient, serverHandle, type ServerHandle } from '../support/client.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { until } from '../support/observe.js';
import { offer } from '../support/pouch.js';

/** The client's requests to the server: those under way, and the most waits there were at once. */
function requestCounter() {
  const underWay = new Set<string>();
  let mostWaits = 0;
  let longpolls = 0;
  let lastWaitedOn: string[] = [];
  const waits = () => [...underWay].filter((url) => url.includes('/api/v1/changes/wait')).length;
  const counting: typeof fetch = async (input, init) => {
    const url = `${input instanceof Request ? input.url : String(input)} #${Math.random()}`;
    if (url.includes('feed=longpoll')) longpolls += 1;
    if (url.includes('/api/v1/changes/wait')) lastWaitedOn = Object.keys(JSON.parse(String(init?.body)).since).sort();
    underWay.add(url);
    mostWaits = Math.max(mostWaits, waits());
    try {
      return await fetch(input, init);
    } finally {
      underWay.delete(url);
    }
  };
  return { fetch: counting, underWay: () => underWay.size, waits, mostWaits: () => mostWaits, longpolls: () => longpolls, lastWaitedOn: () => lastWaitedOn };
}

describe('client: live changes of many groups', () => {
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

  it('follows 8 groups and the user database with one waiting request', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 8; i++) codes.push(await createGroup(server.current, 'bob', ['alice']));
    const counter = requestCounter();
    const client = await openClient(server, 'alice', { fetch: counter.fetch, collections: ['members', 'offers', 'personal'] });
    try {
      const groups = [];
      for (const code of codes.slice(0, 7)) groups.push(await client.group(code));
      await client.awaitIdle();
      await until(client.status$, (status) => status.state === 'online');

      // Written on the server while the client waits: each arrives live.
      for (const [i, code] of codes.slice(0, 7).entries()) await writeOffer(code, `live-${i}`);
      for (const [i, group] of groups.entries()) {
        await until(group.offers.find$(), (offers) => offers.some((o) => o.docId === `offer:live-${i}`));
      }

      // A group opened while the wait is under way is followed too.
      const eighth = await client.group(codes[7]!);
      await client.awaitIdle();
      await writeOffer(codes[7]!, 'live-8');
      await writeOffer(codes[0]!, 'live-0-again');
      await until(eighth.offers.find$(), (offers) => offers.some((o) => o.docId === 'offer:live-8'));
      await until(groups[0]!.offers.find$(), (offers) => offers.some((o) => o.docId === 'offer:live-0-again'));

      // Idle, the client holds one request open: the wait.
      await client.awaitIdle();
      await until(client.status$, (status) => status.state === 'online');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect({ underWay: counter.underWay(), waits: counter.waits() }).toEqual({ underWay: 1, waits: 1 });
      expect(counter.mostWaits()).toBe(1);
      expect(counter.longpolls()).toBe(0);
      const userDatabase = (await until(client.session$, (session) => session !== undefined))!.userDatabase;
      expect(counter.lastWaitedOn()).toEqual([...codes.map((code) => `group-${code}`), userDatabase].sort());
    } finally {
      await client.close();
    }
  });
});
