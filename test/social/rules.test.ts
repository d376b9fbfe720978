import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, useApi } from '../support/communities.js';
import { localReplica } from '../support/pouch.js';
import { community, expectCouchError, profileDoc, socialDoc, userKey, type Community } from '../support/social.js';

/**
 * A hostile member breaks each rule of social content on both faces: the CouchDB face (PUT,
 * _bulk_docs, replication) must refuse with `forbidden` and a reason, the REST face with the
 * catalogued error; nothing is stored either way.
 */

const api = useApi();
let c: Community;

const KiB = 1024;
const base64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');
const attachment = (bytes: number) => ({ content_type: 'image/jpeg', data: base64(bytes) });

type Who = 'alice' | 'bob' | 'manager';
type Doc = Record<string, any>;

interface HostileCase {
  label: string;
  writer: Who;
  /** The document the hostile write starts from, written first by its rightful author. */
  base?: { author: Who; doc: (id: string, author: string) => Doc };
  write: (base: Doc | undefined, id: string) => Doc;
  reason: string;
}

const offerBase = { author: 'alice' as Who, doc: (id: string, author: string) => socialDoc('offer', id, author) };
const postBase = { author: 'manager' as Who, doc: (id: string, author: string) => socialDoc('post', id, author) };

/** Each case names its own document ids, so one case's write never meets another's. */
const cases: HostileCase[] = [
  { label: 'an edit of another member’s offer', writer: 'bob', base: offerBase, write: (b) => ({ ...b, name: 'Mine now' }), reason: 'only the author or a manager edits' },
  { label: 'a change of author', writer: 'alice', base: offerBase, write: (b) => ({ ...b, author: c.bob }), reason: 'author never changes' },
  { label: 'a change of createdAt', writer: 'alice', base: offerBase, write: (b) => ({ ...b, createdAt: '2020-01-01T00:00:00.000Z' }), reason: 'createdAt never changes' },
  { label: 'a deletion of another member’s offer', writer: 'bob', base: offerBase, write: (b) => ({ _id: b!._id, _rev: b!._rev, _deleted: true }), reason: 'only the author or a manager deletes' },
  { label: 'an offer with a forged author', writer: 'bob', write: (_, id) => socialDoc('offer', id, c.alice), reason: 'author must be the writer' },
  { label: 'a post by a member', writer: 'bob', write: (_, id) => socialDoc('post', id, c.bob), reason: 'only managers write post documents' },
  { label: 'a category by a member', writer: 'bob', write: (_, id) => socialDoc('category', id, c.bob), reason: 'only managers write category documents' },
  { label: 'a member’s edit of a manager’s post', writer: 'bob', base: postBase, write: (b) => ({ ...b, title: 'Hijacked' }), reason: 'only managers write post documents' },
  { label: 'a member’s deletion of a post', writer: 'bob', base: postBase, write: (b) => ({ _id: b!._id, _rev: b!._rev, _deleted: true }), reason: 'only managers delete post documents' },
  { label: 'a <script> in rich text', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { content: '<p>hi</p><script>alert(1)</script>' }), reason: '<script> is not allowed' },
  { label: 'an event handler attribute', writer: 'alice', write: (_, id) => socialDoc('need', id, c.alice, { content: '<p onmouseover="alert(1)">hi</p>' }), reason: '<p> takes no attribute' },
  { label: 'a javascript: link', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { content: '<a href="javascript:alert(1)">x</a>' }), reason: 'links must be http, https or mailto' },
  { label: 'an <img> tag', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { content: '<img src=x onerror=alert(1)>' }), reason: '<img> is not allowed' },
  { label: 'markup in a plain-text field', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { name: '<b>Bread</b>' }), reason: 'name: markup is not allowed in plain text' },
  { label: 'an unknown access value', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { access: 'everyone' }), reason: 'access' },
  { label: 'an attachment over 512 KiB', writer: 'alice', write: (_, id) => ({ ...socialDoc('offer', id, c.alice), _attachments: { 'big.jpg': attachment(600 * KiB) } }), reason: 'larger than 524288 bytes' },
  { label: 'six attachments', writer: 'alice', write: (_, id) => ({ ...socialDoc('offer', id, c.alice), _attachments: Object.fromEntries([1, 2, 3, 4, 5, 6].map((n) => [`p${n}.jpg`, attachment(10)])) }), reason: 'at most 5 attachments' },
  { label: 'an image naming no attachment', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { images: [{ href: 'missing.jpg' }] }), reason: 'names no attachment' },
  { label: 'a javascript: image', writer: 'alice', write: (_, id) => socialDoc('offer', id, c.alice, { images: [{ href: 'javascript:alert(1)' }] }), reason: 'images.0.href' },
  { label: 'a profile of someone else', writer: 'bob', write: () => profileDoc(c.manager, { author: c.bob }), reason: 'written by the user it describes' },
  { label: 'an edit of another member’s profile', writer: 'bob', base: { author: 'alice', doc: (_id, author) => profileDoc(author) }, write: (b) => ({ ...b, name: 'Bob was here' }), reason: 'only the author or a manager edits' },
  { label: 'a location off the globe', writer: 'bob', write: () => profileDoc(c.bob, { location: { type: 'Point', coordinates: [181, 0] } }), reason: 'location.coordinates' },
];

