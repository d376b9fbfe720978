/**
 * Who may do what on the Communities REST API: every operation, every kind of actor
 * (anonymous, an outsider, a member, a manager, the registered user of a registration,
 * another user), on open and closed communities, plus unknown and deleted communities.
 * Each cell asserts the exact status and error code; a refused request must change nothing
 * (neither the community's listing nor any document of its database).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_ACTOR, expectError, uniqueUser, useApi, type CommunityType, type Fixture, type Response,
} from '../support/communities.js';

const api = useApi();

/** What a cell may need prepared on its fresh community before it acts. */
type Need = 'second' | 'request' | 'invitation' | 'manager2' | 'foreign' | 'answered' | 'deleted';

interface Scene extends Fixture {
  /** A user with a pending join request (closed communities). */
  request: { id: string; user: string };
  /** A user with a pending invitation from the manager. */
  invitation: { id: string; user: string };
  /** A second manager (the fixture's second member, promoted). `second`: a second member. */
  manager2: string;
  /** A pending invitation of the same invitee as `invitation`, in another community. */
  foreign: { id: string; user: string };
  /** A registration already declined by its user. */
  answered: { id: string; user: string };
  /** Someone else, never registered anywhere. */
  other: string;
}

interface Cell {
  type: CommunityType;
  label: string;
  status: number;
  code: string | undefined;
  act: (s: Scene) => Promise<Response>;
  needs: Need[];
  check?: (response: Response, s: Scene) => Promise<void> | void;
}

const ok = undefined;
const both: CommunityType[] = ['open', 'closed'];

function cell(type: CommunityType, label: string, status: number, code: string | undefined,
  act: Cell['act'], more: Partial<Pick<Cell, 'needs' | 'check'>> = {}): Cell {
  return { type, label, status, code, act, needs: more.needs ?? [], check: more.check };
}

async function scene(cell: Cell): Promise<Scene> {
  const f = await api.fixture(cell.type, { members: cell.needs.includes('second') || cell.needs.includes('manager2') ? 2 : 1 });
  const s = { ...f, other: uniqueUser('other') } as Scene;
  if (cell.needs.includes('manager2')) {
    s.manager2 = f.members[1]!;
    const promoted = await api.put(`/communities/${f.code}/users/${s.manager2}`, f.manager, { role: 'manager' });
    expect(promoted.status).toBe(200);
  }
  if (cell.needs.includes('request')) s.request = await api.pending(f, 'request');
  if (cell.needs.includes('invitation') || cell.needs.includes('foreign')) s.invitation = await api.pending(f, 'invitation');
  if (cell.needs.includes('foreign')) {
    const elsewhere = await api.fixture('open');
    s.foreign = await api.pending(elsewhere, 'invitation', s.invitation.user);
  }
  if (cell.needs.includes('answered')) {
    const done = await api.pending(f, 'invitation');
    const declined = await api.put(`/communities/${f.code}/user-registrations/${done.id}`, done.user, { approvedByUser: false });
    expect(declined.body.status).toBe('declined');
    s.answered = done;
  }
  if (cell.needs.includes('deleted')) expect((await api.delete(`/communities/${f.code}`, f.manager)).status).toBe(204);
  return s;
}

/** Everything observable of a community: its listing and every document of its database. */
async function snapshot(code: string): Promise<string> {
  const community = await api.get(`/communities/${code}`, ADMIN_ACTOR);
  // (from "a": past `_design/mutual`, whose 190 kB of rules never change here)
  const docs = await api.get(`/db/group-${code}/_all_docs?include_docs=true&startkey=%22a%22`, ADMIN_ACTOR);
  return JSON.stringify({ community: community.body, docs: docs.body.rows });
}

/**
 * Scenes of refused requests are shared by the cells that need the same one (a refusal
 * changes nothing, which each cell checks); a cell that fails drops its scene, so that a
 * wrongly accepted request cannot spill into the next cells. Accepted requests get a fresh one.
 */
const shared = new Map<string, Promise<Scene>>();

const sceneKey = (c: Cell) => `${c.type}|${[...c.needs].sort().join(',')}`;

function sceneOf(c: Cell): Promise<Scene> {
  if (!c.code) return scene(c);
  const key = sceneKey(c);
  let cached = shared.get(key);
  if (!cached) shared.set(key, (cached = scene(c)));
  return cached;
}

async function run(c: Cell): Promise<void> {
  const s = await sceneOf(c);
  try {
    const before = c.code ? await snapshot(s.code) : '';
    const response = await c.act(s);
    if (c.code) {
      expectError(response, c.status, c.code);
      expect(await snapshot(s.code), 'a refused request changes nothing').toBe(before);
    } else {
      expect(response.status, JSON.stringify(response.body)).toBe(c.status);
    }
    await c.check?.(response, s);
  } catch (error) {
    if (c.code) shared.delete(sceneKey(c));
    throw error;
  }
}

function table(cells: Cell[]): void {
  // Accepted requests, each on its own community and users, run concurrently.
  const accepted = cells.filter((c) => !c.code);
  if (accepted.length) it.concurrent.each(accepted)('$type | $label → $status', run);
  // Refusals share scenes, one at a time.
  const refused = cells.filter((c) => c.code);
  if (refused.length) it.each(refused)('$type | $label → $status $code', run);
}

