/**
 * Whole membership flows over the REST API, and after each step what a replicating client
 * sees: the `member:` and `registration:` documents of `group-<code>` and the community's
 * listing (memberCount, managers), plus what the users see of their own registrations.
 */
import { describe, expect, it } from 'vitest';
import {
  ADMIN_ACTOR, expectError, uniqueUser, useApi, type Fixture, type ReplicaView,
} from '../support/communities.js';
import { uniqueCode } from '../support/group.js';
import { localReplica, remote } from '../support/pouch.js';

const api = useApi();

/** The member documents a member (`as`) replicates, exactly: user → role. */
async function expectMembers(code: string, as: string, expected: Record<string, string>): Promise<ReplicaView> {
  const view = await api.replicaView(code, as);
  expect(Object.fromEntries(view.members)).toEqual(expected);
  return view;
}

function registrationDoc(view: ReplicaView, id: string): any {
  const doc = view.registrations.find((d) => d._id === `registration:${id}`);
  expect(doc, `registration:${id} is replicated`).toBeDefined();
  return doc;
}

/** The listing everyone sees: memberCount and managers (sorted). */
async function expectListing(code: string, memberCount: number, managers: string[]): Promise<void> {
  const community = await api.community(code, uniqueUser('viewer'));
  expect({ memberCount: community.memberCount, managers: community.managers })
    .toEqual({ memberCount, managers: [...managers].sort() });
}

async function myRegistrations(user: string): Promise<any[]> {
  const mine = await api.get('/users/me/registrations', user);
  expect(mine.status).toBe(200);
  return mine.body.registrations;
}

async function myCommunities(user: string): Promise<string[]> {
  const mine = await api.get('/users/me/communities', user);
  expect(mine.status).toBe(200);
  return mine.body.communities.map((c: any) => c.code);
}

/** Whether the user is served the community's database (CouchDB face). */
async function expectDatabase(code: string, user: string, served: boolean): Promise<void> {
  const db = await api.get(`/db/group-${code}/_all_docs`, user);
  if (served) expect(db.status).toBe(200);
  else expect({ status: db.status, error: db.body.error }).toEqual({ status: 403, error: 'forbidden' });
}

const base = (f: Fixture) => `/communities/${f.code}`;

