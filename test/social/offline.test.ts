import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, useApi } from '../support/communities.js';
import { localReplica, type Db } from '../support/pouch.js';
import { community, socialDoc, type Community } from '../support/social.js';
import { changeArrives } from '../support/wait.js';

/**
 * Offers and needs edited in local replicas: with the server stopped, and concurrently on two
 * devices. Replication brings the edits in when the connection is back; concurrent edits end
 * in the same winner everywhere, and the losing edit is kept where its author can see it.
 */

const api = useApi();
let c: Community;

beforeAll(async () => {
  c = await community(api.server);
});

const sync = async (replica: Db, as: string) => {
  const remote = await api.remote(c.db, as);
  const pushed = await replica.replicate.to(remote);
  const pulled = await replica.replicate.from(remote);
  return { pushed, pulled };
};

describe('editing offline while the server is down', () => {
  it('keeps the edits in the replica and delivers them when the server is back', async () => {
    const kept = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Bread', content: 'Rye' })).body;
    const dropped = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Old jam' })).body;
    const phone = await localReplica('alice-phone');
    await phone.replicate.from(await api.remote(c.db, c.alice));

    await api.stop();

    // Offline: edit one offer, delete another, publish a new need and a public offer.
    const offer = await phone.get(`offer:${kept.id}`);
    await phone.put({ ...offer, name: 'Bread (edited offline)', updatedAt: new Date().toISOString() });
    await phone.remove(await phone.get(`offer:${dropped.id}`));
    await phone.put(socialDoc('need', 'offline-need', c.alice, { content: 'A ladder, asked offline' }));
    await phone.put(socialDoc('offer', 'offline-public', c.alice, { access: 'public' }));
    await expect(phone.replicate.to(await api.remote(c.db, c.alice))).rejects.toBeDefined();

    await api.start();
    const { pushed } = await sync(phone, c.alice);
    expect(pushed.ok).toBe(true);
    expect(pushed.doc_write_failures).toBe(0);
    expect(pushed.docs_written).toBe(4);

    expect((await api.get(`/communities/${c.code}/offers/${kept.id}`, c.bob)).body).toMatchObject({ name: 'Bread (edited offline)', content: 'Rye', author: c.alice, created: kept.created });
    expectError(await api.get(`/communities/${c.code}/offers/${dropped.id}`, c.bob), 404, 'NotFound');
    expect((await api.get(`/communities/${c.code}/needs/offline-need`, c.bob)).body.content).toBe('A ladder, asked offline');
    await changeArrives(await api.remote('directory', c.outsider), `offer:${c.code}:offline-public`, (doc) => !doc._deleted);

    // And on to another member's replica.
    const bobs = await localReplica('bob');
    await bobs.replicate.from(await api.remote(c.db, c.bob));
    expect((await bobs.get(`offer:${kept.id}`)).name).toBe('Bread (edited offline)');
  });
});

describe('concurrent edits of the same offer', () => {
  it('converge to one winner on every replica and keep the loser as a conflict its author sees and resolves', async () => {
    const created = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Cake', price: '1 hour' })).body;
    const id = `offer:${created.id}`;
    const phone = await localReplica('phone');
    const laptop = await localReplica('laptop');
    const bobs = await localReplica('bob');
    for (const replica of [phone, laptop]) await replica.replicate.from(await api.remote(c.db, c.alice));

    // Both devices edit the same revision offline.
    const now = () => new Date().toISOString();
    await phone.put({ ...(await phone.get(id)), name: 'Cake (phone)', updatedAt: now() });
    await laptop.put({ ...(await laptop.get(id)), price: '2 hours', name: 'Cake (laptop)', updatedAt: now() });

    await sync(phone, c.alice);
    const laptopSync = await sync(laptop, c.alice);
    expect(laptopSync.pushed.doc_write_failures).toBe(0); // the losing edit is stored, not refused
    await sync(phone, c.alice);
    await bobs.replicate.from(await api.remote(c.db, c.bob));

    const views = await Promise.all([phone, laptop, bobs].map((replica) => replica.get(id, { conflicts: true })));
    const rest = (await api.get(`/communities/${c.code}/offers/${created.id}`, c.alice)).body;
    const winner = { rev: rest.rev, name: rest.name };
    for (const view of views) {
      expect({ rev: view._rev, name: view.name }).toEqual(winner);
      expect(view._conflicts).toEqual(rest.conflicts);
    }
    expect(['Cake (phone)', 'Cake (laptop)']).toContain(rest.name);
    expect(rest.conflicts).toHaveLength(1);

    const conflicts = await api.get(`/communities/${c.code}/offers/${created.id}/conflicts`, c.alice);
    expect(conflicts.status).toBe(200);
    expect(conflicts.body.conflicts).toHaveLength(1);
    const loser = conflicts.body.conflicts[0];
    expect(loser.rev).toBe(rest.conflicts[0]);
    expect(loser.item.name).toBe(rest.name === 'Cake (phone)' ? 'Cake (laptop)' : 'Cake (phone)');
    expect(loser.item).toMatchObject({ id: created.id, author: c.alice, created: created.created });

    // Only its author (or a manager) discards the losing edit.
    expectError(await api.delete(`/communities/${c.code}/offers/${created.id}/conflicts/${loser.rev}`, c.bob), 403, 'Forbidden');
    expectError(await api.delete(`/communities/${c.code}/offers/${created.id}/conflicts/9-abc`, c.alice), 404, 'NotFound');
    expect((await api.delete(`/communities/${c.code}/offers/${created.id}/conflicts/${loser.rev}`, c.alice)).status).toBe(204);
    const resolved = (await api.get(`/communities/${c.code}/offers/${created.id}`, c.alice)).body;
    expect(resolved).toMatchObject({ rev: winner.rev, name: winner.name, conflicts: [] });
    await sync(laptop, c.alice);
    expect((await laptop.get(id, { conflicts: true }))._conflicts).toBeUndefined();
  });

  it('refuses a replica’s concurrent edit by someone who is not the author, whatever the revision it starts from', async () => {
    const created = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Honey' })).body;
    const id = `offer:${created.id}`;
    const bobs = await localReplica('bob-hostile');
    await bobs.replicate.from(await api.remote(c.db, c.bob));
    await api.patch(`/communities/${c.code}/offers/${created.id}`, c.alice, { name: 'Honey (new)' });
    await bobs.put({ ...(await bobs.get(id)), name: 'Honey (bob)' });
    const denied: string[] = [];
    await bobs.replicate.to(await api.remote(c.db, c.bob)).on('denied', (error: any) => denied.push(error.id));
    expect(denied).toEqual([id]);
    const rest = (await api.get(`/communities/${c.code}/offers/${created.id}`, c.alice)).body;
    expect(rest).toMatchObject({ name: 'Honey (new)', conflicts: [] });
  });
});