const U = (s: Scene) => `/communities/${s.code}`;
const UNKNOWN = '/communities/no-such-community';

async function roleOf(code: string, user: string): Promise<string | undefined> {
  return (await api.replicaView(code, ADMIN_ACTOR, { slim: true })).members.get(user);
}

describe('GET /communities and GET /communities/{id}', () => {
  table(both.flatMap((type) => [
    cell(type, 'anonymous lists', 401, 'Unauthorized', () => api.get('/communities', null)),
    ...(['outsider', 'member', 'manager'] as const).map((who) =>
      cell(type, `${who} lists (sees the community)`, 200, ok, (s) => api.get('/communities', s[who]), {
        check: (r, s) => {
          const listed = r.body.communities.find((c: any) => c.code === s.code);
          expect(listed).toMatchObject({ id: s.code, code: s.code, type: s.type, managers: [s.manager], memberCount: s.members.length + 1 });
        },
      })),
    cell(type, 'anonymous reads one', 401, 'Unauthorized', (s) => api.get(U(s), null)),
    ...(['outsider', 'member', 'manager'] as const).map((who) =>
      cell(type, `${who} reads one`, 200, ok, (s) => api.get(U(s), s[who]), {
        check: (r, s) => expect(r.body).toMatchObject({ id: s.code, type: s.type, managers: [s.manager], memberCount: s.members.length + 1 }),
      })),
    cell(type, 'a user reads a deleted one', 404, 'NotFound', (s) => api.get(U(s), s.member), { needs: ['deleted'] }),
  ]));
  it('unknown community → 404 NotFound (401 when anonymous)', async () => {
    expectError(await api.get(UNKNOWN, uniqueUser()), 404, 'NotFound');
    expectError(await api.get(UNKNOWN, null), 401, 'Unauthorized');
  });
});

describe('POST /communities', () => {
  it('anonymous → 401 Unauthorized', async () => {
    expectError(await api.post('/communities', null, { name: `Anon ${uniqueUser()}` }), 401, 'Unauthorized');
  });
  it('any user → 201, the creator is its only manager, type closed by default', async () => {
    const creator = uniqueUser('creator');
    const name = `Any ${uniqueUser()}`;
    const created = await api.post('/communities', creator, { name });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name, type: 'closed', managers: [creator], memberCount: 1 });
    expect(await roleOf(created.body.code, creator)).toBe('manager');
  });
  it('a name taken, ignoring case → 409 Conflict', async () => {
    const name = `Taken ${uniqueUser()}`;
    await api.create(uniqueUser(), { name });
    expectError(await api.post('/communities', uniqueUser(), { name: name.toUpperCase() }), 409, 'Conflict');
  });
  it('without a code: one derived from the name, made unique', async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const first = await api.post('/communities', uniqueUser(), { name: `Bakers of Ghent ${tag}!` });
    expect(first.status).toBe(201);
    expect(first.body.code).toBe(`bakers-of-ghent-${tag}`);
    expect(first.body.id).toBe(first.body.code);
    const second = await api.post('/communities', uniqueUser(), { name: `Bakers of Ghent ${tag}?` });
    expect(second.status).toBe(201);
    expect(second.body.code).not.toBe(first.body.code);
    expect(second.body.code).toMatch(/^[a-z0-9-]{3,32}$/);
  });
  it('with every field: all of it is kept and listed', async () => {
    const creator = uniqueUser('creator');
    const body = {
      name: `Full ${uniqueUser()}`, description: 'We bake.', links: [{ title: 'Site', href: 'https://bakers.example/' }, { href: 'http://x.example' }],
      skills: ['baking', 'kneading'], type: 'open',
    };
    const created = await api.post('/communities', creator, body);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      ...body, id: created.body.code, code: created.body.code, managers: [creator], memberCount: 1, createdAt: expect.any(String),
    });
    expect(await api.community(created.body.code, uniqueUser())).toEqual(created.body);
  });
  it('a code taken → 409 Conflict', async () => {
    const { code } = await api.create(uniqueUser());
    expectError(await api.post('/communities', uniqueUser(), { name: `Other ${code}`, code }), 409, 'Conflict');
  });
});