describe('joining an open community', () => {
  it('by POST /users: a member document, the count, the user’s communities, the database', async () => {
    const f = await api.fixture('open');
    const x = uniqueUser('joiner');
    await expectDatabase(f.code, x, false);
    expect(await myCommunities(x)).toEqual([]);

    const joined = await api.post(`${base(f)}/users`, x, { userId: x });
    expect(joined.status).toBe(201);
    expect(joined.body).toEqual({ userId: x, role: 'member', joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

    await expectMembers(f.code, x, { [f.manager]: 'manager', [f.member]: 'member', [x]: 'member' });
    await expectListing(f.code, 3, [f.manager]);
    const users = await api.get(`${base(f)}/users`, x);
    expect(users.body.users).toContainEqual(joined.body);
    expect(await myCommunities(x)).toEqual([f.code]);
    await expectDatabase(f.code, x, true);
  });

  it('by registering themselves: the registration is accepted at once and replicated', async () => {
    const f = await api.fixture('open');
    const x = uniqueUser('joiner');
    const made = await api.post(`${base(f)}/user-registrations`, x, { userIds: [x] });
    expect(made.status).toBe(201);
    const [registration] = made.body.registrations;
    expect(registration).toMatchObject({
      community: f.code, userId: x, kind: 'request', approvedByUser: true, approvedByCommunity: true, status: 'accepted',
    });

    const view = await expectMembers(f.code, x, { [f.manager]: 'manager', [f.member]: 'member', [x]: 'member' });
    expect(registrationDoc(view, registration.id)).toMatchObject({
      type: 'registration', group: f.code, user: x, status: 'accepted', approvedByUser: true, approvedByCommunity: true,
    });
    await expectListing(f.code, 3, [f.manager]);
    expect((await myRegistrations(x)).map((r) => [r.id, r.status])).toEqual([[registration.id, 'accepted']]);
    expect((await api.get(`${base(f)}/user-registrations`, f.manager)).body.registrations).toEqual([]);
  });
});

describe('asking to join a closed community', () => {
  async function requested(f: Fixture) {
    const x = uniqueUser('applicant');
    const made = await api.post(`${base(f)}/user-registrations`, x, { userIds: [x] });
    expect(made.status).toBe(201);
    const [registration] = made.body.registrations;
    expect(registration).toMatchObject({
      community: f.code, userId: x, kind: 'request', approvedByUser: true, approvedByCommunity: false, status: 'pending',
    });
    const view = await expectMembers(f.code, f.manager, { [f.manager]: 'manager', [f.member]: 'member' });
    expect(registrationDoc(view, registration.id)).toMatchObject({
      user: x, status: 'pending', approvedByUser: true, approvedByCommunity: false,
    });
    await expectListing(f.code, 2, [f.manager]);
    expect((await api.get(`${base(f)}/user-registrations`, f.manager)).body.registrations.map((r: any) => r.id)).toEqual([registration.id]);
    expect((await myRegistrations(x)).map((r) => [r.id, r.kind, r.status])).toEqual([[registration.id, 'request', 'pending']]);
    await expectDatabase(f.code, x, false);
    expectError(await api.get(`${base(f)}/users`, x), 403, 'Forbidden');
    return { x, id: registration.id as string };
  }

  async function admitted(f: Fixture, x: string, id: string) {
    const view = await expectMembers(f.code, x, { [f.manager]: 'manager', [f.member]: 'member', [x]: 'member' });
    expect(registrationDoc(view, id)).toMatchObject({ user: x, status: 'accepted', approvedByUser: true, approvedByCommunity: true });
    await expectListing(f.code, 3, [f.manager]);
    await expectDatabase(f.code, x, true);
    expect((await myRegistrations(x)).map((r) => [r.id, r.status])).toEqual([[id, 'accepted']]);
    expect(await myCommunities(x)).toEqual([f.code]);
    expect((await api.get(`${base(f)}/user-registrations`, f.manager)).body.registrations).toEqual([]);
  }

  it('request → the manager approves it (PUT approvedByCommunity) → member, and a replica holds both documents', async () => {
    const f = await api.fixture('closed');
    const { x, id } = await requested(f);
    const approved = await api.put(`${base(f)}/user-registrations/${id}`, f.manager, { approvedByCommunity: true });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ id, userId: x, approvedByUser: true, approvedByCommunity: true, status: 'accepted' });
    await admitted(f, x, id);

    // A real PouchDB replica of the new member.
    const replica = await localReplica();
    await replica.replicate.from(remote(`${api.server.dbUrl}/group-${f.code}`, await api.token(x)));
    const docs = (await replica.allDocs({ include_docs: true })).rows.map((row) => row.doc as any);
    expect(docs.filter((d) => d.type === 'member').map((d) => [d.user, d.role]).sort())
      .toEqual([[f.manager, 'manager'], [f.member, 'member'], [x, 'member']].sort());
    expect(docs.find((d) => d._id === `registration:${id}`)).toMatchObject({ user: x, status: 'accepted' });
    await replica.destroy();
  });

  it('request → the manager admits the user (POST /users) → member; the registration cannot be answered again', async () => {
    const f = await api.fixture('closed');
    const { x, id } = await requested(f);
    const added = await api.post(`${base(f)}/users`, f.manager, { userId: x });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ userId: x, role: 'member' });
    await admitted(f, x, id);
    expectError(await api.put(`${base(f)}/user-registrations/${id}`, f.manager, { approvedByCommunity: false }), 409, 'Conflict');
    expectError(await api.put(`${base(f)}/user-registrations/${id}`, x, { approvedByUser: false }), 409, 'Conflict');
    await expectMembers(f.code, x, { [f.manager]: 'manager', [f.member]: 'member', [x]: 'member' });
  });
});

