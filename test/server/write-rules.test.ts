import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { localReplica, offer, remote } from '../support/pouch.js';

let server: MutualProcess;
let code: string;
let db: string;
let alice: string; // manager
let bob: string; // member
let carol: string; // member

beforeAll(async () => {
  server = await startMutual();
  code = await createGroup(server, 'alice', ['bob', 'carol']);
  db = `${server.dbUrl}/group-${code}`;
  [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((sub) => server.token(sub)));
});
afterAll(() => server.stop());

async function put(doc: Record<string, any>, token: string) {
  return request(`${db}/${encodeURIComponent(doc._id)}`, { method: 'PUT', token, body: doc });
}

async function stored(id: string) {
  return request(`${db}/${encodeURIComponent(id)}`, { token: alice });
}

const now = new Date().toISOString();

/** Documents no member may create, as [label, writer, document, reason fragment]. */
const refusedCreations: [string, string, Record<string, unknown>, string][] = [
  ['a document without a type', 'bob', { _id: 'offer:t1', schema: 1, author: 'bob' }, 'unknown document type'],
  ['an unknown type', 'bob', { ...offer('t2', 'bob'), _id: 'gift:t2', type: 'gift' }, 'unknown document type'],
  ['an outcome (server-only)', 'bob', { _id: 'ledger:t2', type: 'ledger', schema: 1, createdAt: now, updatedAt: now, author: 'bob' }, 'only the server'],
  ['an offer missing its name', 'bob', { ...offer('t3', 'bob'), name: undefined }, 'name'],
  ['an offer with an unknown field', 'bob', { ...offer('t4', 'bob'), balance: 1000 }, 'invalid offer'],
  ['an offer with a wrong field type', 'bob', { ...offer('t5', 'bob'), content: 42 }, 'content'],
  ['a malformed date', 'bob', { ...offer('t6', 'bob'), createdAt: 'yesterday' }, 'createdAt'],
  ['an _id without <type>:', 'bob', { ...offer('t7', 'bob'), _id: 'justanid' }, '_id must be'],
  ['an _id of another type', 'bob', { ...offer('t8', 'bob'), _id: 'member:t8' }, '_id must start with "offer:"'],
  ['a forged author', 'bob', offer('t9', 'alice'), 'author must be the writer'],
  ['settings (server-only)', 'alice', { _id: 'settings:x', type: 'settings', schema: 1, createdAt: now, updatedAt: now, author: 'alice', code: 'x', name: 'x', description: '' }, 'only the server'],
  ['a member document (server-only)', 'bob', { _id: 'member:bob2', type: 'member', schema: 1, createdAt: now, updatedAt: now, author: 'bob', user: 'bob', role: 'manager' }, 'only the server'],
];