describe('PUT /communities/{id}', () => {
  table(both.flatMap((type) => [
    cell(type, 'anonymous', 401, 'Unauthorized', (s) => api.put(U(s), null, { description: 'x' })),
    cell(type, 'outsider', 403, 'Forbidden', (s) => api.put(U(s), s.outsider, { description: 'x' })),
    cell(type, 'member', 403, 'Forbidden', (s) => api.put(U(s), s.member, { description: 'x' })),
    cell(type, 'a user with a pending invitation', 403, 'Forbidden',
      (s) => api.put(U(s), s.invitation.user, { description: 'x' }), { needs: ['invitation'] }),
    cell(type, 'manager', 200, ok, (s) => api.put(U(s), s.manager, { description: 'changed', skills: ['baking'] }), {
      check: async (r, s) => {
        expect(r.body).toMatchObject({ description: 'changed', skills: ['baking'], type: s.type });
        expect((await api.get(U(s), s.outsider)).body.description).toBe('changed');
      },
    }),
    cell(type, 'manager renames to another community’s name (other case)', 409, 'Conflict', async (s) => {
      const name = `Rival ${uniqueUser()}`;
      await api.create(uniqueUser(), { name });
      return api.put(U(s), s.manager, { name: name.toLowerCase() });
    }),
    cell(type, 'manager renames it, changing only the case', 200, ok, (s) => api.put(U(s), s.manager, { name: `COMMUNITY ${s.code}` }), {
      check: (r, s) => expect(r.body.name).toBe(`COMMUNITY ${s.code}`),
    }),
    cell(type, 'manager of a deleted community', 404, 'NotFound', (s) => api.put(U(s), s.manager, { description: 'x' }), { needs: ['deleted'] }),
  ]));
  it('unknown community → 404 NotFound', async () => {
    expectError(await api.put(UNKNOWN, uniqueUser(), { description: 'x' }), 404, 'NotFound');
  });
});

describe('DELETE /communities/{id}', () => {
  table(both.flatMap((type) => [
    cell(type, 'anonymous', 401, 'Unauthorized', (s) => api.delete(U(s), null)),
    cell(type, 'outsider', 403, 'Forbidden', (s) => api.delete(U(s), s.outsider)),
    cell(type, 'member', 403, 'Forbidden', (s) => api.delete(U(s), s.member)),
    cell(type, 'manager', 204, ok, (s) => api.delete(U(s), s.manager), {
      check: async (_r, s) => expectError(await api.get(U(s), s.manager), 404, 'NotFound'),
    }),
    cell(type, 'manager, already deleted', 404, 'NotFound', (s) => api.delete(U(s), s.manager), { needs: ['deleted'] }),
  ]));
  it('unknown community → 404 NotFound', async () => {
    expectError(await api.delete(UNKNOWN, uniqueUser()), 404, 'NotFound');
  });
});

describe('/groups redirects to /communities', () => {
  it.each([
    ['GET', '/groups', '/api/v1/communities'],
    ['POST', '/groups', '/api/v1/communities'],
    ['GET', '/groups/bakers', '/api/v1/communities/bakers'],
    ['GET', '/groups/bakers/users?role=manager', '/api/v1/communities/bakers/users?role=manager'],
    ['PUT', '/groups/bakers/users/bob', '/api/v1/communities/bakers/users/bob'],
    ['DELETE', '/groups/bakers', '/api/v1/communities/bakers'],
  ])('%s %s → 308 to %s', async (method, path, location) => {
    const response = await fetch(`${api.server.url}/api/v1${path}`, { method, redirect: 'manual' });
    expect(response.status).toBe(308);
    expect(response.headers.get('location')).toBe(location);
  });
});

describe('GET /communities/{id}/users', () => {
  table(both.flatMap((type) => [
    cell(type, 'anonymous', 401, 'Unauthorized', (s) => api.get(`${U(s)}/users`, null)),
    cell(type, 'outsider', 403, 'Forbidden', (s) => api.get(`${U(s)}/users`, s.outsider)),
    cell(type, 'a user with a pending invitation', 403, 'Forbidden', (s) => api.get(`${U(s)}/users`, s.invitation.user), { needs: ['invitation'] }),
    cell(type, 'member', 200, ok, (s) => api.get(`${U(s)}/users`, s.member), {
      check: (r, s) => expect(r.body.users.map((u: any) => [u.userId, u.role]).sort())
        .toEqual([[s.manager, 'manager'], ...s.members.map((m) => [m, 'member'])].sort()),
    }),
    cell(type, 'manager, ?role=manager', 200, ok, (s) => api.get(`${U(s)}/users?role=manager`, s.manager), {
      check: (r, s) => {
        expect(r.body.users).toEqual([{ userId: s.manager, role: 'manager', joinedAt: expect.any(String) }]);
      },
    }),
    cell(type, 'manager, ?role=member', 200, ok, (s) => api.get(`${U(s)}/users?role=member`, s.manager), {
      check: (r, s) => expect(r.body.users.map((u: any) => u.userId).sort()).toEqual([...s.members].sort()),
    }),
    cell(type, 'former member of a deleted community', 404, 'NotFound', (s) => api.get(`${U(s)}/users`, s.member), { needs: ['deleted'] }),
  ]));
  it('unknown community → 404 NotFound', async () => {
    expectError(await api.get(`${UNKNOWN}/users`, uniqueUser()), 404, 'NotFound');
  });
});

const addUser = (s: Scene, actor: string | null, userId: string) => api.post(`${U(s)}/users`, actor, { userId });
const isMember = (role: string) => async (_r: Response, s: Scene, user?: string) => {
  expect(await roleOf(s.code, user ?? _r.body.userId)).toBe(role);
};