const users = () => ({ alice: c.alice, bob: c.bob, manager: c.manager });
const docPath = (id: string) => `/db/${c.db}/${encodeURIComponent(id)}`;

/** Writes each case's base document (as its author) and answers it with its rev, per face. */
async function bases(face: string): Promise<Map<HostileCase, Doc | undefined>> {
  const written = new Map<HostileCase, Doc | undefined>();
  for (const [index, hostile] of cases.entries()) {
    if (!hostile.base) {
      written.set(hostile, undefined);
      continue;
    }
    const author = users()[hostile.base.author];
    const doc = hostile.base.doc(`${face}-${index}`, author);
    // A profile is one per user: the faces share it (the hostile edits leave it as it is).
    const existing = await serverCopy(doc._id);
    if (existing) {
      written.set(hostile, existing);
      continue;
    }
    const put = await api.put(docPath(doc._id), author, doc);
    expect(put.status, JSON.stringify(put.body)).toBe(201);
    written.set(hostile, { ...doc, _rev: put.body.rev });
  }
  return written;
}

/** The document of a case, as the server holds it (absent: undefined). */
async function serverCopy(id: string): Promise<Doc | undefined> {
  const response = await api.get(docPath(id), c.manager);
  return response.status === 200 ? response.body : undefined;
}

beforeAll(async () => {
  c = await community(api.server);
});