describe('invitations at creation', () => {
  it('invitees see them, one accepts (member), one declines (not a member; no second answer)', async () => {
    const creator = uniqueUser('creator');
    const [a, b] = [uniqueUser('invitee'), uniqueUser('invitee')];
    const code = uniqueCode('inv');
    const created = await api.post('/communities', creator, { name: `Invited ${code}`, code, invitedUserIds: [a, b] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code, type: 'closed', managers: [creator], memberCount: 1 });

    const invitation = { community: code, kind: 'invitation', approvedByUser: false, approvedByCommunity: true, status: 'pending', invitedBy: creator };
    const [forA] = await myRegistrations(a);
    expect(forA).toMatchObject({ ...invitation, userId: a });
    const [forB] = await myRegistrations(b);
    expect(forB).toMatchObject({ ...invitation, userId: b });
    let view = await expectMembers(code, creator, { [creator]: 'manager' });
    for (const [user, reg] of [[a, forA], [b, forB]] as const)
      expect(registrationDoc(view, reg.id)).toMatchObject({ user, status: 'pending', approvedByUser: false, approvedByCommunity: true });
    expect((await api.get(`/communities/${code}/user-registrations`, creator)).body.registrations.map((r: any) => r.userId).sort())
      .toEqual([a, b].sort());

    const accepted = await api.put(`/communities/${code}/user-registrations/${forA.id}`, a, { approvedByUser: true });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ status: 'accepted', approvedByUser: true, approvedByCommunity: true });
    view = await expectMembers(code, a, { [creator]: 'manager', [a]: 'member' });
    expect(registrationDoc(view, forA.id)).toMatchObject({ status: 'accepted', approvedByUser: true });
    await expectListing(code, 2, [creator]);
    expect(await myCommunities(a)).toEqual([code]);

    const declined = await api.put(`/communities/${code}/user-registrations/${forB.id}`, b, { approvedByUser: false });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', approvedByUser: false });
    view = await expectMembers(code, creator, { [creator]: 'manager', [a]: 'member' });
    expect(registrationDoc(view, forB.id)).toMatchObject({ user: b, status: 'declined', approvedByUser: false, approvedByCommunity: true });
    expect((await myRegistrations(b)).map((r) => [r.id, r.status])).toEqual([[forB.id, 'declined']]);
    await expectDatabase(code, b, false);
    await expectListing(code, 2, [creator]);

    expectError(await api.put(`/communities/${code}/user-registrations/${forB.id}`, b, { approvedByUser: true }), 409, 'Conflict');
    expectError(await api.put(`/communities/${code}/user-registrations/${forB.id}`, creator, { approvedByCommunity: true }), 409, 'Conflict');
    expect((await api.get(`/communities/${code}/user-registrations`, creator)).body.registrations).toEqual([]);
    await expectMembers(code, creator, { [creator]: 'manager', [a]: 'member' });
  });
});

describe('declining', () => {
  it('the requester withdraws a request', async () => {
    const f = await api.fixture('closed');
    const { id, user } = await api.pending(f, 'request');
    const withdrawn = await api.put(`${base(f)}/user-registrations/${id}`, user, { approvedByUser: false });
    expect(withdrawn.body).toMatchObject({ status: 'declined', approvedByUser: false, approvedByCommunity: false });
    const view = await expectMembers(f.code, f.manager, { [f.manager]: 'manager', [f.member]: 'member' });
    expect(registrationDoc(view, id)).toMatchObject({ user, status: 'declined', approvedByUser: false, approvedByCommunity: false });
    expect((await myRegistrations(user)).map((r) => r.status)).toEqual(['declined']);
  });

  it('the community declines a request and revokes an invitation', async () => {
    const f = await api.fixture('closed');
    const request = await api.pending(f, 'request');
    const invitation = await api.pending(f, 'invitation');

    const refused = await api.put(`${base(f)}/user-registrations/${request.id}`, f.manager, { approvedByCommunity: false });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ status: 'declined', approvedByUser: true, approvedByCommunity: false });
    const revoked = await api.put(`${base(f)}/user-registrations/${invitation.id}`, f.manager, { approvedByCommunity: false });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'declined', approvedByUser: false, approvedByCommunity: false });

    const view = await expectMembers(f.code, f.member, { [f.manager]: 'manager', [f.member]: 'member' });
    expect(registrationDoc(view, request.id)).toMatchObject({ user: request.user, status: 'declined', approvedByCommunity: false });
    expect(registrationDoc(view, invitation.id)).toMatchObject({ user: invitation.user, status: 'declined', approvedByCommunity: false });
    await expectListing(f.code, 2, [f.manager]);
    expect((await myRegistrations(request.user)).map((r) => r.status)).toEqual(['declined']);
    expect((await myRegistrations(invitation.user)).map((r) => r.status)).toEqual(['declined']);
    // the invitee can no longer accept
    expectError(await api.put(`${base(f)}/user-registrations/${invitation.id}`, invitation.user, { approvedByUser: true }), 409, 'Conflict');
    await expectDatabase(f.code, invitation.user, false);
    await expectDatabase(f.code, request.user, false);
  });
});