describe('POST /communities/{id}/users', () => {
  table([
    ...both.map((type) => cell(type, 'anonymous', 401, 'Unauthorized', (s) => addUser(s, null, s.outsider))),
    cell('open', 'outsider adds themselves', 201, ok, (s) => addUser(s, s.outsider, s.outsider), {
      check: async (r, s) => {
        expect(r.body).toMatchObject({ userId: s.outsider, role: 'member' });
        await isMember('member')(r, s);
      },
    }),
    cell('open', 'a user with a pending invitation adds themselves', 201, ok, (s) => addUser(s, s.invitation.user, s.invitation.user), {
      needs: ['invitation'], check: isMember('member'),
    }),
    cell('open', 'member adds themselves (already a member)', 409, 'Conflict', (s) => addUser(s, s.member, s.member)),
    cell('open', 'manager adds themselves (already a member)', 409, 'Conflict', (s) => addUser(s, s.manager, s.manager)),
    cell('open', 'outsider adds someone else', 403, 'Forbidden', (s) => addUser(s, s.outsider, s.other)),
    cell('open', 'member adds someone else', 403, 'Forbidden', (s) => addUser(s, s.member, s.other)),
    cell('open', 'manager adds someone who did not ask', 403, 'Forbidden', (s) => addUser(s, s.manager, s.other)),
    cell('open', 'manager adds a user with a pending invitation (not a request)', 403, 'Forbidden',
      (s) => addUser(s, s.manager, s.invitation.user), { needs: ['invitation'] }),
    cell('open', 'manager adds a member', 409, 'Conflict', (s) => addUser(s, s.manager, s.member)),
    cell('closed', 'outsider adds themselves', 403, 'Forbidden', (s) => addUser(s, s.outsider, s.outsider)),
    cell('closed', 'a user with a pending request adds themselves', 403, 'Forbidden',
      (s) => addUser(s, s.request.user, s.request.user), { needs: ['request'] }),
    cell('closed', 'member adds themselves', 403, 'Forbidden', (s) => addUser(s, s.member, s.member)),
    cell('closed', 'manager adds a user with a pending join request (approves it)', 201, ok,
      (s) => addUser(s, s.manager, s.request.user), {
        needs: ['request'],
        check: async (r, s) => {
          expect(r.body).toMatchObject({ userId: s.request.user, role: 'member' });
          const view = await api.replicaView(s.code, ADMIN_ACTOR, { slim: true });
          expect(view.members.get(s.request.user)).toBe('member');
          expect(view.registrations.find((d) => d.user === s.request.user)).toMatchObject({ status: 'accepted', approvedByCommunity: true });
        },
      }),
    cell('closed', 'second manager adds a user with a pending join request', 201, ok,
      (s) => addUser(s, s.manager2, s.request.user), { needs: ['request', 'manager2'], check: isMember('member') }),
    cell('closed', 'member adds a user with a pending join request', 403, 'Forbidden',
      (s) => addUser(s, s.member, s.request.user), { needs: ['request'] }),
    cell('closed', 'outsider adds a user with a pending join request', 403, 'Forbidden',
      (s) => addUser(s, s.outsider, s.request.user), { needs: ['request'] }),
    cell('closed', 'manager adds a user with a pending invitation (not a request)', 403, 'Forbidden',
      (s) => addUser(s, s.manager, s.invitation.user), { needs: ['invitation'] }),
    cell('closed', 'manager adds someone who did not ask', 403, 'Forbidden', (s) => addUser(s, s.manager, s.other)),
    cell('closed', 'manager adds a member', 409, 'Conflict', (s) => addUser(s, s.manager, s.member)),
    ...both.map((type) => cell(type, 'outsider joins a deleted community', 404, 'NotFound',
      (s) => addUser(s, s.outsider, s.outsider), { needs: ['deleted'] })),
  ]);
  it('unknown community → 404 NotFound', async () => {
    const user = uniqueUser();
    expectError(await api.post(`${UNKNOWN}/users`, user, { userId: user }), 404, 'NotFound');
  });
});

const setRole = (s: Scene, actor: string | null, userId: string, role: string) =>
  api.put(`${U(s)}/users/${encodeURIComponent(userId)}`, actor, { role });

