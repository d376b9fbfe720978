/**
 * Bad input on every Communities route that takes a body (and the paths and queries around
 * them): 400 ValidationFailed with `error.details` naming the field, 400 BadRequest for
 * malformed JSON, 413 PayloadTooLarge past the body limit — never a 500, and nothing changed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ACTOR, expectError, expectValidation, uniqueUser, useApi, type Fixture,
} from '../support/communities.js';

const MAX_BODY_BYTES = 1024 * 1024;

const api = useApi({ env: { MUTUAL_MAX_BODY_BYTES: String(MAX_BODY_BYTES) } });
let f: Fixture;
let invitation: { id: string; user: string };
let before: string;

/** The fixture's listing, its documents, every community's code and the users' skills. */
async function state(): Promise<string> {
  const community = await api.get(`/communities/${f.code}`, ADMIN_ACTOR);
  const docs = await api.get(`/db/group-${f.code}/_all_docs?include_docs=true&startkey=%22a%22`, ADMIN_ACTOR);
  const all = await api.get('/communities', ADMIN_ACTOR);
  const skills = await api.get('/users/me', f.manager);
  return JSON.stringify({
    community: community.body, docs: docs.body.rows, codes: all.body.communities.map((c: any) => c.code).sort(), skills: skills.body.skills,
  });
}

beforeAll(async () => {
  f = await api.fixture('closed', { members: 2 });
  invitation = await api.pending(f, 'invitation');
  before = await state();
});

type Route = { label: string; method: 'POST' | 'PUT'; path: () => string; as: () => string; valid: () => Record<string, unknown> };

const routes = {
  createCommunity: { label: 'POST /communities', method: 'POST', path: () => '/communities', as: () => f.manager,
    valid: () => ({ name: `Valid ${uniqueUser()}` }) },
  updateCommunity: { label: 'PUT /communities/{id}', method: 'PUT', path: () => `/communities/${f.code}`, as: () => f.manager,
    valid: () => ({ description: 'fine' }) },
  addUser: { label: 'POST /communities/{id}/users', method: 'POST', path: () => `/communities/${f.code}/users`, as: () => f.outsider,
    valid: () => ({ userId: f.outsider }) },
  setRole: { label: 'PUT /communities/{id}/users/{userId}', method: 'PUT', path: () => `/communities/${f.code}/users/${f.member}`,
    as: () => f.manager, valid: () => ({ role: 'member' }) },
  register: { label: 'POST /communities/{id}/user-registrations', method: 'POST', path: () => `/communities/${f.code}/user-registrations`,
    as: () => f.manager, valid: () => ({ userIds: [uniqueUser()] }) },
  answer: { label: 'PUT /communities/{id}/user-registrations/{registrationId}', method: 'PUT',
    path: () => `/communities/${f.code}/user-registrations/${invitation.id}`, as: () => invitation.user, valid: () => ({ approvedByUser: true }) },
  skills: { label: 'PUT /users/me', method: 'PUT', path: () => '/users/me', as: () => f.manager,
    valid: () => ({ skills: [{ name: 'baking', priority: 3 }] }) },
} satisfies Record<string, Route>;
type RouteName = keyof typeof routes;

const huge = 'x'.repeat(100_000);
const ids = (n: number) => Array.from({ length: n }, (_, i) => `user-${i}`);
const link = (href: string, more: Record<string, unknown> = {}) => ({ href, ...more });

/**
 * [route, what is wrong, body (or a function of the valid body), the field `details` must name].
 * A field ending in `!key` is an unknown key: a detail must name `key` in its message.
 */