describe('the social rules over the CouchDB face', () => {
  let byPut: Map<HostileCase, Doc | undefined>;
  let byBulk: Map<HostileCase, Doc | undefined>;
  beforeAll(async () => {
    byPut = await bases('put');
    byBulk = await bases('bulk');
  });

  it.each(cases.map((hostile, index) => [hostile.label, hostile, index] as const))('PUT refuses %s with 403 forbidden', async (_label, hostile, index) => {
    const base = byPut.get(hostile);
    const doc = hostile.write(base, `put-new-${index}`);
    const response = doc._deleted
      ? await api.call('DELETE', `${docPath(doc._id)}?rev=${doc._rev}`, users()[hostile.writer])
      : await api.put(docPath(doc._id), users()[hostile.writer], doc);
    expectCouchError(response, 403, 'forbidden', hostile.reason);
    const stored = await serverCopy(doc._id);
    if (base) expect(stored?._rev).toBe(base._rev);
    else expect(stored).toBeUndefined();
  });

  it('_bulk_docs refuses each hostile document in its row, in input order, and writes the valid ones', async () => {
    for (const who of ['alice', 'bob'] as const) {
      const mine = cases.map((hostile, index) => ({ hostile, index })).filter(({ hostile }) => hostile.writer === who);
      const docs = mine.flatMap(({ hostile, index }) => [
        hostile.write(byBulk.get(hostile), `bulk-new-${index}`),
        socialDoc('offer', `bulk-ok-${who}-${index}`, users()[who]),
      ]);
      const response = await api.post(`/db/${c.db}/_bulk_docs`, users()[who], { docs });
      expect(response.status).toBe(201);
      expect(response.body.map((row: Doc) => row.id)).toEqual(docs.map((doc) => doc._id));
      mine.forEach(({ hostile }, n) => {
        const refused = response.body[2 * n];
        expect({ label: hostile.label, error: refused.error }).toEqual({ label: hostile.label, error: 'forbidden' });
        expect(refused.reason, hostile.label).toContain(hostile.reason);
        expect(response.body[2 * n + 1].ok).toBe(true);
      });
    }
  });

  it('replication reports every hostile document as denied and pushes the rest', async () => {
    const byReplication = await bases('rep');
    for (const who of ['alice', 'bob'] as const) {
      const replica = await localReplica();
      await replica.replicate.from(await api.remote(c.db, users()[who]));
      const mine = cases.map((hostile, index) => ({ hostile, index })).filter(({ hostile }) => hostile.writer === who);
      const expectedDenied: string[] = [];
      for (const { hostile, index } of mine) {
        const base = byReplication.get(hostile);
        const local = base ? await replica.get(base._id) : undefined;
        const doc = hostile.write(local ? { ...local } : undefined, `rep-new-${index}-${who}`);
        await replica.bulkDocs([doc as never]);
        expectedDenied.push(doc._id);
      }
      await replica.put(socialDoc('offer', `rep-ok-${who}`, users()[who]) as never);
      const denied: string[] = [];
      const result = await replica.replicate.to(await api.remote(c.db, users()[who])).on('denied', (error: any) => denied.push(error.id));
      expect(result.ok).toBe(true);
      expect(denied.sort()).toEqual(expectedDenied.sort());
      expect(result.docs_written).toBe(1);
      for (const id of expectedDenied) {
        const stored = await serverCopy(id);
        const base = [...byReplication.values()].find((doc) => doc?._id === id);
        if (base) expect(stored?._rev, id).toBe(base._rev);
        else expect(stored, id).toBeUndefined();
      }
    }
  });

  it('caps attachments written through the attachment endpoint too, and accepts what fits', async () => {
    const doc = socialDoc('offer', 'with-photo', c.alice);
    const created = await api.put(docPath(doc._id), c.alice, doc);
    const upload = async (name: string, bytes: number, rev: string) => fetch(`${api.server.dbUrl}/${c.db}/${doc._id}/${name}?rev=${rev}`, {
      method: 'PUT', body: Buffer.alloc(bytes, 1), headers: { authorization: `Bearer ${await api.token(c.alice)}`, 'content-type': 'image/jpeg' },
    });
    const tooBig = await upload('big.jpg', 513 * KiB, created.body.rev);
    expect(tooBig.status).toBe(403);
    expect(((await tooBig.json()) as Doc).reason).toContain('larger than 524288 bytes');
    const fits = await upload('photo.jpg', 512 * KiB, created.body.rev);
    expect(fits.status).toBe(201);
    const rev = ((await fits.json()) as Doc).rev;
    const current = (await api.get(docPath(doc._id), c.alice)).body;
    expect(current._attachments['photo.jpg']).toMatchObject({ stub: true, length: 512 * KiB });
    // The stub of the attachment it has counts at its length; the image may now name it.
    const withImage = await api.put(docPath(doc._id), c.alice, { ...current, _rev: rev, images: [{ href: 'photo.jpg' }] });
    expect(withImage.status).toBe(201);
    const offer = await api.get(`/communities/${c.code}/offers/with-photo`, c.bob);
    expect(offer.body.images).toEqual([{ href: 'photo.jpg' }]);
  });

  it('lets a manager edit and delete a member’s offer, and write and delete posts and categories', async () => {
    const offer = socialDoc('offer', 'moderated', c.alice);
    const created = await api.put(docPath(offer._id), c.alice, offer);
    const moderated = await api.put(docPath(offer._id), c.manager, { ...offer, _rev: created.body.rev, name: 'Moderated' });
    expect(moderated.status).toBe(201);
    expect((await api.call('DELETE', `${docPath(offer._id)}?rev=${moderated.body.rev}`, c.manager)).status).toBe(200);
    for (const type of ['post', 'category'] as const) {
      const doc = socialDoc(type, `by-manager-${type}`, c.manager);
      const put = await api.put(docPath(doc._id), c.manager, doc);
      expect(put.status).toBe(201);
      expect((await api.call('DELETE', `${docPath(doc._id)}?rev=${put.body.rev}`, c.manager)).status).toBe(200);
    }
  });
});