describe('PUT /communities/{id}/users/{userId}', () => {
  table(both.flatMap((type) => [
    cell(type, 'anonymous', 401, 'Unauthorized', (s) => setRole(s, null, s.member, 'manager')),
    cell(type, 'outsider promotes a member', 403, 'Forbidden', (s) => setRole(s, s.outsider, s.member, 'manager')),
    cell(type, 'outsider promotes themselves', 403, 'Forbidden', (s) => setRole(s, s.outsider, s.outsider, 'manager')),
    cell(type, 'member promotes themselves', 403, 'Forbidden', (s) => setRole(s, s.member, s.member, 'manager')),
    cell(type, 'member demotes the manager', 403, 'Forbidden', (s) => setRole(s, s.member, s.manager, 'member')),
    cell(type, 'manager promotes a member', 200, ok, (s) => setRole(s, s.manager, s.member, 'manager'), {
      check: async (r, s) => {
        expect(r.body).toMatchObject({ userId: s.member, role: 'manager' });
        expect((await api.community(s.code, s.outsider)).managers).toEqual([s.manager, s.member].sort());
        expect(await roleOf(s.code, s.member)).toBe('manager');
      },
    }),
    cell(type, 'manager demotes another manager', 200, ok, (s) => setRole(s, s.manager, s.manager2, 'member'), {
      needs: ['manager2'],
      check: async (r, s) => {
        expect(r.body).toMatchObject({ userId: s.manager2, role: 'member' });
        expect((await api.community(s.code, s.outsider)).managers).toEqual([s.manager]);
      },
    }),
    cell(type, 'manager changes their own role (the last manager)', 403, 'Forbidden', (s) => setRole(s, s.manager, s.manager, 'member')),
    cell(type, 'manager changes their own role (another manager remains)', 403, 'Forbidden',
      (s) => setRole(s, s.manager, s.manager, 'member'), { needs: ['manager2'] }),
    cell(type, 'manager promotes a non-member', 404, 'NotFound', (s) => setRole(s, s.manager, s.outsider, 'manager')),
    cell(type, 'manager promotes a user with a pending invitation', 404, 'NotFound',
      (s) => setRole(s, s.manager, s.invitation.user, 'manager'), { needs: ['invitation'] }),
    cell(type, 'manager of a deleted community', 404, 'NotFound', (s) => setRole(s, s.manager, s.member, 'manager'), { needs: ['deleted'] }),
  ]));
  it('unknown community → 404 NotFound', async () => {
    expectError(await api.put(`${UNKNOWN}/users/someone`, uniqueUser(), { role: 'manager' }), 404, 'NotFound');
  });
});

const removeUser = (s: Scene, actor: string | null, userId: string) =>
  api.delete(`${U(s)}/users/${encodeURIComponent(userId)}`, actor);
/** A user no longer served the community's database (the CouchDB face answers CouchDB errors). */
async function cutOff(code: string, user: string): Promise<void> {
  const db = await api.get(`/db/group-${code}/_all_docs`, user);
  expect(db.status).toBe(403);
  expect(db.body.error).toBe('forbidden');
}

describe('DELETE /communities/{id}/users/{userId}', () => {
  table(both.flatMap((type) => [
    cell(type, 'anonymous', 401, 'Unauthorized', (s) => removeUser(s, null, s.member)),
    cell(type, 'outsider removes a member', 403, 'Forbidden', (s) => removeUser(s, s.outsider, s.member)),
    cell(type, 'member removes another member', 403, 'Forbidden', (s) => removeUser(s, s.member, s.members[1]!), { needs: ['second'] }),
    cell(type, 'member removes the manager', 403, 'Forbidden', (s) => removeUser(s, s.member, s.manager)),
    cell(type, 'member leaves', 204, ok, (s) => removeUser(s, s.member, s.member), {
      check: async (_r, s) => {
        expect(await roleOf(s.code, s.member)).toBeUndefined();
        expect((await api.community(s.code, s.outsider)).memberCount).toBe(s.members.length);
        await cutOff(s.code, s.member);
      },
    }),
    cell(type, 'manager removes a member', 204, ok, (s) => removeUser(s, s.manager, s.member), {
      check: async (_r, s) => {
        expect(await roleOf(s.code, s.member)).toBeUndefined();
        await cutOff(s.code, s.member);
      },
    }),
    cell(type, 'manager removes another manager', 204, ok, (s) => removeUser(s, s.manager, s.manager2), {
      needs: ['manager2'],
      check: async (_r, s) => expect((await api.community(s.code, s.outsider)).managers).toEqual([s.manager]),
    }),
    cell(type, 'a manager leaves while another manager remains', 204, ok, (s) => removeUser(s, s.manager, s.manager), {
      needs: ['manager2'],
      check: async (_r, s) => expect((await api.community(s.code, s.outsider)).managers).toEqual([s.manager2]),
    }),
    cell(type, 'the last manager leaves', 409, 'Conflict', (s) => removeUser(s, s.manager, s.manager)),
    cell(type, 'outsider “leaves” (not a member)', 404, 'NotFound', (s) => removeUser(s, s.outsider, s.outsider)),
    cell(type, 'manager removes a non-member', 404, 'NotFound', (s) => removeUser(s, s.manager, s.outsider)),
    cell(type, 'member leaves a deleted community', 404, 'NotFound', (s) => removeUser(s, s.member, s.member), { needs: ['deleted'] }),
  ]));
  it('unknown community → 404 NotFound', async () => {
    const user = uniqueUser();
    expectError(await api.delete(`${UNKNOWN}/users/${user}`, user), 404, 'NotFound');
  });
});

const register = (s: Scene, actor: string | null, userIds: string[]) =>
  api.post(`${U(s)}/user-registrations`, actor, { userIds });
const registered = (expected: Record<string, unknown>, member: boolean) => async (r: Response, s: Scene) => {
  expect(r.body.registrations).toHaveLength(1);
  const registration = r.body.registrations[0];
  expect(registration).toMatchObject({ community: s.code, ...expected });
  expect(await roleOf(s.code, registration.userId)).toBe(member ? 'member' : undefined);
  const doc = (await api.replicaView(s.code, ADMIN_ACTOR, { slim: true })).registrations.find((d) => d._id === `registration:${registration.id}`);
  expect(doc).toMatchObject({ user: registration.userId, status: expected.status,
    approvedByUser: registration.approvedByUser, approvedByCommunity: registration.approvedByCommunity });
};
const inviteOf = (s: Scene) => ({ kind: 'invitation', userId: s.other, approvedByUser: false, approvedByCommunity: true, status: 'pending' });

