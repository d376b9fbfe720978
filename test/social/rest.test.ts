import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, uniqueUser, useApi } from '../support/communities.js';
import { community, userKey, type Community } from '../support/social.js';

const api = useApi();
let c: Community;

beforeAll(async () => {
  c = await community(api.server);
});

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('offers over REST', () => {
  it('creates (201), reads (200), patches (200) and deletes (204) an offer, stored as offer:<uuid>', async () => {
    const created = await api.post(`/communities/${c.code}/offers`, c.alice, {
      name: 'Sourdough', content: '<p>Fresh <strong>every</strong> day</p>', price: '2 hours', expires: '2099-01-01T00:00:00.000Z',
    });
    expect(created.status).toBe(201);
    const offer = created.body;
    expect(offer).toMatchObject({
      name: 'Sourdough', content: '<p>Fresh <strong>every</strong> day</p>', price: '2 hours', access: 'group',
      author: c.alice, images: [], expired: false, conflicts: [], expires: '2099-01-01T00:00:00.000Z',
    });
    expect(offer.id).toMatch(uuid);
    expect(offer.code).toBe(`O-${offer.id.replace(/-/g, '').slice(0, 8).toUpperCase()}`);
    expect(offer.created).toBe(offer.updated);

    const stored = await api.get(`/db/${c.db}/offer:${offer.id}`, c.bob);
    expect(stored.body).toMatchObject({ type: 'offer', schema: 1, author: c.alice, createdAt: offer.created, name: 'Sourdough' });

    const read = await api.get(`/communities/${c.code}/offers/${offer.id}`, c.bob);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(offer);

    const patched = await api.patch(`/communities/${c.code}/offers/${offer.id}`, c.alice, { name: 'Rye', price: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ id: offer.id, name: 'Rye', content: offer.content, created: offer.created, author: c.alice });
    expect(patched.body.price).toBeUndefined();
    expect(patched.body.updated >= offer.updated).toBe(true);
    expect(patched.body.rev).not.toBe(offer.rev);

    const deleted = await api.delete(`/communities/${c.code}/offers/${offer.id}`, c.alice);
    expect(deleted.status).toBe(204);
    expectError(await api.get(`/communities/${c.code}/offers/${offer.id}`, c.alice), 404, 'NotFound');
    expectError(await api.delete(`/communities/${c.code}/offers/${offer.id}`, c.alice), 404, 'NotFound');
  });

  it('takes a client-made UUID once: the second POST with it is 409 Conflict', async () => {
    const id = crypto.randomUUID();
    expect((await api.post(`/communities/${c.code}/offers`, c.alice, { id, name: 'Jam' })).status).toBe(201);
    expectError(await api.post(`/communities/${c.code}/offers`, c.bob, { id, name: 'Jam again' }), 409, 'Conflict');
    expect((await api.get(`/communities/${c.code}/offers/${id}`, c.bob)).body.author).toBe(c.alice);
  });

  it('sanitises rich text to the safe subset, and refuses markup in plain text with 400', async () => {
    const created = await api.post(`/communities/${c.code}/offers`, c.alice, {
      name: 'Cakes',
      content: '<p onclick="steal()">Hi<script>alert(1)</script> <a href="javascript:alert(1)">me</a> <a href="https://example.org/?a=1&b=2" target="_blank">site</a><img src=x onerror=alert(1)></p><!-- x -->',
    });
    expect(created.status).toBe(201);
    expect(created.body.content).toBe('<p>Hi <a>me</a> <a href="https://example.org/?a=1&amp;b=2">site</a></p>');
    const patched = await api.patch(`/communities/${c.code}/offers/${created.body.id}`, c.alice, { content: '<iframe src="https://evil"></iframe>ok' });
    expect(patched.body.content).toBe('ok');

    const markup = await api.post(`/communities/${c.code}/offers`, c.alice, { name: '<b>Bold</b> name' });
    expectError(markup, 400, 'ValidationFailed');
    expect(markup.body.error.details).toContainEqual({ path: 'body.name', message: 'markup is not allowed in plain text' });
    expect((await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Fish & chips <3' })).status).toBe(201);
  });

  it('answers 400 ValidationFailed for bad fields, and never takes author or created from a body', async () => {
    const bad = async (body: unknown, field: string) => {
      const response = await api.post(`/communities/${c.code}/offers`, c.alice, body);
      expectError(response, 400, 'ValidationFailed');
      expect(response.body.error.details.map((d: { path: string }) => d.path).join(' ')).toContain(field);
    };
    await bad({ name: 'x', access: 'secret' }, 'body.access');
    await bad({ name: 'x', author: c.bob }, 'body');
    await bad({ name: 'x', created: '2020-01-01T00:00:00.000Z' }, 'body');
    await bad({ name: 'x', expires: 'tomorrow' }, 'body.expires');
    await bad({ name: 'x', images: [{ href: 'javascript:alert(1)' }] }, 'body.images.0.href');
    await bad({ name: 'x', images: [{ href: 'photo.jpg' }] }, 'body');
    await bad({ name: 'x', category: 'no-such-category' }, 'body.category');
    await bad({ content: 'no name' }, 'body.name');
    const offer = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Fixed' })).body;
    const patch = await api.patch(`/communities/${c.code}/offers/${offer.id}`, c.alice, { author: c.bob });
    expectError(patch, 400, 'ValidationFailed');
    expectError(await api.patch(`/communities/${c.code}/offers/${offer.id}`, c.alice, {}), 400, 'ValidationFailed');
  });

  it('answers 404 for an unknown community, 403 to a non-member, 401 without a token', async () => {
    expectError(await api.get('/communities/no-such-group/offers', c.alice), 404, 'NotFound');
    expectError(await api.get(`/communities/${c.code}/offers`, c.outsider), 403, 'Forbidden');
    expectError(await api.post(`/communities/${c.code}/offers`, c.outsider, { name: 'Spam' }), 403, 'Forbidden');
    expectError(await api.get(`/communities/${c.code}/offers`, null), 401, 'Unauthorized');
  });

  it('shows a private item to its author and managers only', async () => {
    const secret = (await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Secret recipe', access: 'private' })).body;
    expect((await api.get(`/communities/${c.code}/offers/${secret.id}`, c.alice)).status).toBe(200);
    expect((await api.get(`/communities/${c.code}/offers/${secret.id}`, c.manager)).status).toBe(200);
    expectError(await api.get(`/communities/${c.code}/offers/${secret.id}`, c.bob), 404, 'NotFound');
    expectError(await api.patch(`/communities/${c.code}/offers/${secret.id}`, c.bob, { name: 'Mine' }), 404, 'NotFound');
    const listed = await api.get(`/communities/${c.code}/offers?page[size]=100`, c.bob);
    expect(listed.body.offers.map((o: { id: string }) => o.id)).not.toContain(secret.id);
  });
});

describe('needs, posts and categories over REST', () => {
  it('lets members publish needs, and only managers publish posts and categories', async () => {
    const need = await api.post(`/communities/${c.code}/needs`, c.bob, { content: '<p>A <em>ladder</em></p>' });
    expect(need.status).toBe(201);
    expect(need.body).toMatchObject({ content: '<p>A <em>ladder</em></p>', author: c.bob, expired: false });
    expect(need.body.code).toMatch(/^N-/);

    expectError(await api.post(`/communities/${c.code}/posts`, c.alice, { title: 'Hello' }), 403, 'Forbidden');
    expectError(await api.post(`/communities/${c.code}/categories`, c.alice, { name: 'Food' }), 403, 'Forbidden');
    const post = await api.post(`/communities/${c.code}/posts`, c.manager, { title: 'Market day', content: '<p>Saturday</p>' });
    expect(post.status).toBe(201);
    expect(post.body).toMatchObject({ title: 'Market day', author: c.manager });
    expect((await api.get(`/communities/${c.code}/posts/${post.body.id}`, c.alice)).body.title).toBe('Market day');
    expectError(await api.patch(`/communities/${c.code}/posts/${post.body.id}`, c.alice, { title: 'Hijacked' }), 403, 'Forbidden');
    expectError(await api.delete(`/communities/${c.code}/posts/${post.body.id}`, c.alice), 403, 'Forbidden');

    const category = await api.post(`/communities/${c.code}/categories`, c.manager, { name: 'Food', icon: 'restaurant', code: 'food' });
    expect(category.status).toBe(201);
    expect(category.body).toMatchObject({ name: 'Food', icon: 'restaurant', code: 'food' });
    const offer = await api.post(`/communities/${c.code}/offers`, c.alice, { name: 'Bread', category: category.body.id });
    expect(offer.body.category).toBe(category.body.id);
    const patched = await api.patch(`/communities/${c.code}/categories/${category.body.id}`, c.manager, { icon: null });
    expect(patched.body.icon).toBeUndefined();
  });
});

describe('filters, sort and cursor pagination', () => {
  let g: Community;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    g = await community(api.server);
    const food = (await api.post(`/communities/${g.code}/categories`, g.manager, { name: 'Food' })).body.id;
    const tools = (await api.post(`/communities/${g.code}/categories`, g.manager, { name: 'Tools' })).body.id;
    ids.food = food;
    ids.tools = tools;
    const make = async (as: string, body: Record<string, unknown>) => (await api.post(`/communities/${g.code}/offers`, as, body)).body.id as string;
    ids.bread = await make(g.alice, { name: 'Bread', content: '<p>Rye <strong>sourdough</strong></p>', category: food });
    ids.cake = await make(g.bob, { name: 'Cake', content: 'Chocolate', category: food, expires: '2020-01-01T00:00:00.000Z' });
    ids.drill = await make(g.bob, { name: 'Drill', content: 'A cordless drill', category: tools });
    ids.apple = await make(g.alice, { name: 'apples', content: 'From the orchard', expires: '2099-01-01T00:00:00.000Z' });
  });

  const list = async (query: string, as = g.alice) => {
    const response = await api.get(`/communities/${g.code}/offers?${query}`, as);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.offers.map((offer: { id: string }) => offer.id) as string[];
  };

  it('filters by category, author, text and expiry, and combines filters', async () => {
    expect((await list(`filter[category]=${ids.food}`)).sort()).toEqual([ids.bread, ids.cake].sort());
    expect((await list(`filter[author]=${encodeURIComponent(g.bob)}`)).sort()).toEqual([ids.cake, ids.drill].sort());
    expect(await list('filter[search]=SOURDOUGH rye')).toEqual([ids.bread]);
    expect(await list('filter[search]=strong')).toEqual([]); // tags are not text
    expect(await list('filter[expired]=true')).toEqual([ids.cake]);
    expect((await list('filter[expired]=false')).sort()).toEqual([ids.bread, ids.drill, ids.apple].sort());
    expect(await list(`filter[category]=${ids.food}&filter[expired]=false`)).toEqual([ids.bread]);
    const expired = await api.get(`/communities/${g.code}/offers/${ids.cake}`, g.alice);
    expect(expired.body.expired).toBe(true); // still readable, flagged
  });

  it('sorts by a field, ascending or descending, case-insensitively', async () => {
    expect(await list('sort=name')).toEqual([ids.apple, ids.bread, ids.cake, ids.drill]);
    expect(await list('sort=-name')).toEqual([ids.drill, ids.cake, ids.bread, ids.apple]);
    expect(await list('sort=-created')).toEqual([ids.apple, ids.drill, ids.cake, ids.bread]);
    const categories = (await api.get(`/communities/${g.code}/categories`, g.alice)).body.categories;
    expect(categories.map((category: { name: string }) => category.name)).toEqual(['Food', 'Tools']);
  });

  it('refuses a bad sort, page size, filter or cursor with 400', async () => {
    expectError(await api.get(`/communities/${g.code}/offers?sort=price`, g.alice), 400, 'ValidationFailed');
    expectError(await api.get(`/communities/${g.code}/offers?page[size]=101`, g.alice), 400, 'ValidationFailed');
    expectError(await api.get(`/communities/${g.code}/offers?page[size]=0`, g.alice), 400, 'ValidationFailed');
    expectError(await api.get(`/communities/${g.code}/offers?filter[expired]=maybe`, g.alice), 400, 'ValidationFailed');
    expectError(await api.get(`/communities/${g.code}/offers?filter[colour]=red`, g.alice), 400, 'ValidationFailed');
    expectError(await api.get(`/communities/${g.code}/offers?page[after]=not-a-cursor`, g.alice), 400, 'BadRequest');
    const first = await api.get(`/communities/${g.code}/offers?page[size]=1&sort=name`, g.alice);
    expectError(await api.get(`/communities/${g.code}/offers?page[size]=1&sort=-name&page[after]=${first.body.next}`, g.alice), 400, 'BadRequest');
  });

  it.each(['created', '-created', 'name', '-updated'])('pages with sort=%s: no duplicates or gaps while offers are added between pages', async (sort) => {
    const p = await community(api.server);
    const original = new Set<string>();
    for (let i = 0; i < 23; i += 1) {
      const body = { name: `Item ${String(i % 5)}` }; // ties in name: the id breaks them
      original.add((await api.post(`/communities/${p.code}/offers`, i % 2 ? p.alice : p.bob, body)).body.id);
    }
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const cursor: string = after ? `&page[after]=${after}` : '';
      const page = await api.get(`/communities/${p.code}/offers?sort=${sort}&page[size]=5${cursor}`, p.alice);
      expect(page.status).toBe(200);
      expect(page.body.offers.length).toBeLessThanOrEqual(5);
      seen.push(...page.body.offers.map((offer: { id: string }) => offer.id));
      after = page.body.next;
      pages += 1;
      // Others publish while this member pages through.
      for (let i = 0; i < 2; i += 1) await api.post(`/communities/${p.code}/offers`, p.bob, { name: `Late ${pages}-${i}` });
    } while (after !== null && pages < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...original].filter((id) => !seen.includes(id))).toEqual([]);
  });
});