describe('leaving and removal', () => {
  it('a manager removes (kicks) a member: the member document goes, the database closes to them', async () => {
    const f = await api.fixture('closed', { members: 2 });
    const [kicked, stays] = f.members as [string, string];
    expect((await api.delete(`${base(f)}/users/${kicked}`, f.manager)).status).toBe(204);
    await expectMembers(f.code, stays, { [f.manager]: 'manager', [stays]: 'member' });
    await expectListing(f.code, 2, [f.manager]);
    await expectDatabase(f.code, kicked, false);
    expectError(await api.get(`${base(f)}/users`, kicked), 403, 'Forbidden');
    expect(await myCommunities(kicked)).toEqual([]);
    // a closed community: no coming back without a registration
    expectError(await api.post(`${base(f)}/users`, kicked, { userId: kicked }), 403, 'Forbidden');
    expectError(await api.delete(`${base(f)}/users/${kicked}`, f.manager), 404, 'NotFound');
  });

  it('a member leaves, and may join the open community again', async () => {
    const f = await api.fixture('open');
    expect((await api.delete(`${base(f)}/users/${f.member}`, f.member)).status).toBe(204);
    await expectMembers(f.code, f.manager, { [f.manager]: 'manager' });
    await expectListing(f.code, 1, [f.manager]);
    await expectDatabase(f.code, f.member, false);
    expect(await myCommunities(f.member)).toEqual([]);

    expect((await api.post(`${base(f)}/users`, f.member, { userId: f.member })).status).toBe(201);
    await expectMembers(f.code, f.member, { [f.manager]: 'manager', [f.member]: 'member' });
    await expectListing(f.code, 2, [f.manager]);
  });
});