describe('POST /communities/{id}/user-registrations', () => {
  table([
    ...both.map((type) => cell(type, 'anonymous', 401, 'Unauthorized', (s) => register(s, null, [s.outsider]))),
    cell('open', 'outsider registers themselves (joins at once)', 201, ok, (s) => register(s, s.outsider, [s.outsider]), {
      check: registered({ kind: 'request', approvedByUser: true, approvedByCommunity: true, status: 'accepted' }, true),
    }),
    cell('closed', 'outsider registers themselves (a pending request)', 201, ok, (s) => register(s, s.outsider, [s.outsider]), {
      check: registered({ kind: 'request', approvedByUser: true, approvedByCommunity: false, status: 'pending' }, false),
    }),
    cell('closed', 'a user with a pending request registers again', 409, 'Conflict',
      (s) => register(s, s.request.user, [s.request.user]), { needs: ['request'] }),
    ...both.map((type) => cell(type, 'a user with a pending invitation registers themselves (accepts it)', 201, ok,
      (s) => register(s, s.invitation.user, [s.invitation.user]), {
        needs: ['invitation'],
        check: async (r, s) => {
          expect(r.body.registrations[0]).toMatchObject({ id: s.invitation.id, kind: 'invitation', status: 'accepted' });
          expect(await roleOf(s.code, s.invitation.user)).toBe('member');
        },
      })),
    ...both.map((type) => cell(type, 'manager invites someone', 201, ok, (s) => register(s, s.manager, [s.other]), {
      check: async (r, s) => {
        await registered(inviteOf(s), false)(r, s);
        expect(r.body.registrations[0].invitedBy).toBe(s.manager);
      },
    })),
    cell('closed', 'manager invites a user with a pending request (approves it)', 201, ok,
      (s) => register(s, s.manager, [s.request.user]), {
        needs: ['request'],
        check: async (r, s) => {
          expect(r.body.registrations[0]).toMatchObject({ id: s.request.id, status: 'accepted' });
          expect(await roleOf(s.code, s.request.user)).toBe('member');
        },
      }),
    cell('open', 'member invites someone', 201, ok, (s) => register(s, s.member, [s.other]), {
      check: async (r, s) => {
        await registered(inviteOf(s), false)(r, s);
        expect(r.body.registrations[0].invitedBy).toBe(s.member);
      },
    }),
    cell('closed', 'member invites someone', 403, 'Forbidden', (s) => register(s, s.member, [s.other])),
    ...both.map((type) => cell(type, 'outsider invites someone else', 403, 'Forbidden', (s) => register(s, s.outsider, [s.other]))),
    ...both.map((type) => cell(type, 'outsider registers themselves and someone else', 403, 'Forbidden',
      (s) => register(s, s.outsider, [s.outsider, s.other]))),
    ...both.map((type) => cell(type, 'a user with a pending invitation invites someone else', 403, 'Forbidden',
      (s) => register(s, s.invitation.user, [s.other]), { needs: ['invitation'] })),
    ...both.map((type) => cell(type, 'member registers themselves (already a member)', 409, 'Conflict',
      (s) => register(s, s.member, [s.member]))),
    ...both.map((type) => cell(type, 'manager invites a member', 409, 'Conflict', (s) => register(s, s.manager, [s.member]))),
    ...both.map((type) => cell(type, 'manager invites a newcomer and a member (all or nothing)', 409, 'Conflict',
      (s) => register(s, s.manager, [s.other, s.member]))),
    ...both.map((type) => cell(type, 'manager invites a user already invited', 409, 'Conflict',
      (s) => register(s, s.manager, [s.invitation.user]), { needs: ['invitation'] })),
    ...both.map((type) => cell(type, 'outsider invites a member (must not reveal membership)', 403, 'Forbidden',
      (s) => register(s, s.outsider, [s.member]))),
    cell('closed', 'member invites another member', 403, 'Forbidden', (s) => register(s, s.member, [s.manager])),
    ...both.map((type) => cell(type, 'outsider registers with a deleted community', 404, 'NotFound',
      (s) => register(s, s.outsider, [s.outsider]), { needs: ['deleted'] })),
  ]);
  it('unknown community → 404 NotFound', async () => {
    const user = uniqueUser();
    expectError(await api.post(`${UNKNOWN}/user-registrations`, user, { userIds: [user] }), 404, 'NotFound');
  });
});

const answer = (s: Scene, actor: string | null, id: string, body: Record<string, boolean>) =>
  api.put(`${U(s)}/user-registrations/${id}`, actor, body);
