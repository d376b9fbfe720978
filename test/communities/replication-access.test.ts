import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { localReplica, offer, remote } from '../support/pouch.js';
import { docArrives } from '../support/wait.js';

let server: MutualProcess;
beforeAll(async () => {
  server = await startMutual();
});
afterAll(() => server.stop());

describe('membership changes on the replication face', () => {
  it('stops a removed member’s live replication with 403, and cuts off a longpoll no change would end', async () => {
    const code = await createGroup(server, 'alice', ['bob']);
    const url = `${server.dbUrl}/group-${code}`;
    const bob = await server.token('bob');
    const replica = await localReplica();
    const replication = replica.replicate.from(remote(url, bob), { live: true });
    await docArrives(replica, 'settings:group');
    const stopped = new Promise<any>((resolve) => replication.on('error', resolve));
    // Past any sequence the removal's own write (the member tombstone) reaches: only the
    // cut-off can answer it (its heartbeats keep it open otherwise).
    const beyond = Number((await request(url, { token: bob })).body.update_seq) + 1_000;
    const waiting = request(`${url}/_changes?feed=longpoll&since=${beyond}&heartbeat=5000`, { token: bob });
    await new Promise((resolve) => setTimeout(resolve, 200)); // the longpoll reaches the server first
    const removed = await request(`${server.url}/api/v1/communities/${code}/users/bob`, {
      method: 'DELETE', token: await server.token('alice'),
    });
    expect(removed.status).toBe(204);
    expect((await stopped).status).toBe(403);
    expect((await waiting).status).toBe(403);
    const next = await request(`${url}/_all_docs`, { token: bob });
    expect(next.status).toBe(403);
  });

  it('lets a new member replicate at once', async () => {
    const code = await createGroup(server, 'carol');
    const url = `${server.dbUrl}/group-${code}`;
    const dave = await server.token('dave');
    expect((await request(url, { token: dave })).status).toBe(403);
    const joined = await request(`${server.url}/api/v1/communities/${code}/users`, { method: 'POST', token: dave, body: { userId: 'dave' } });
    expect(joined.status).toBe(201);
    const replica = await localReplica();
    const result = await replica.replicate.from(remote(url, dave));
    expect(result.ok).toBe(true);
    expect((await replica.get('settings:group')).code).toBe(code);
    await replica.put(offer('daves', 'dave'));
    expect((await replica.replicate.to(remote(url, dave))).docs_written).toBe(1);
  });
});