describe('the last manager', () => {
  it('cannot leave, be removed or step down; once another manager is named, the first can leave', async () => {
    const f = await api.fixture('open', { members: 2 });
    const [m1, m2] = f.members as [string, string];
    const all = { [f.manager]: 'manager', [m1]: 'member', [m2]: 'member' };

    expectError(await api.delete(`${base(f)}/users/${f.manager}`, f.manager), 409, 'Conflict');
    // stepping down is a change of one's own role, refused as such (403) before the last-manager rule
    expectError(await api.put(`${base(f)}/users/${f.manager}`, f.manager, { role: 'member' }), 403, 'Forbidden');
    await expectMembers(f.code, f.manager, all);
    await expectListing(f.code, 3, [f.manager]);

    // a second manager, removed again: then the first is the last one once more
    expect((await api.put(`${base(f)}/users/${m2}`, f.manager, { role: 'manager' })).status).toBe(200);
    await expectListing(f.code, 3, [f.manager, m2]);
    expect((await api.delete(`${base(f)}/users/${m2}`, f.manager)).status).toBe(204);
    await expectListing(f.code, 2, [f.manager]);
    expectError(await api.delete(`${base(f)}/users/${f.manager}`, f.manager), 409, 'Conflict');

    const promoted = await api.put(`${base(f)}/users/${m1}`, f.manager, { role: 'manager' });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ userId: m1, role: 'manager' });
    await expectMembers(f.code, m1, { [f.manager]: 'manager', [m1]: 'manager' });
    await expectListing(f.code, 2, [f.manager, m1]);

    expect((await api.delete(`${base(f)}/users/${f.manager}`, f.manager)).status).toBe(204);
    await expectMembers(f.code, m1, { [m1]: 'manager' });
    await expectListing(f.code, 1, [m1]);
    await expectDatabase(f.code, f.manager, false);
    expectError(await api.delete(`${base(f)}/users/${m1}`, m1), 409, 'Conflict');
    expectError(await api.put(`${base(f)}/users/${m1}`, m1, { role: 'member' }), 403, 'Forbidden');
    await expectMembers(f.code, m1, { [m1]: 'manager' });
  });

  it('two managers leaving at once: one leaves, the other is refused (409) and stays', async () => {
    const f = await api.fixture('open');
    expect((await api.put(`${base(f)}/users/${f.member}`, f.manager, { role: 'manager' })).status).toBe(200);
    const answers = await Promise.all([f.manager, f.member].map((user) => api.delete(`${base(f)}/users/${user}`, user)));
    expect(answers.map((a) => a.status).sort()).toEqual([204, 409]);
    const stayed = answers[0]!.status === 409 ? f.manager : f.member;
    expectError(answers.find((a) => a.status === 409)!, 409, 'Conflict');
    await expectMembers(f.code, stayed, { [stayed]: 'manager' });
    await expectListing(f.code, 1, [stayed]);
  });

  it('a promoted manager manages: changes the community, approves, invites, removes, demotes the old manager', async () => {
    const f = await api.fixture('closed', { members: 2 });
    const [boss, other] = f.members as [string, string];
    const joinedAt = (await api.get(`${base(f)}/users`, boss)).body.users.find((u: any) => u.userId === boss).joinedAt;
    const promoted = await api.put(`${base(f)}/users/${boss}`, f.manager, { role: 'manager' });
    expect(promoted.body).toEqual({ userId: boss, role: 'manager', joinedAt });

    const changed = await api.put(base(f), boss, { description: 'run by the new manager' });
    expect(changed.status).toBe(200);
    expect(changed.body.description).toBe('run by the new manager');
    const request = await api.pending(f, 'request');
    expect((await api.get(`${base(f)}/user-registrations`, boss)).body.registrations.map((r: any) => r.id)).toEqual([request.id]);
    expect((await api.put(`${base(f)}/user-registrations/${request.id}`, boss, { approvedByCommunity: true })).body.status).toBe('accepted');
    const invitee = uniqueUser('invitee');
    const invited = await api.post(`${base(f)}/user-registrations`, boss, { userIds: [invitee] });
    expect(invited.status).toBe(201);
    expect(invited.body.registrations[0]).toMatchObject({ kind: 'invitation', invitedBy: boss, status: 'pending' });
    expect((await api.delete(`${base(f)}/users/${other}`, boss)).status).toBe(204);
    const demoted = await api.put(`${base(f)}/users/${f.manager}`, boss, { role: 'member' });
    expect(demoted.status).toBe(200);
    expect(demoted.body).toMatchObject({ userId: f.manager, role: 'member' });

    await expectMembers(f.code, boss, { [boss]: 'manager', [f.manager]: 'member', [request.user]: 'member' });
    await expectListing(f.code, 3, [boss]);
    // the old manager no longer manages
    expectError(await api.put(base(f), f.manager, { description: 'x' }), 403, 'Forbidden');
    expectError(await api.get(`${base(f)}/user-registrations`, f.manager), 403, 'Forbidden');
    expectError(await api.delete(base(f), f.manager), 403, 'Forbidden');
  });
});

describe('deleting a community', () => {
  it('declines pending registrations, disappears, closes its database to former members and keeps it', async () => {
    const f = await api.fixture('closed');
    const invitation = await api.pending(f, 'invitation');
    const request = await api.pending(f, 'request');
    const joined = await api.pending(f, 'invitation');
    expect((await api.put(`${base(f)}/user-registrations/${joined.id}`, joined.user, { approvedByUser: true })).body.status).toBe('accepted');
    const before = await expectMembers(f.code, f.member, { [f.manager]: 'manager', [f.member]: 'member', [joined.user]: 'member' });

    expect((await api.delete(base(f), f.manager)).status).toBe(204);

    for (const user of [f.manager, f.member, f.outsider]) expectError(await api.get(base(f), user), 404, 'NotFound');
    expect((await api.get('/communities', f.outsider)).body.communities.map((c: any) => c.code)).not.toContain(f.code);
    for (const user of [f.manager, f.member, joined.user]) {
      expect(await myCommunities(user)).toEqual([]);
      await expectDatabase(f.code, user, false);
    }
    const declinedInvitation = (await myRegistrations(invitation.user))[0];
    expect(declinedInvitation).toMatchObject({ id: invitation.id, community: f.code, status: 'declined', approvedByUser: false, approvedByCommunity: true });
    expect((await myRegistrations(request.user))[0]).toMatchObject({ id: request.id, status: 'declined', approvedByUser: true, approvedByCommunity: false });
    expect((await myRegistrations(joined.user))[0]).toMatchObject({ id: joined.id, status: 'accepted' });

    // kept on disk: the server admin still reads it, members' documents as they were
    const kept = await api.replicaView(f.code, ADMIN_ACTOR);
    expect(kept.members).toEqual(before.members);
    expect(registrationDoc(kept, invitation.id)).toMatchObject({ status: 'declined' });
    expect(registrationDoc(kept, request.id)).toMatchObject({ status: 'declined' });
    expect(registrationDoc(kept, joined.id)).toMatchObject({ status: 'accepted' });

    // and nothing more happens in it
    expectError(await api.put(`${base(f)}/user-registrations/${invitation.id}`, invitation.user, { approvedByUser: true }), 404, 'NotFound');
    expectError(await api.post(`${base(f)}/users`, f.outsider, { userId: f.outsider }), 404, 'NotFound');
    expectError(await api.delete(base(f), f.manager), 404, 'NotFound');
    expectError(await api.post('/communities', f.manager, { name: `Again ${f.code}`, code: f.code }), 409, 'Conflict');
    expect((await api.replicaView(f.code, ADMIN_ACTOR)).registrations).toEqual(kept.registrations);
  });
});

