import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, uniqueUser, useApi } from '../support/communities.js';
import type { Db } from '../support/pouch.js';
import { community, profileDoc, socialDoc, userKey, type Community } from '../support/social.js';
import { changeArrives } from '../support/wait.js';

/**
 * Public offers, needs and member cards are published to the `directory` database, where
 * every signed-in user (member or not) reads them, and withdrawn when they stop being public.
 * Each test waits on the directory's change feed: the publishing is a reaction of the server.
 */

const api = useApi();
let c: Community;
let directory: Db;
let reader: string; // in no community

beforeAll(async () => {
  c = await community(api.server);
  reader = uniqueUser('reader');
  directory = await api.remote('directory', reader);
});

const published = (entryId: string) => changeArrives(directory, entryId, (doc) => !doc._deleted);
const withdrawn = (entryId: string) => changeArrives(directory, entryId, (doc) => doc._deleted === true);

describe('publishing to the directory', () => {
  it('publishes a public offer for non-members, and withdraws it when made private', async () => {
    const offer = (await api.post(`/communities/${c.code}/offers`, c.alice, {
      name: 'Public bread', content: '<p>Rye</p>', access: 'public', price: '1 hour',
    })).body;
    const entry = await published(`offer:${c.code}:${offer.id}`);
    expect(entry).toMatchObject({ type: 'offer', group: c.code, source: `offer:${offer.id}` });

    const listed = await api.get('/directory/offers', reader);
    expect(listed.status).toBe(200);
    const item = listed.body.offers.find((candidate: { id: string }) => candidate.id === offer.id);
    expect(item).toEqual({
      id: offer.id, code: offer.code, access: 'public', author: c.alice, created: offer.created, updated: offer.updated,
      name: 'Public bread', content: '<p>Rye</p>', price: '1 hour', images: [], expired: false, community: c.code,
    });
    expect((await api.get(`/directory/offers/${offer.id}`, reader)).body).toEqual(item);
    // The group's own face stays closed to the same user.
    expectError(await api.get(`/communities/${c.code}/offers/${offer.id}`, reader), 403, 'Forbidden');

    await api.patch(`/communities/${c.code}/offers/${offer.id}`, c.alice, { access: 'private' });
    await withdrawn(`offer:${c.code}:${offer.id}`);
    expectError(await api.get(`/directory/offers/${offer.id}`, reader), 404, 'NotFound');
  });

  it('never publishes group or private items, and follows edits of public ones', async () => {
    const groupOnly = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Members only' })).body;
    const open = (await api.post(`/communities/${c.code}/needs`, c.bob, { content: 'A ladder', access: 'public' })).body;
    await published(`need:${c.code}:${open.id}`);
    await api.patch(`/communities/${c.code}/needs/${open.id}`, c.bob, { content: 'A tall ladder' });
    await changeArrives(directory, `need:${c.code}:${open.id}`, (doc) => doc.item?.content === 'A tall ladder');
    expect((await api.get(`/directory/needs/${open.id}`, reader)).body).toMatchObject({ content: 'A tall ladder', community: c.code });
    expectError(await api.get(`/directory/offers/${groupOnly.id}`, reader), 404, 'NotFound');
    expect((await directory.get(`offer:${c.code}:${groupOnly.id}`).catch((error: { status: number }) => error.status))).toBe(404);
  });

  it('withdraws a deleted item, and publishes what a replica writes over the CouchDB face', async () => {
    const need = (await api.post(`/communities/${c.code}/needs`, c.bob, { content: 'Paint', access: 'public' })).body;
    await published(`need:${c.code}:${need.id}`);
    expect((await api.delete(`/communities/${c.code}/needs/${need.id}`, c.bob)).status).toBe(204);
    await withdrawn(`need:${c.code}:${need.id}`);

    const doc = socialDoc('offer', 'from-replica', c.alice, { access: 'public', expires: '2020-01-01T00:00:00.000Z' });
    expect((await api.put(`/db/${c.db}/${doc._id}`, c.alice, doc)).status).toBe(201);
    await published(`offer:${c.code}:from-replica`);
    const item = (await api.get('/directory/offers/from-replica', reader)).body;
    expect(item).toMatchObject({ name: 'Offer from-replica', expired: true, community: c.code });
    expect((await api.get('/directory/offers?filter[expired]=true', reader)).body.offers.map((o: { id: string }) => o.id)).toContain('from-replica');
  });

  it('copies the images a public offer carries as attachments, readable by anyone signed in', async () => {
    const doc = {
      ...socialDoc('offer', 'with-photo', c.alice, { access: 'public', images: [{ href: 'loaf.jpg' }, { href: 'https://example.org/x.jpg' }] }),
      _attachments: {
        'loaf.jpg': { content_type: 'image/jpeg', data: Buffer.from('a loaf of bread').toString('base64') },
        'notes.txt': { content_type: 'text/plain', data: Buffer.from('not an image').toString('base64') },
      },
    };
    expect((await api.put(`/db/${c.db}/${doc._id}`, c.alice, doc)).status).toBe(201);
    const entry = await published(`offer:${c.code}:with-photo`);
    expect(Object.keys(entry._attachments)).toEqual(['loaf.jpg']);
    const photo = await fetch(`${api.server.dbUrl}/directory/${encodeURIComponent(entry._id)}/loaf.jpg`, {
      headers: { authorization: `Bearer ${await api.token(reader)}` },
    });
    expect(await photo.text()).toBe('a loaf of bread');
    expect(entry.item.images).toEqual(doc.images);
  });

  it('publishes a public member card without contacts while the member stays, and withdraws it when they leave', async () => {
    const m = await community(api.server);
    const key = userKey(m.alice);
    const profile = await api.post(`/communities/${m.code}/members`, m.alice, {
      name: 'Alice Baker', access: 'public', contacts: [{ type: 'email', name: 'alice@example.org' }], description: '<p>Bakes</p>',
    });
    expect(profile.status).toBe(201);
    const card = await published(`member:${m.code}:${key}`);
    expect(card.item).toMatchObject({ id: key, userId: m.alice, name: 'Alice Baker', description: '<p>Bakes</p>', access: 'public' });
    expect(card.item.contacts).toBeUndefined();
    const listed = await api.get(`/directory/members?filter[community]=${m.code}`, reader);
    expect(listed.body.members).toEqual([expect.objectContaining({ id: key, name: 'Alice Baker', community: m.code })]);
    expect(listed.body.members[0].contacts).toBeUndefined();

    expect((await api.delete(`/communities/${m.code}/users/${encodeURIComponent(m.alice)}`, m.alice)).status).toBe(204);
    await withdrawn(`member:${m.code}:${key}`);
    expect((await api.get(`/directory/members?filter[community]=${m.code}`, reader)).body.members).toEqual([]);
  });

  it('withdraws every public item and card of a deleted community, and only those', async () => {
    const a = await community(api.server);
    const other = await community(api.server);
    const offer = (await api.post(`/communities/${a.code}/offers`, a.alice, { name: 'Soon gone', access: 'public' })).body;
    const need = (await api.post(`/communities/${a.code}/needs`, a.alice, { content: '<p>A ladder</p>', access: 'public' })).body;
    await api.post(`/communities/${a.code}/members`, a.alice, { name: 'Alice Baker', access: 'public' });
    const stays = (await api.post(`/communities/${other.code}/offers`, other.alice, { name: 'Still here', access: 'public' })).body;
    await published(`offer:${a.code}:${offer.id}`);
    await published(`need:${a.code}:${need.id}`);
    await published(`member:${a.code}:${userKey(a.alice)}`);
    await published(`offer:${other.code}:${stays.id}`);
    expect((await api.get(`/directory/offers/${offer.id}`, reader)).status).toBe(200);

    expect((await api.delete(`/communities/${a.code}`, a.manager)).status).toBe(204);
    expectError(await api.get(`/directory/offers/${offer.id}`, reader), 404, 'NotFound');
    // Gone from the directory database too, for replicas that follow it.
    await withdrawn(`offer:${a.code}:${offer.id}`);
    await withdrawn(`need:${a.code}:${need.id}`);
    await withdrawn(`member:${a.code}:${userKey(a.alice)}`);
    const left = await directory.allDocs({ startkey: `offer:${a.code}:`, endkey: `offer:${a.code}:\uffff` });
    expect(left.rows).toEqual([]);
    expect((await directory.get(`offer:${other.code}:${stays.id}`)).item.name).toBe('Still here');
  });
});

