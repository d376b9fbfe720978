import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { localReplica, offer, remote } from '../support/pouch.js';
import { docArrives } from '../support/wait.js';

let server: MutualProcess;
afterAll(() => server?.stop());
beforeAll(async () => {
  server = await startMutual();
});

describe('replication of a group database', () => {
  it('syncs live both ways between two members’ replicas', async () => {
    const code = await createGroup(server, 'alice', ['bob']);
    const url = `${server.dbUrl}/group-${code}`;
    const aliceReplica = await localReplica('alice');
    const bobReplica = await localReplica('bob');
    const aliceSync = aliceReplica.sync(remote(url, await server.token('alice')), { live: true, retry: true });
    const bobSync = bobReplica.sync(remote(url, await server.token('bob')), { live: true, retry: true });
    try {
      // What the server wrote at creation reaches both.
      await docArrives(bobReplica, 'settings:group');

      await aliceReplica.put(offer('from-alice', 'alice'));
      await docArrives(bobReplica, 'offer:from-alice');

      const bobs = await bobReplica.put(offer('from-bob', 'bob'));
      await docArrives(aliceReplica, 'offer:from-bob');

      // An edit travels too, as the same document.
      const current = await bobReplica.get('offer:from-bob');
      await bobReplica.put({ ...current, name: 'Edited by Bob', _rev: bobs.rev });
      await docArrives(aliceReplica, 'offer:from-bob', { name: 'Edited by Bob' });
    } finally {
      aliceSync.cancel();
      bobSync.cancel();
    }
  });

  it('keeps replication checkpoints (_local) working for members, so a second sync resumes', async () => {
    const code = await createGroup(server, 'carol');
    const url = `${server.dbUrl}/group-${code}`;
    const token = await server.token('carol');
    const replica = await localReplica();
    for (let i = 0; i < 30; i += 1) await replica.put(offer(`batch-${i}`, 'carol'));
    const first = await replica.replicate.to(remote(url, token));
    expect(first.docs_written).toBe(30);
    await replica.put(offer('later', 'carol'));
    const second = await replica.replicate.to(remote(url, token));
    expect(second.docs_read).toBe(1);
    expect(second.docs_written).toBe(1);
    const checkpoints = await request(`${url}/_all_docs`, { token });
    expect(checkpoints.body.rows.map((row: any) => row.id)).toContain('offer:later');
  });

  it('pulls a group into a fresh replica with every document', async () => {
    const code = await createGroup(server, 'dave');
    const url = `${server.dbUrl}/group-${code}`;
    const token = await server.token('dave');
    const docs = Array.from({ length: 250 }, (_, i) => offer(`pull-${i}`, 'dave'));
    const written = await request(`${url}/_bulk_docs`, { method: 'POST', token, body: { docs } });
    expect(written.body.every((row: any) => row.ok)).toBe(true);
    const replica = await localReplica();
    const result = await replica.replicate.from(remote(url, token), { batch_size: 100 });
    const served = await request(`${url}/_all_docs`, { token });
    expect(result.docs_written).toBe(served.body.rows.length);
    const local = await replica.allDocs();
    expect(local.rows.filter((row) => row.id.startsWith('offer:'))).toHaveLength(250);
  });
});