const cases: [RouteName, string, unknown | ((valid: Record<string, unknown>) => unknown), string][] = [
  // POST /communities
  ['createCommunity', 'no name', {}, 'body.name'],
  ['createCommunity', 'a name of the wrong type', { name: 42 }, 'body.name'],
  ['createCommunity', 'an empty name', { name: '' }, 'body.name'],
  ['createCommunity', 'a blank name', { name: '   ' }, 'body.name'],
  ['createCommunity', 'a name of 121 characters', { name: 'n'.repeat(121) }, 'body.name'],
  ['createCommunity', 'a huge name', { name: huge }, 'body.name'],
  ['createCommunity', 'a null name', { name: null }, 'body.name'],
  ['createCommunity', 'a huge description', (v: any) => ({ ...v, description: huge }), 'body.description'],
  ['createCommunity', 'a description of the wrong type', (v: any) => ({ ...v, description: ['a'] }), 'body.description'],
  ['createCommunity', 'a code with capitals', (v: any) => ({ ...v, code: 'Bakers' }), 'body.code'],
  ['createCommunity', 'a code with spaces', (v: any) => ({ ...v, code: 'the bakers' }), 'body.code'],
  ['createCommunity', 'a code too short', (v: any) => ({ ...v, code: 'ab' }), 'body.code'],
  ['createCommunity', 'a code too long', (v: any) => ({ ...v, code: 'c'.repeat(33) }), 'body.code'],
  ['createCommunity', 'a code of the wrong type', (v: any) => ({ ...v, code: 123 }), 'body.code'],
  ['createCommunity', 'an unknown type', (v: any) => ({ ...v, type: 'secret' }), 'body.type'],
  ['createCommunity', 'a type in capitals', (v: any) => ({ ...v, type: 'Open' }), 'body.type'],
  ['createCommunity', 'links not a list', (v: any) => ({ ...v, links: 'https://example.org' }), 'body.links'],
  ['createCommunity', 'an ftp link', (v: any) => ({ ...v, links: [link('ftp://example.org/file')] }), 'body.links.0.href'],
  ['createCommunity', 'a javascript: link', (v: any) => ({ ...v, links: [link('javascript:alert(1)')] }), 'body.links.0.href'],
  ['createCommunity', 'a mailto: link', (v: any) => ({ ...v, links: [link('https://ok.example'), link('mailto:a@example.org')] }), 'body.links.1.href'],
  ['createCommunity', 'a file: link', (v: any) => ({ ...v, links: [link('file:///etc/passwd')] }), 'body.links.0.href'],
  ['createCommunity', 'a data: link', (v: any) => ({ ...v, links: [link('data:text/html,<script>alert(1)</script>')] }), 'body.links.0.href'],
  ['createCommunity', 'a link that is no URL', (v: any) => ({ ...v, links: [link('not a url')] }), 'body.links.0.href'],
  ['createCommunity', 'a link without href', (v: any) => ({ ...v, links: [{ title: 'Home' }] }), 'body.links.0.href'],
  ['createCommunity', 'a huge link', (v: any) => ({ ...v, links: [link(`https://example.org/${'p'.repeat(2000)}`)] }), 'body.links.0.href'],
  ['createCommunity', 'a link title of the wrong type', (v: any) => ({ ...v, links: [link('https://example.org', { title: 5 })] }), 'body.links.0.title'],
  ['createCommunity', 'a link with an unknown field', (v: any) => ({ ...v, links: [link('https://example.org', { rel: 'me' })] }), 'body.links.0!rel'],
  ['createCommunity', '21 links', (v: any) => ({ ...v, links: Array.from({ length: 21 }, (_, i) => link(`https://example.org/${i}`)) }), 'body.links'],
  ['createCommunity', 'skills not a list', (v: any) => ({ ...v, skills: 'baking' }), 'body.skills'],
  ['createCommunity', 'an empty skill', (v: any) => ({ ...v, skills: ['baking', ''] }), 'body.skills.1'],
  ['createCommunity', 'a skill of the wrong type', (v: any) => ({ ...v, skills: [7] }), 'body.skills.0'],
  ['createCommunity', 'a skill of 61 characters', (v: any) => ({ ...v, skills: ['s'.repeat(61)] }), 'body.skills.0'],
  ['createCommunity', '51 skills', (v: any) => ({ ...v, skills: Array.from({ length: 51 }, (_, i) => `skill ${i}`) }), 'body.skills'],
  ['createCommunity', 'invitedUserIds not a list', (v: any) => ({ ...v, invitedUserIds: 'bob' }), 'body.invitedUserIds'],
  ['createCommunity', 'an empty invited user id', (v: any) => ({ ...v, invitedUserIds: [''] }), 'body.invitedUserIds.0'],
  ['createCommunity', 'an invited user id of the wrong type', (v: any) => ({ ...v, invitedUserIds: [{ id: 'bob' }] }), 'body.invitedUserIds.0'],
  ['createCommunity', 'an invited user id of 256 characters', (v: any) => ({ ...v, invitedUserIds: ['u'.repeat(256)] }), 'body.invitedUserIds.0'],
  ['createCommunity', '101 invited users', (v: any) => ({ ...v, invitedUserIds: ids(101) }), 'body.invitedUserIds'],
  ['createCommunity', 'an unknown field', (v: any) => ({ ...v, admin: true }), 'body!admin'],
  ['createCommunity', 'managers (not settable)', (v: any) => ({ ...v, managers: ['mallory'] }), 'body!managers'],
  ['createCommunity', 'memberCount (not settable)', (v: any) => ({ ...v, memberCount: 1000 }), 'body!memberCount'],
  ['createCommunity', 'an array body', [{ name: 'x' }], 'body'],
  // PUT /communities/{id}
  ['updateCommunity', 'nothing to change', {}, 'body'],
  ['updateCommunity', 'an empty name', { name: '' }, 'body.name'],
  ['updateCommunity', 'a huge name', { name: huge }, 'body.name'],
  ['updateCommunity', 'a huge description', { description: huge }, 'body.description'],
  ['updateCommunity', 'an unknown type', { type: 'public' }, 'body.type'],
  ['updateCommunity', 'a type of the wrong type', { type: true }, 'body.type'],
  ['updateCommunity', 'a javascript: link', { links: [link('javascript:void(0)')] }, 'body.links.0.href'],
  ['updateCommunity', 'an ftp link', { links: [link('ftp://example.org')] }, 'body.links.0.href'],
  ['updateCommunity', 'skills of the wrong type', { skills: [['baking']] }, 'body.skills.0'],
  ['updateCommunity', 'a code (not changeable)', { code: 'renamed-code' }, 'body!code'],
  ['updateCommunity', 'managers (not settable)', { description: 'x', managers: ['mallory'] }, 'body!managers'],
  ['updateCommunity', 'invitedUserIds (creation only)', { invitedUserIds: ['bob'] }, 'body!invitedUserIds'],
  // POST /communities/{id}/users
  ['addUser', 'no userId', {}, 'body.userId'],
  ['addUser', 'a userId of the wrong type', { userId: 5 }, 'body.userId'],
  ['addUser', 'an empty userId', { userId: '' }, 'body.userId'],
  ['addUser', 'a userId of 256 characters', { userId: 'u'.repeat(256) }, 'body.userId'],
  ['addUser', 'a list of userIds', { userId: ['a', 'b'] }, 'body.userId'],
  ['addUser', 'a role (not settable here)', (v: any) => ({ ...v, role: 'manager' }), 'body!role'],
  ['addUser', 'userIds instead of userId', { userIds: ['a'] }, 'body.userId'],
  // PUT /communities/{id}/users/{userId}
  ['setRole', 'no role', {}, 'body.role'],
  ['setRole', 'an unknown role', { role: 'admin' }, 'body.role'],
  ['setRole', 'a role in capitals', { role: 'Manager' }, 'body.role'],
  ['setRole', 'a null role', { role: null }, 'body.role'],
  ['setRole', 'a huge role', { role: huge }, 'body.role'],
  ['setRole', 'an unknown field', { role: 'member', since: '2020-01-01' }, 'body!since'],
  // POST /communities/{id}/user-registrations
  ['register', 'no userIds', {}, 'body.userIds'],
  ['register', 'empty userIds', { userIds: [] }, 'body.userIds'],
  ['register', 'userIds not a list', { userIds: 'bob' }, 'body.userIds'],
  ['register', 'a user id of the wrong type', { userIds: [42] }, 'body.userIds.0'],
  ['register', 'an empty user id', { userIds: ['bob', ''] }, 'body.userIds.1'],
  ['register', 'a huge user id', { userIds: [huge] }, 'body.userIds.0'],
  ['register', '101 user ids', { userIds: ids(101) }, 'body.userIds'],
  ['register', 'userId instead of userIds', { userId: 'bob' }, 'body.userIds'],
  ['register', 'an unknown field', (v: any) => ({ ...v, kind: 'invitation' }), 'body!kind'],
  // PUT /communities/{id}/user-registrations/{registrationId}
  ['answer', 'no answer', {}, 'body'],
  ['answer', 'approvedByUser not a boolean', { approvedByUser: 'yes' }, 'body.approvedByUser'],
  ['answer', 'approvedByUser as a number', { approvedByUser: 1 }, 'body.approvedByUser'],
  ['answer', 'approvedByCommunity null', { approvedByCommunity: null }, 'body.approvedByCommunity'],
  ['answer', 'a status (not settable)', { status: 'accepted' }, 'body!status'],
  ['answer', 'an unknown field next to a valid answer', { approvedByUser: true, note: 'hi' }, 'body!note'],
  // PUT /users/me
  ['skills', 'no skills', {}, 'body.skills'],
  ['skills', 'skills not a list', { skills: 'baking' }, 'body.skills'],
  ['skills', 'a skill as a string', { skills: ['baking'] }, 'body.skills.0'],
  ['skills', 'a skill without priority', { skills: [{ name: 'baking' }] }, 'body.skills.0.priority'],
  ['skills', 'priority 0', { skills: [{ name: 'baking', priority: 0 }] }, 'body.skills.0.priority'],
  ['skills', 'priority 6', { skills: [{ name: 'baking', priority: 6 }] }, 'body.skills.0.priority'],
  ['skills', 'priority 2.5', { skills: [{ name: 'baking', priority: 2.5 }] }, 'body.skills.0.priority'],
  ['skills', 'priority as a string', { skills: [{ name: 'baking', priority: '3' }] }, 'body.skills.0.priority'],
  ['skills', 'a skill without name', { skills: [{ priority: 3 }] }, 'body.skills.0.name'],
  ['skills', 'an empty skill name', { skills: [{ name: ' ', priority: 3 }] }, 'body.skills.0.name'],
  ['skills', 'a huge skill name', { skills: [{ name: huge, priority: 3 }] }, 'body.skills.0.name'],
  ['skills', '51 skills', { skills: Array.from({ length: 51 }, (_, i) => ({ name: `s${i}`, priority: 2 })) }, 'body.skills'],
  ['skills', 'an unknown field in a skill', { skills: [{ name: 'baking', priority: 3, level: 'expert' }] }, 'body.skills.0!level'],
  ['skills', 'an unknown field', { skills: [], displayName: 'Mallory' }, 'body!displayName'],
];