describe('at the same time', () => {
  it('ten users joining at once all become members, and the count is exact', async () => {
    const f = await api.fixture('open');
    const joiners = Array.from({ length: 10 }, () => uniqueUser('joiner'));
    const answers = await Promise.all(joiners.map((user) => api.post(`${base(f)}/users`, user, { userId: user })));
    expect(answers.map((a) => a.status)).toEqual(joiners.map(() => 201));
    await expectMembers(f.code, f.manager, {
      [f.manager]: 'manager', [f.member]: 'member', ...Object.fromEntries(joiners.map((user) => [user, 'member'])),
    });
    await expectListing(f.code, 12, [f.manager]);
  });

  it('the manager approving while the user withdraws: one answer wins, the other is 409, all consistent', async () => {
    const f = await api.fixture('closed');
    const { id, user } = await api.pending(f, 'request');
    const [approve, withdraw] = await Promise.all([
      api.put(`${base(f)}/user-registrations/${id}`, f.manager, { approvedByCommunity: true }),
      api.put(`${base(f)}/user-registrations/${id}`, user, { approvedByUser: false }),
    ]);
    expect([approve.status, withdraw.status].sort()).toEqual([200, 409]);
    const winner = approve.status === 200 ? approve : withdraw;
    expectError(approve.status === 200 ? withdraw : approve, 409, 'Conflict');
    const status = winner.body.status as string;
    expect(status).toBe(approve.status === 200 ? 'accepted' : 'declined');
    const view = await expectMembers(f.code, f.manager, {
      [f.manager]: 'manager', [f.member]: 'member', ...(status === 'accepted' ? { [user]: 'member' } : {}),
    });
    expect(registrationDoc(view, id).status).toBe(status);
    expect((await myRegistrations(user)).map((r) => r.status)).toEqual([status]);
  });
});

describe('edge cases of registrations and creation', () => {
  it('accepting a stale invitation never demotes a manager (nor leaves the community without one)', async () => {
    const f = await api.fixture('open');
    const { id, user } = await api.pending(f, 'invitation');
    expect((await api.post(`${base(f)}/users`, user, { userId: user })).status).toBe(201);
    expect((await api.put(`${base(f)}/users/${user}`, f.manager, { role: 'manager' })).status).toBe(200);
    expect((await api.delete(`${base(f)}/users/${f.manager}`, f.manager)).status).toBe(204);
    await expectListing(f.code, 2, [user]);

    const answer = await api.put(`${base(f)}/user-registrations/${id}`, user, { approvedByUser: true });
    expect(answer.status).toBeLessThan(500);
    await expectMembers(f.code, f.member, { [user]: 'manager', [f.member]: 'member' });
    await expectListing(f.code, 2, [user]);
  });

  it('a refused creation (the creator invites themselves) leaves no community behind', async () => {
    const creator = uniqueUser('creator');
    const code = uniqueCode('self');
    const name = `Self invited ${code}`;
    const created = await api.post('/communities', creator, { name, code, invitedUserIds: [creator] });
    expectError(created, 409, 'Conflict');
    expectError(await api.get(`/communities/${code}`, creator), 404, 'NotFound');
    expect(await myCommunities(creator)).toEqual([]);
    expect((await api.post('/communities', creator, { name, code })).status).toBe(201);
  });
});