const answered = (status: string, member: boolean) => async (r: Response, s: Scene) => {
  expect(r.body.status).toBe(status);
  expect(await roleOf(s.code, r.body.userId)).toBe(member ? 'member' : undefined);
  const doc = (await api.replicaView(s.code, ADMIN_ACTOR, { slim: true })).registrations.find((d) => d._id === `registration:${r.body.id}`);
  expect(doc).toMatchObject({ status, approvedByUser: r.body.approvedByUser, approvedByCommunity: r.body.approvedByCommunity });
};

describe('PUT /communities/{id}/user-registrations/{registrationId}', () => {
  table([
    // a join request (closed communities)
    cell('closed', 'anonymous', 401, 'Unauthorized', (s) => answer(s, null, s.request.id, { approvedByUser: false }), { needs: ['request'] }),
    cell('closed', 'the requester withdraws (approvedByUser false)', 200, ok,
      (s) => answer(s, s.request.user, s.request.id, { approvedByUser: false }), { needs: ['request'], check: answered('declined', false) }),
    cell('closed', 'the requester sets approvedByCommunity', 403, 'Forbidden',
      (s) => answer(s, s.request.user, s.request.id, { approvedByCommunity: true }), { needs: ['request'] }),
    cell('closed', 'the requester sets both fields', 403, 'Forbidden',
      (s) => answer(s, s.request.user, s.request.id, { approvedByUser: true, approvedByCommunity: true }), { needs: ['request'] }),
    cell('closed', 'manager approves (approvedByCommunity true)', 200, ok,
      (s) => answer(s, s.manager, s.request.id, { approvedByCommunity: true }), { needs: ['request'], check: answered('accepted', true) }),
    cell('closed', 'manager declines (approvedByCommunity false)', 200, ok,
      (s) => answer(s, s.manager, s.request.id, { approvedByCommunity: false }), { needs: ['request'], check: answered('declined', false) }),
    cell('closed', 'manager sets approvedByUser', 403, 'Forbidden',
      (s) => answer(s, s.manager, s.request.id, { approvedByUser: true }), { needs: ['request'] }),
    cell('closed', 'member approves', 403, 'Forbidden',
      (s) => answer(s, s.member, s.request.id, { approvedByCommunity: true }), { needs: ['request'] }),
    cell('closed', 'outsider approves', 403, 'Forbidden',
      (s) => answer(s, s.outsider, s.request.id, { approvedByCommunity: true }), { needs: ['request'] }),
    cell('closed', 'another user withdraws it (approvedByUser)', 403, 'Forbidden',
      (s) => answer(s, s.other, s.request.id, { approvedByUser: false }), { needs: ['request'] }),
    // an invitation
    ...both.flatMap((type) => [
      cell(type, 'anonymous answers an invitation', 401, 'Unauthorized',
        (s) => answer(s, null, s.invitation.id, { approvedByUser: true }), { needs: ['invitation'] }),
      cell(type, 'the invitee accepts', 200, ok,
        (s) => answer(s, s.invitation.user, s.invitation.id, { approvedByUser: true }), { needs: ['invitation'], check: answered('accepted', true) }),
      cell(type, 'the invitee declines', 200, ok,
        (s) => answer(s, s.invitation.user, s.invitation.id, { approvedByUser: false }), { needs: ['invitation'], check: answered('declined', false) }),
      cell(type, 'the invitee sets approvedByCommunity', 403, 'Forbidden',
        (s) => answer(s, s.invitation.user, s.invitation.id, { approvedByCommunity: true }), { needs: ['invitation'] }),
      cell(type, 'manager revokes the invitation (approvedByCommunity false)', 200, ok,
        (s) => answer(s, s.manager, s.invitation.id, { approvedByCommunity: false }), { needs: ['invitation'], check: answered('declined', false) }),
      cell(type, 'manager accepts for the invitee (approvedByUser)', 403, 'Forbidden',
        (s) => answer(s, s.manager, s.invitation.id, { approvedByUser: true }), { needs: ['invitation'] }),
      cell(type, 'member revokes the invitation', 403, 'Forbidden',
        (s) => answer(s, s.member, s.invitation.id, { approvedByCommunity: false }), { needs: ['invitation'] }),
      cell(type, 'another user accepts it', 403, 'Forbidden',
        (s) => answer(s, s.other, s.invitation.id, { approvedByUser: true }), { needs: ['invitation'] }),
      cell(type, 'the invitee answers it through another community', 404, 'NotFound',
        (s) => answer(s, s.invitation.user, s.foreign.id, { approvedByUser: true }), { needs: ['foreign'] }),
      cell(type, 'manager answers another community’s registration', 404, 'NotFound',
        (s) => answer(s, s.manager, s.foreign.id, { approvedByCommunity: false }), { needs: ['foreign'] }),
      cell(type, 'manager answers an unknown registration', 404, 'NotFound',
        (s) => answer(s, s.manager, 'no-such-registration', { approvedByCommunity: true })),
      cell(type, 'the user answers a registration no longer pending', 409, 'Conflict',
        (s) => answer(s, s.answered.user, s.answered.id, { approvedByUser: true }), { needs: ['answered'] }),
      cell(type, 'manager answers a registration no longer pending', 409, 'Conflict',
        (s) => answer(s, s.manager, s.answered.id, { approvedByCommunity: true }), { needs: ['answered'] }),
      cell(type, 'the invitee answers in a deleted community', 404, 'NotFound',
        (s) => answer(s, s.invitation.user, s.invitation.id, { approvedByUser: true }), { needs: ['invitation', 'deleted'] }),
    ]),
  ]);
  it('unknown community → 404 NotFound', async () => {
    expectError(await api.put(`${UNKNOWN}/user-registrations/x`, uniqueUser(), { approvedByUser: true }), 404, 'NotFound');
  });
});