describe('bad bodies → 400 ValidationFailed naming the field, nothing changed', () => {
  it.each(cases.map(([route, what, body, field]) => [routes[route].label, what, body, field, route] as const))(
    '%s: %s', async (_label, _what, body, field, routeName) => {
      const route = routes[routeName];
      const sent = typeof body === 'function' ? (body as (v: Record<string, unknown>) => unknown)(route.valid()) : body;
      const response = await api.call(route.method, route.path(), route.as(), { body: sent });
      const [path, key] = field.split('!') as [string, string | undefined];
      expectValidation(response, path);
      if (key) {
        const messages = response.body.error.details.filter((d: any) => d.path === path).map((d: any) => d.message).join(' ');
        expect(messages).toContain(`"${key}"`);
      }
      expect(await state()).toBe(before);
    });

  it('the valid bodies these cases start from are accepted (the cases fail for their one fault)', async () => {
    // on a community of its own, so that the fixture above stays as it was
    const g = await api.fixture('closed');
    const pending = await api.pending(g, 'invitation');
    const paths: Record<RouteName, string> = {
      createCommunity: '/communities', updateCommunity: `/communities/${g.code}`, addUser: '', setRole: `/communities/${g.code}/users/${g.member}`,
      register: `/communities/${g.code}/user-registrations`, answer: `/communities/${g.code}/user-registrations/${pending.id}`, skills: '/users/me',
    };
    const actors: Record<RouteName, string> = {
      createCommunity: g.manager, updateCommunity: g.manager, addUser: '', setRole: g.manager, register: g.manager, answer: pending.user, skills: g.outsider,
    };
    for (const name of Object.keys(routes) as RouteName[]) {
      if (name === 'addUser') continue; // needs an open community: below
      const response = await api.call(routes[name].method, paths[name], actors[name], { body: routes[name].valid() });
      expect(response.status, `${routes[name].label}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
    }
    const open = await api.fixture('open');
    expect((await api.post(`/communities/${open.code}/users`, open.outsider, { userId: open.outsider })).status).toBe(201);
    // this test created communities on purpose: the later checks compare with what is now
    before = await state();
  });
});

const malformed: [string, string][] = [
  ['truncated', '{"name":'],
  ['unquoted keys', '{name: "Bakers"}'],
  ['single quotes', "{'name': 'Bakers'}"],
  ['a trailing comma', '{"name": "Bakers",}'],
  ['trailing garbage', '{"name": "Bakers"} and more'],
  ['a bare word', 'Bakers'],
  ['null', 'null'],
  ['a number', '42'],
];

describe('malformed JSON → 400 BadRequest on every route with a body', () => {
  const rows = (Object.keys(routes) as RouteName[]).flatMap((name) => malformed.map(([what, raw]) => [routes[name].label, what, raw, name] as const));
  it.each(rows)('%s: %s', async (_label, _what, raw, name) => {
    const route = routes[name];
    const response = await api.call(route.method, route.path(), route.as(), { rawBody: raw, headers: { 'content-type': 'application/json' } });
    expectError(response, 400, 'BadRequest');
  });
  it('changed nothing', async () => expect(await state()).toBe(before));
});

describe('a body past MUTUAL_MAX_BODY_BYTES → 413 PayloadTooLarge', () => {
  it.each(Object.keys(routes) as RouteName[])('%s', async (name) => {
    const route = routes[name];
    const response = await api.call(route.method, route.path(), route.as(), { body: { ...route.valid(), padding: 'p'.repeat(MAX_BODY_BYTES) } });
    expectError(response, 413, 'PayloadTooLarge');
  });
  it('changed nothing', async () => expect(await state()).toBe(before));
});

describe('bad paths and queries → 400 ValidationFailed naming them', () => {
  it.each([
    ['a community code in capitals', 'GET', '/communities/Bakers', 'path.id'],
    ['a community code too short', 'GET', '/communities/ab', 'path.id'],
    ['a community code with a dot', 'PUT', '/communities/a.b.c', 'path.id'],
    ['a user id of 256 characters', 'DELETE', `/communities/{code}/users/${'u'.repeat(256)}`, 'path.userId'],
    ['a registration id of 201 characters', 'PUT', `/communities/{code}/user-registrations/${'r'.repeat(201)}`, 'path.registrationId'],
    ['an unknown role filter', 'GET', '/communities/{code}/users?role=boss', 'query.role'],
    ['two role filters', 'GET', '/communities/{code}/users?role=member&role=manager', 'query.role'],
    ['an unknown query parameter', 'GET', '/communities/{code}/users?limit=5', 'query'],
  ])('%s', async (_what, method, template, field) => {
    const path = template.replace('{code}', f.code);
    const body = method === 'PUT' ? (path.includes('registrations') ? { approvedByCommunity: true } : { description: 'x' }) : undefined;
    expectValidation(await api.call(method, path, f.manager, { body }), field);
  });
  it('changed nothing', async () => expect(await state()).toBe(before));
});

describe('never a 500', () => {
  it.each([
    ['GET', '/communities/%E0%A4%A'],
    ['PUT', '/communities/{code}/users/%ZZ'],
    ['DELETE', '/communities/{code}/users/100%'],
  ])('%s %s (malformed percent-encoding) → 400 BadRequest', async (method, template) => {
    const body = method === 'PUT' ? { role: 'member' } : undefined;
    const response = await api.call(method, template.replace('{code}', f.code), f.manager, { body });
    expectError(response, 400, 'BadRequest');
  });

  it('a body declared gzip that is not → 400 BadRequest', async () => {
    const response = await api.call('POST', '/communities', f.manager, {
      rawBody: '{"name":"Gzip"}', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expectError(response, 400, 'BadRequest');
  });

  it('an unsupported Content-Encoding → 400 BadRequest', async () => {
    const response = await api.call('POST', '/communities', f.manager, {
      rawBody: '{"name":"Zzz"}', headers: { 'content-type': 'application/json', 'content-encoding': 'zzz' },
    });
    expectError(response, 400, 'BadRequest');
  });

  it('an unsupported charset → 400 BadRequest', async () => {
    const response = await api.call('POST', '/communities', f.manager, {
      rawBody: '{"name":"Charset"}', headers: { 'content-type': 'application/json; charset=ebcdic' },
    });
    expectError(response, 400, 'BadRequest');
  });

  it('prototype keys are refused as unknown fields, and pollute nothing', async () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const response = await api.call('POST', '/communities', f.manager, {
        rawBody: `{"name":"Proto ${key}","${key}":{"type":"open","isAdmin":true}}`, headers: { 'content-type': 'application/json' },
      });
      expectValidation(response, 'body');
      expect(response.body.error.details.map((d: any) => d.message).join(' ')).toContain(`"${key}"`);
    }
    expect(await state()).toBe(before);
  });

  it('the server is still healthy and the community unchanged after all of it', async () => {
    expect((await fetch(`${api.server.url}/health`)).status).toBe(200);
    expect(await state()).toBe(before);
  });
});