describe('the social rules over the REST face', () => {
  let aliceOffer: Doc;
  let managerPost: Doc;
  beforeAll(async () => {
    aliceOffer = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Alice’s bread' })).body;
    managerPost = (await api.post(`/communities/${c.code}/posts`, c.manager, { title: 'News' })).body;
    await api.post(`/communities/${c.code}/members`, c.bob, { name: 'Bob' });
  });

  const offers = () => `/communities/${c.code}/offers`;

  it.each([
    ['an edit of another member’s offer', () => api.patch(`${offers()}/${aliceOffer.id}`, c.bob, { name: 'Mine' }), 403, 'Forbidden'],
    ['a deletion of another member’s offer', () => api.delete(`${offers()}/${aliceOffer.id}`, c.bob), 403, 'Forbidden'],
    ['a change of author', () => api.patch(`${offers()}/${aliceOffer.id}`, c.alice, { author: c.bob }), 400, 'ValidationFailed'],
    ['a change of created', () => api.patch(`${offers()}/${aliceOffer.id}`, c.alice, { created: '2020-01-01T00:00:00.000Z' }), 400, 'ValidationFailed'],
    ['a post by a member', () => api.post(`/communities/${c.code}/posts`, c.bob, { title: 'Mine' }), 403, 'Forbidden'],
    ['a category by a member', () => api.post(`/communities/${c.code}/categories`, c.bob, { name: 'Mine' }), 403, 'Forbidden'],
    ['a member’s edit of a post', () => api.patch(`/communities/${c.code}/posts/${managerPost.id}`, c.bob, { title: 'Hijacked' }), 403, 'Forbidden'],
    ['a member’s deletion of a post', () => api.delete(`/communities/${c.code}/posts/${managerPost.id}`, c.bob), 403, 'Forbidden'],
    ['markup in a plain-text field', () => api.post(offers(), c.bob, { name: '<script>x</script>' }), 400, 'ValidationFailed'],
    ['an unknown access value', () => api.post(offers(), c.bob, { name: 'x', access: 'everyone' }), 400, 'ValidationFailed'],
    ['an image naming no attachment', () => api.post(offers(), c.bob, { name: 'x', images: [{ href: 'missing.jpg' }] }), 400, 'ValidationFailed'],
    ['a javascript: image', () => api.post(offers(), c.bob, { name: 'x', images: [{ href: 'javascript:alert(1)' }] }), 400, 'ValidationFailed'],
    ['an edit of another member’s profile', () => api.patch(`/communities/${c.code}/members/${userKey(c.bob)}`, c.alice, { name: 'Alice was here' }), 403, 'Forbidden'],
    ['a deletion of another member’s profile', () => api.delete(`/communities/${c.code}/members/${userKey(c.bob)}`, c.alice), 403, 'Forbidden'],
    ['a write by a non-member', () => api.post(offers(), c.outsider, { name: 'Spam' }), 403, 'Forbidden'],
  ] as const)('refuses %s', async (_label, call, status, code) => {
    expectError(await call(), status, code);
    expect((await api.get(`${offers()}/${aliceOffer.id}`, c.alice)).body.rev).toBe(aliceOffer.rev);
    expect((await api.get(`/communities/${c.code}/posts/${managerPost.id}`, c.alice)).body.rev).toBe(managerPost.rev);
    expect((await api.get(`/communities/${c.code}/members/${userKey(c.bob)}`, c.alice)).body.name).toBe('Bob');
  });

  it('does not trust rich text: it stores it sanitised, so what REST writes always passes the rules', async () => {
    const hostile = '<p onclick="x">a</p><script>alert(1)</script><a href="javascript:alert(1)">b</a><a href="data:text/html,x">c</a><style>*{}</style>';
    const created = await api.post(offers(), c.bob, { name: 'Sanitised', content: hostile });
    expect(created.status).toBe(201);
    expect(created.body.content).toBe('<p>a</p><a>b</a><a>c</a>');
    const stored = await api.get(docPath(`offer:${created.body.id}`), c.bob);
    expect(stored.body.content).toBe('<p>a</p><a>b</a><a>c</a>');
  });
});