describe('GET /communities/{id}/user-registrations', () => {
  const list = (s: Scene, actor: string | null) => api.get(`${U(s)}/user-registrations`, actor);
  table([
    ...both.flatMap((type) => [
      cell(type, 'anonymous', 401, 'Unauthorized', (s) => list(s, null)),
      cell(type, 'outsider', 403, 'Forbidden', (s) => list(s, s.outsider)),
      cell(type, 'member', 403, 'Forbidden', (s) => list(s, s.member)),
      cell(type, 'the invitee', 403, 'Forbidden', (s) => list(s, s.invitation.user), { needs: ['invitation'] }),
      cell(type, 'manager (pending only)', 200, ok, (s) => list(s, s.manager), {
        needs: ['invitation', 'answered'],
        check: (r, s) => expect(r.body.registrations.map((x: any) => [x.id, x.kind, x.status]))
          .toEqual([[s.invitation.id, 'invitation', 'pending']]),
      }),
      cell(type, 'manager of a deleted community', 404, 'NotFound', (s) => list(s, s.manager), { needs: ['deleted'] }),
    ]),
    cell('closed', 'the requester', 403, 'Forbidden', (s) => list(s, s.request.user), { needs: ['request'] }),
    cell('closed', 'manager sees requests and invitations', 200, ok, (s) => list(s, s.manager), {
      needs: ['request', 'invitation'],
      check: (r, s) => expect(r.body.registrations.map((x: any) => [x.id, x.userId, x.kind, x.status]).sort())
        .toEqual([[s.request.id, s.request.user, 'request', 'pending'], [s.invitation.id, s.invitation.user, 'invitation', 'pending']].sort()),
    }),
  ]);
  it('unknown community → 404 NotFound', async () => {
    expectError(await api.get(`${UNKNOWN}/user-registrations`, uniqueUser()), 404, 'NotFound');
  });
});

describe('/users/{userId}/…: oneself only, `me` an alias', () => {
  let f: Fixture;
  let invitation: { id: string; user: string };
  beforeAll(async () => {
    f = await api.fixture('closed');
    invitation = await api.pending(f, 'invitation');
  });
  type Who = 'the user' | 'another user' | 'a manager of their community' | 'anonymous';
  const actorOf = (who: Who): string | null =>
    ({ 'the user': invitation.user, 'another user': f.outsider, 'a manager of their community': f.manager, anonymous: null })[who];
  type Row = [method: 'GET' | 'PUT', path: string, who: Who, status: number, code: string | undefined];
  const rows: Row[] = [];
  for (const [method, tail] of [['GET', '/registrations'], ['GET', '/communities'], ['GET', '/community-recommendations'], ['GET', ''], ['PUT', '']] as const) {
    rows.push(
      [method, `/users/me${tail}`, 'the user', 200, ok],
      [method, `/users/{user}${tail}`, 'the user', 200, ok],
      [method, `/users/{user}${tail}`, 'another user', 403, 'Forbidden'],
      [method, `/users/{user}${tail}`, 'a manager of their community', 403, 'Forbidden'],
      [method, `/users/me${tail}`, 'anonymous', 401, 'Unauthorized'],
      [method, `/users/{user}${tail}`, 'anonymous', 401, 'Unauthorized'],
    );
  }
  it.each(rows)('%s %s as %s → %i', async (method, template, who, status, code) => {
    const path = template.replace('{user}', encodeURIComponent(invitation.user));
    // what the user sets for themselves, and what the others would set for them
    const skills = who === 'the user' ? [{ name: 'baking', priority: 3 }] : [{ name: 'forged', priority: 5 }];
    const response = await api.call(method, path, actorOf(who), { body: method === 'PUT' ? { skills } : undefined });
    if (code) expectError(response, status, code);
    else expect(response.status, JSON.stringify(response.body)).toBe(status);
    if (status !== 200) return;
    if (template.endsWith('/registrations'))
      expect(response.body.registrations.map((r: any) => [r.id, r.userId, r.status])).toEqual([[invitation.id, invitation.user, 'pending']]);
    if (template.endsWith('/communities')) expect(response.body.communities).toEqual([]);
    if (template.split('/').length === 3) expect(response.body).toMatchObject({ id: invitation.user }); // the profile itself
  });
  it('the refused PUTs changed nobody’s skills', async () => {
    expect((await api.get('/users/me', invitation.user)).body.skills).toEqual([{ name: 'baking', priority: 3 }]);
    expect((await api.get('/users/me', f.outsider)).body.skills).toEqual([]);
    expect((await api.get('/users/me', f.manager)).body.skills).toEqual([]);
  });
});