describe('members over REST', () => {
  it('lists every member with its role, merged with the profile each member writes', async () => {
    const m = await community(api.server);
    const before = await api.get(`/communities/${m.code}/members`, m.alice);
    expect(before.status).toBe(200);
    expect(before.body.members.map((member: any) => [member.userId, member.role]).sort())
      .toEqual([[m.alice, 'member'], [m.bob, 'member'], [m.manager, 'manager']].sort());

    const created = await api.post(`/communities/${m.code}/members`, m.alice, {
      name: 'Alice Baker', kind: 'business', description: '<p>Bakery<script>x</script></p>',
      contacts: [{ type: 'phone', name: '+32 470 00 00 00' }], location: { type: 'Point', coordinates: [4.35, 50.85], name: 'Brussels' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: userKey(m.alice), userId: m.alice, role: 'member', name: 'Alice Baker', kind: 'business', description: '<p>Bakery</p>',
      access: 'group', author: m.alice,
    });
    expectError(await api.post(`/communities/${m.code}/members`, m.alice, { name: 'Again' }), 409, 'Conflict');
    expect((await api.get(`/communities/${m.code}/members/me`, m.alice)).body.name).toBe('Alice Baker');
    expect((await api.get(`/communities/${m.code}/members/${userKey(m.alice)}`, m.bob)).body.contacts).toHaveLength(1);

    expectError(await api.patch(`/communities/${m.code}/members/${userKey(m.alice)}`, m.bob, { name: 'Bob was here' }), 403, 'Forbidden');
    expect((await api.patch(`/communities/${m.code}/members/${userKey(m.alice)}`, m.manager, { name: 'Alice B.' })).body.name).toBe('Alice B.');
    expectError(await api.patch(`/communities/${m.code}/members/${userKey(m.bob)}`, m.bob, { name: 'Bob' }), 404, 'NotFound');
    expectError(await api.post(`/communities/${m.code}/members`, m.alice, { name: 'x', location: { type: 'Point', coordinates: [200, 0] } }), 400, 'ValidationFailed');

    const hidden = await api.patch(`/communities/${m.code}/members/me`, m.alice, { access: 'private' });
    expect(hidden.body.name).toBe('Alice B.');
    const seenByBob = await api.get(`/communities/${m.code}/members/${userKey(m.alice)}`, m.bob);
    expect(seenByBob.body).toMatchObject({ userId: m.alice, role: 'member', access: 'private' });
    expect(seenByBob.body.name).toBeUndefined();

    expect((await api.delete(`/communities/${m.code}/members/me`, m.alice)).status).toBe(204);
    const after = await api.get(`/communities/${m.code}/members/me`, m.alice);
    expect(after.body).toMatchObject({ userId: m.alice, role: 'member' });
    expect(after.body.name).toBeUndefined();
    expectError(await api.get(`/communities/${m.code}/members/${userKey(uniqueUser('nobody'))}`, m.alice), 404, 'NotFound');
  });
});