describe('the rules, over the REST-like document API (PUT)', () => {
  it.each(refusedCreations)('refuses %s with 403 forbidden and stores nothing', async (_label, writer, doc, reason) => {
    const response = await put(doc, await server.token(writer));
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('forbidden');
    expect(response.body.reason).toContain(reason);
    expect((await stored(doc._id as string)).status).toBe(404);
  });

  it('accepts a valid offer from its author', async () => {
    const response = await put(offer('ok1', 'bob'), bob);
    expect(response.status).toBe(201);
  });

  it('refuses an edit of another member’s offer, keeps the original, lets a manager edit', async () => {
    const created = await put(offer('owned', 'bob'), bob);
    const rev = created.body.rev;
    const byCarol = await put({ ...offer('owned', 'bob', { name: 'Stolen' }), _rev: rev }, carol);
    expect(byCarol.status).toBe(403);
    expect(byCarol.body.reason).toContain('only the author or a manager');
    expect((await stored('offer:owned')).body.name).toBe('Offer owned');

    const byManager = await put({ ...(await stored('offer:owned')).body, name: 'Moderated' }, alice);
    expect(byManager.status).toBe(201);
  });

  it('refuses a change of author or createdAt, even by the author', async () => {
    const created = await put(offer('fixed', 'bob'), bob);
    const current = { ...(await stored('offer:fixed')).body, _rev: created.body.rev };
    const newAuthor = await put({ ...current, author: 'carol' }, bob);
    expect(newAuthor.status).toBe(403);
    expect(newAuthor.body.reason).toContain('author never changes');
    const newDate = await put({ ...current, createdAt: '2020-01-01T00:00:00.000Z' }, bob);
    expect(newDate.body.reason).toContain('createdAt never changes');
  });

  it('refuses deleting another member’s document and the server’s, allows deleting one’s own', async () => {
    const created = await put(offer('gone', 'bob'), bob);
    const byCarol = await request(`${db}/offer:gone?rev=${created.body.rev}`, { method: 'DELETE', token: carol });
    expect(byCarol.status).toBe(403);
    const settings = (await stored('settings:group')).body;
    const bySettingsManager = await request(`${db}/settings:group?rev=${settings._rev}`, { method: 'DELETE', token: alice });
    expect(bySettingsManager.status).toBe(403);
    const byBob = await request(`${db}/offer:gone?rev=${created.body.rev}`, { method: 'DELETE', token: bob });
    expect(byBob.status).toBe(200);
  });

  it('refuses a design document inside _bulk_docs and answers rows in input order', async () => {
    for (let round = 0; round < 20; round += 1) {
      const docs = [
        offer(`order-${round}-a`, 'bob'),
        { _id: `_design/evil-${round}`, validate_doc_update: 'function(){}' },
        offer(`order-${round}-b`, 'alice'),
        offer(`order-${round}-c`, 'bob'),
        { ...offer(`order-${round}-d`, 'bob'), type: 'nothing' },
      ];
      const response = await request(`${db}/_bulk_docs`, { method: 'POST', token: bob, body: { docs } });
      expect(response.status).toBe(201);
      expect(response.body.map((row: any) => row.id)).toEqual(docs.map((doc) => doc._id));
      expect(response.body.map((row: any) => row.error ?? 'ok')).toEqual(['ok', 'forbidden', 'forbidden', 'ok', 'forbidden']);
    }
    expect((await stored('_design/evil-0')).status).toBe(404);
  });

  it('refuses a server checkpoint inside _bulk_docs, and keeps the members’ own checkpoints', async () => {
    const response = await request(`${db}/_bulk_docs`, {
      method: 'POST', token: bob,
      body: { docs: [{ _id: '_local/mutual-reaction-ledger', seq: 999_999 }, { _id: '_local/bobs-replica', last_seq: 3 }] },
    });
    expect(response.body.map((row: any) => row.error ?? 'ok')).toEqual(['forbidden', 'ok']);
    const checkpoint = await request(`${db}/_local/mutual-reaction-ledger`, { token: alice });
    expect(checkpoint.body.seq).not.toBe(999_999);
  });

  it('lets a member write attachments only on documents they may edit', async () => {
    const created = await put(offer('pic', 'bob'), bob);
    const asBob = await fetch(`${db}/offer:pic/photo.txt?rev=${created.body.rev}`, {
      method: 'PUT', body: 'bob-photo', headers: { authorization: `Bearer ${bob}`, 'content-type': 'text/plain' },
    });
    expect(asBob.status).toBe(201);
    const rev = ((await asBob.json()) as { rev: string }).rev;
    const asCarol = await fetch(`${db}/offer:pic/photo.txt?rev=${rev}`, {
      method: 'PUT', body: 'carol-photo', headers: { authorization: `Bearer ${carol}`, 'content-type': 'text/plain' },
    });
    expect(asCarol.status).toBe(403);
    const photo = await fetch(`${db}/offer:pic/photo.txt`, { headers: { authorization: `Bearer ${bob}` } });
    expect(await photo.text()).toBe('bob-photo');
  });
});

describe('the rules, over replication (PouchDB push)', () => {
  it('reports refused documents as denied and pushes the valid ones', async () => {
    const replica = await localReplica();
    await replica.bulkDocs([
      offer('rep-ok-1', 'bob'),
      offer('rep-forged', 'alice'),
      { ...offer('rep-invalid', 'bob'), name: '' },
      { _id: 'settings:rep', type: 'settings', schema: 1, createdAt: now, updatedAt: now, author: 'bob', code: 'x', name: 'x', description: '' },
      offer('rep-ok-2', 'bob'),
    ]);
    const denied: string[] = [];
    const result = await replica.replicate
      .to(remote(db, bob))
      .on('denied', (error: any) => denied.push(error.id));
    expect(result.ok).toBe(true);
    expect(result.docs_written).toBe(2);
    expect(result.doc_write_failures).toBe(3);
    expect(denied.sort()).toEqual(['offer:rep-forged', 'offer:rep-invalid', 'settings:rep']);
    expect((await stored('offer:rep-ok-1')).status).toBe(200);
    expect((await stored('offer:rep-ok-2')).status).toBe(200);
    expect((await stored('offer:rep-forged')).status).toBe(404);
  });

  it('refuses a replicated edit of another member’s document', async () => {
    const created = await put(offer('rep-owned', 'bob'), bob);
    expect(created.status).toBe(201);
    const replica = await localReplica();
    await replica.replicate.from(remote(db, carol), { doc_ids: ['offer:rep-owned'] });
    const doc = await replica.get('offer:rep-owned');
    await replica.put({ ...doc, name: 'Carol was here' });
    const result = await replica.replicate.to(remote(db, carol));
    expect(result.doc_write_failures).toBe(1);
    expect((await stored('offer:rep-owned')).body.name).toBe('Offer rep-owned');
  });

  it('refuses every write of a non-member, whatever the document', async () => {
    const replica = await localReplica();
    await replica.put(offer('intruder', 'mallory'));
    const mallory = remote(db, await server.token('mallory'));
    await expect(replica.replicate.to(mallory)).rejects.toMatchObject({ status: 403 });
    expect((await stored('offer:intruder')).status).toBe(404);
  });
});