describe('the directory REST face', () => {
  it('filters, searches and pages public items across communities', async () => {
    const one = await community(api.server);
    const two = await community(api.server);
    const ids: string[] = [];
    for (const [g, n] of [[one, 0], [one, 1], [two, 2], [two, 3], [two, 4]] as const) {
      const offer = (await api.post(`/communities/${g.code}/offers`, g.alice, { name: `Honey ${n}`, content: n % 2 ? 'wildflower' : 'acacia', access: 'public' })).body;
      ids.push(offer.id);
      await published(`offer:${g.code}:${offer.id}`);
    }
    const query = async (q: string) => (await api.get(`/directory/offers?${q}`, reader)).body;
    expect((await query(`filter[community]=${two.code}&sort=name`)).offers.map((o: { id: string }) => o.id)).toEqual(ids.slice(2));
    expect((await query(`filter[community]=${one.code}&filter[search]=wildflower`)).offers.map((o: { id: string }) => o.id)).toEqual([ids[1]]);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const cursor: string = after ? `&page[after]=${after}` : '';
      const page = await query(`filter[search]=honey&sort=name&page[size]=2${cursor}`);
      seen.push(...page.offers.filter((o: { community: string }) => [one.code, two.code].includes(o.community)).map((o: { id: string }) => o.id));
      after = page.next;
    } while (after);
    expect(seen).toEqual(ids);
    expectError(await api.get('/directory/offers?page[size]=500', reader), 400, 'ValidationFailed');
    expectError(await api.get('/directory/offers', null), 401, 'Unauthorized');
  });
});

describe('publishing across a restart', () => {
  it('publishes exactly once what was written just before the server was killed', async () => {
    const k = await community(api.server);
    const docs = Array.from({ length: 40 }, (_, i) => socialDoc('offer', `burst-${i}`, k.alice, { access: 'public' }));
    const profile = profileDoc(k.alice, { access: 'public' });
    const written = await api.post(`/db/${k.db}/_bulk_docs`, k.alice, { docs: [...docs, profile] });
    expect(written.body.every((row: { ok?: boolean }) => row.ok)).toBe(true);
    await api.server.kill();

    await api.start();
    directory = await api.remote('directory', reader);
    await published(`offer:${k.code}:burst-39`);
    await published(`member:${k.code}:${userKey(k.alice)}`);
    const listed = await api.get(`/directory/offers?filter[community]=${k.code}&page[size]=100`, reader);
    expect(listed.body.offers.map((o: { id: string }) => o.id).sort()).toEqual(docs.map((d) => d._id.slice('offer:'.length)).sort());

    // Still following the group after the restart.
    const later = (await api.post(`/communities/${k.code}/offers`, k.bob, { name: 'After restart', access: 'public' })).body;
    await published(`offer:${k.code}:${later.id}`);
  });
});
