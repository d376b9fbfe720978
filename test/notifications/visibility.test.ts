import { eventNames } from '@mutual/schema';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountsOf, pay } from '../support/accounting.js';
import { ADMIN_ACTOR, expectError, uniqueUser, useApi, type Fixture } from '../support/communities.js';
import { EventsClient } from '../support/events.js';
import { pushDevice } from '../support/push-device.js';
import { Receiver } from '../support/receiver.js';

/**
 * Who may hear of an event, tried by hostile and confused clients over every channel: live
 * WebSockets (also resuming), webhooks and Web Push.
 *
 * An absence is never proven by waiting: the listener is made to receive a later event (one
 * it may see, on the same connection or subscription, which deliver in log order), and the
 * earlier event must be missing when that one arrives.
 */

type Delivered = NonNullable<ReturnType<EventsClient['events']>[number]>;

/** Webhook targets and push services alike: each subscription or device has its own path. */
let receiver: Receiver;
const sockets: EventsClient[] = [];

// Registered before useApi(): afterAll hooks run in reverse, so the server stops before this closes.
beforeAll(async () => {
  receiver = await Receiver.start();
});
afterAll(async () => {
  await receiver.close();
});
const api = useApi({ env: { MUTUAL_WEBHOOK_RETRY_MS: '20', MUTUAL_WEBHOOK_MAX_ATTEMPTS: '3' } });
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

/** A live connection of `user`, once the server said `ready` (after any replay asked for). */
async function listen(user: string, options: { since?: number } = {}): Promise<EventsClient> {
  const socket = await EventsClient.connect(api.server.url, await api.token(user), options);
  sockets.push(socket);
  await socket.next((m) => m.type === 'ready');
  return socket;
}

/** The first event on a connection that matches, waiting for it if needed. */
async function heard(socket: EventsClient, match: (event: Delivered) => boolean): Promise<Delivered> {
  return (await socket.next((m) => m.type === 'event' && match(m.event!))).event!;
}

/** The first of what the receiver got for one subscription or device that matches, waiting for it if needed. */
async function arrival(received: () => Delivered[], match: (event: Delivered) => boolean): Promise<Delivered> {
  for (;;) {
    const found = received().find(match);
    if (found) return found;
    await receiver.count(receiver.received.length + 1);
  }
}

/** The events a connection received of one group. */
function heardOf(socket: EventsClient, code: string): Delivered[] {
  return socket.events().filter((event) => event.group === code);
}

/** A webhook subscription of `owner`, checked created, with the events delivered to it. */
async function hook(owner: string, events: string[], groups: string[]) {
  const path = `/hook/${uniqueUser('hook')}`;
  const created = await api.post('/subscriptions', owner, { url: `${receiver.url}${path}`, events, groups });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const delivered = (): Delivered[] =>
    receiver.received.filter((r) => r.path === path)
      .map((r) => JSON.parse(Buffer.from(r.body.toString().split('.')[1]!, 'base64url').toString()).event as Delivered);
  return {
    id: created.body.id as string,
    delivered,
    next: (match: (event: Delivered) => boolean) => arrival(delivered, match),
  };
}

/** A browser's push subscription at the local push service, and how to read what it was sent. */
async function device(owner: string, pushEvents: readonly string[]) {
  const path = `/push/${uniqueUser('device')}`;
  const { subscription, decrypt } = pushDevice(`${receiver.url}${path}`);
  const registered = await api.post('/push/subscriptions', owner, subscription);
  expect(registered.status).toBe(201);
  const settings = await api.put('/users/me/notification-settings', owner, { pushEvents });
  expect(settings.status).toBe(200);
  const pushed = (): Delivered[] => receiver.received.filter((r) => r.path === path)
    .map((r) => decrypt(r.body) as Delivered);
  return {
    id: registered.body.id as string,
    pushed,
    next: (match: (event: Delivered) => boolean) => arrival(pushed, match),
  };
}

async function join(code: string, user = uniqueUser('joiner')): Promise<string> {
  const joined = await api.post(`/communities/${code}/users`, user, { userId: user });
  expect(joined.status).toBe(201);
  return user;
}

async function changeCommunity(f: Fixture, description: string): Promise<void> {
  expect((await api.put(`/communities/${f.code}`, f.manager, { description })).status).toBe(200);
}

async function offer(code: string, author: string, body: Record<string, unknown>): Promise<string> {
  const created = await api.post(`/communities/${code}/offers`, author, body);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id as string;
}

/** A group of `user`'s own: its MemberJoined is an event they may see, to end a wait on. */
async function ownGroup(user: string): Promise<string> {
  return (await api.create(user)).code;
}

const isEvent = (name: string, code: string, data: Record<string, unknown> = {}) => (event: Delivered) =>
  event.name === name && event.group === code && Object.entries(data).every(([key, value]) => event.data?.[key] === value);

describe('who hears of an event', () => {
  it('a stranger hears nothing of a group its members hear, live or by resuming from an early seq', async () => {
    const f = await api.fixture('open', { members: 2 });
    const [bob, carol] = f.members as [string, string];
    const accounts = await accountsOf(api.server, f.code, f.manager, [f.manager, bob, carol]);
    const member = await listen(bob);
    const stranger = await listen(f.outsider);

    // Every kind of group event, each heard by a member.
    const dave = await join(f.code);
    await heard(member, isEvent('MemberJoined', f.code, { userId: dave }));
    await changeCommunity(f, 'bakers and friends');
    await member.event('CommunityChanged', f.code);
    expect((await api.put(`/communities/${f.code}/users/${carol}`, f.manager, { role: 'manager' })).status).toBe(200);
    await member.event('RoleChanged', f.code);
    await offer(f.code, bob, { name: 'Rye bread' });
    await member.event('OfferPublished', f.code);
    expect((await api.post(`/communities/${f.code}/needs`, carol, { content: 'A ladder' })).status).toBe(201);
    await member.event('NeedPublished', f.code);
    expect((await api.post(`/communities/${f.code}/posts`, f.manager, { title: 'Market on Friday' })).status).toBe(201);
    await member.event('PostPublished', f.code);
    await pay(api.server, f.code, f.manager, { payer: accounts[f.manager]!.code, payee: accounts[carol]!.code, amount: 5 });
    await member.event('TransferCommitted', f.code);
    await pay(api.server, f.code, f.manager, { payer: accounts[f.manager]!.code, payee: accounts[carol]!.code, amount: 1_000_000_000 });
    await member.event('TransferRejected', f.code);
    expect((await api.delete(`/communities/${f.code}/users/${dave}`, f.manager)).status).toBe(204);
    await member.event('MemberRemoved', f.code);
    const told = heardOf(member, f.code);
    expect(new Set(told.map((event) => event.name))).toEqual(new Set([
      'MemberJoined', 'CommunityChanged', 'RoleChanged', 'OfferPublished', 'NeedPublished', 'PostPublished',
      'TransferCommitted', 'TransferRejected', 'MemberRemoved',
    ]));

    // Then an event of the stranger's own: by the time it arrives, the group's would have.
    const own = await ownGroup(f.outsider);
    await stranger.event('MemberJoined', own);
    expect(heardOf(stranger, f.code)).toEqual([]);

    // Resuming from before all of it replays the stranger's own event, and still none of the group's.
    const earliest = Math.min(...told.map((event) => event.seq));
    const resumed = await listen(f.outsider, { since: earliest - 1 });
    expect(resumed.events().map((event) => event.group)).toContain(own);
    expect(heardOf(resumed, f.code)).toEqual([]);

    // So does a `resume` message on a connection authenticated in its first message.
    const late = await EventsClient.connect(api.server.url, await api.token(f.outsider), { inMessage: true });
    sockets.push(late);
    await late.next((m) => m.type === 'ready');
    late.socket.send(JSON.stringify({ type: 'resume', since: earliest - 1 }));
    await late.event('MemberJoined', own);
    expect(heardOf(late, f.code)).toEqual([]);
  });

  it('a connection that never authenticates hears nothing, and may not resume', async () => {
    const f = await api.fixture('open');
    const member = await listen(f.member);
    const anonymous = await EventsClient.connect(api.server.url, undefined);
    sockets.push(anonymous);
    const dave = await join(f.code);
    // The member's delivery shows the event was broadcast to every open connection.
    await heard(member, isEvent('MemberJoined', f.code, { userId: dave }));
    anonymous.socket.send(JSON.stringify({ type: 'resume', since: 0 }));
    expect((await anonymous.closed).code).toBe(4401);
    expect(anonymous.messages).toEqual([]);
  });

  it('a member removed, or who leaves, stops hearing the group on an open socket, and resuming replays nothing after', async () => {
    const f = await api.fixture('open', { members: 2 });
    const [bob, carol] = f.members as [string, string];
    const manager = await listen(f.manager);
    const bobSocket = await listen(bob);
    const carolSocket = await listen(carol);

    // While members, both hear the group.
    const dave = await join(f.code);
    const before = await heard(bobSocket, isEvent('MemberJoined', f.code, { userId: dave }));
    await heard(carolSocket, isEvent('MemberJoined', f.code, { userId: dave }));
    const accounts = await accountsOf(api.server, f.code, f.manager, [f.manager, dave]);

    // Bob is removed by the manager, Carol leaves: each is told of their own departure.
    expect((await api.delete(`/communities/${f.code}/users/${bob}`, f.manager)).status).toBe(204);
    const bobRemoved = await heard(bobSocket, isEvent('MemberRemoved', f.code, { userId: bob }));
    expect((await api.delete(`/communities/${f.code}/users/${carol}`, carol)).status).toBe(204);
    const carolLeft = await heard(carolSocket, isEvent('MemberRemoved', f.code, { userId: carol }));

    // The group goes on: the manager hears all of it.
    const afterwards = async () => {
      const joiner = await join(f.code);
      await heard(manager, isEvent('MemberJoined', f.code, { userId: joiner }));
      await changeCommunity(f, `changed ${joiner}`);
      await heard(manager, isEvent('CommunityChanged', f.code, { description: `changed ${joiner}` }));
      const offered = await offer(f.code, f.manager, { name: `Offer for ${joiner}` });
      await heard(manager, isEvent('OfferPublished', f.code, { id: offered }));
      const paid = await pay(api.server, f.code, f.manager, { payer: accounts[f.manager]!.code, payee: accounts[dave]!.code, amount: 1 });
      await heard(manager, isEvent('TransferCommitted', f.code, { id: paid.body.id }));
    };
    await afterwards();

    // Later events of their own arrive; nothing of the group came after their departure.
    const bobOwn = await ownGroup(bob);
    const carolOwn = await ownGroup(carol);
    await bobSocket.event('MemberJoined', bobOwn);
    await carolSocket.event('MemberJoined', carolOwn);
    expect(heardOf(bobSocket, f.code).filter((event) => event.seq > bobRemoved.seq)).toEqual([]);
    expect(heardOf(carolSocket, f.code).filter((event) => event.seq > carolLeft.seq)).toEqual([]);

    // Offline, more happens in the group; resuming from the last seq seen replays none of it.
    const lastSeen = Math.max(...bobSocket.events().map((event) => event.seq));
    bobSocket.close();
    await bobSocket.closed;
    await afterwards();
    const bobLater = await ownGroup(bob);
    const resumed = await listen(bob, { since: lastSeen });
    expect(resumed.events().map((event) => event.group)).toContain(bobLater);
    expect(heardOf(resumed, f.code)).toEqual([]);
    // Nor does claiming to have been away since before the removal.
    const pretending = await listen(bob, { since: before.seq - 1 });
    expect(pretending.events().map((event) => event.group)).toContain(bobLater);
    expect(heardOf(pretending, f.code).filter((event) => event.seq > bobRemoved.seq)).toEqual([]);
  });

  it('a payment request is told to its payer only, over WebSocket and webhooks, and no event names its recipients', async () => {
    const f = await api.fixture('open', { members: 2 });
    const [payer, requester] = f.members as [string, string];
    const accounts = await accountsOf(api.server, f.code, f.manager, [f.manager, payer, requester]);
    const payerSocket = await listen(payer);
    const others = [await listen(f.manager), await listen(requester)];
    const payerHook = await hook(payer, ['TransferPending'], [f.code]);
    const otherHooks = [
      await hook(f.manager, ['TransferPending', 'TransferCommitted'], [f.code]),
      await hook(requester, ['TransferPending', 'TransferCommitted'], [f.code]),
    ];

    await pay(api.server, f.code, requester, { payer: accounts[payer]!.code, payee: accounts[requester]!.code, amount: 3, kind: 'request' });
    const pending = (await payerSocket.event('TransferPending', f.code)).event!;
    expect(pending.data).toMatchObject({ amount: 3, kind: 'request' });
    // What every channel delivers is the event alone: who else it concerns is not told.
    expect(Object.keys(pending).sort()).toEqual(['data', 'group', 'id', 'name', 'seq', 'time']);
    expect(Object.keys(await payerHook.next(isEvent('TransferPending', f.code))).sort()).toEqual(['data', 'group', 'id', 'name', 'seq', 'time']);

    // A later payment of the group reaches the others; the request had not.
    const paid = await pay(api.server, f.code, f.manager, { payer: accounts[f.manager]!.code, payee: accounts[requester]!.code, amount: 5 });
    for (const socket of others) {
      await heard(socket, isEvent('TransferCommitted', f.code, { id: paid.body.id }));
      expect(socket.events().filter((event) => event.name === 'TransferPending')).toEqual([]);
    }
    for (const other of otherHooks) {
      await other.next(isEvent('TransferCommitted', f.code, { id: paid.body.id }));
      expect(other.delivered().map((event) => event.name)).toEqual(['TransferCommitted']);
    }
  });

  it('a private offer or need is told to its author only, not to the manager, the members or their webhooks', async () => {
    const f = await api.fixture('open', { members: 2 });
    const [bob, carol] = f.members as [string, string];
    const bobSocket = await listen(bob);
    const carolSocket = await listen(carol);
    const managerSocket = await listen(f.manager);
    const strangerSocket = await listen(f.outsider);
    const bobHook = await hook(bob, ['OfferPublished', 'NeedPublished'], [f.code]);
    const otherHooks = [await hook(f.manager, ['OfferPublished', 'NeedPublished'], [f.code]), await hook(carol, ['OfferPublished'], [f.code])];

    const secretOffer = await offer(f.code, bob, { name: 'Secret recipe', access: 'private' });
    const need = await api.post(`/communities/${f.code}/needs`, carol, { content: 'Something personal', access: 'private' });
    expect(need.status).toBe(201);
    const secretNeed = need.body.id as string;
    expect((await heard(bobSocket, isEvent('OfferPublished', f.code, { id: secretOffer }))).data)
      .toMatchObject({ access: 'private', author: bob });
    await bobHook.next(isEvent('OfferPublished', f.code, { id: secretOffer }));
    await heard(carolSocket, isEvent('NeedPublished', f.code, { id: secretNeed }));

    // Then an offer for the group: everyone who may hear of it does, and of nothing private before it.
    const open = await offer(f.code, bob, { name: 'Rye bread' });
    const published = (event: Delivered) => event.name === 'OfferPublished' || event.name === 'NeedPublished';
    for (const socket of [bobSocket, carolSocket, managerSocket]) {
      await heard(socket, isEvent('OfferPublished', f.code, { id: open }));
    }
    expect(heardOf(managerSocket, f.code).filter(published).map((event) => event.data.id)).toEqual([open]);
    expect(heardOf(carolSocket, f.code).filter(published).map((event) => event.data.id)).toEqual([secretNeed, open]);
    expect(heardOf(bobSocket, f.code).filter(published).map((event) => event.data.id)).toEqual([secretOffer, open]);
    await bobHook.next(isEvent('OfferPublished', f.code, { id: open }));
    expect(bobHook.delivered().map((event) => event.data.id)).toEqual([secretOffer, open]);
    for (const other of otherHooks) {
      await other.next(isEvent('OfferPublished', f.code, { id: open }));
      expect(other.delivered().map((event) => event.data.id)).toEqual([open]);
    }
    // The stranger, told of their own group afterwards, heard of none of it.
    const own = await ownGroup(f.outsider);
    await strangerSocket.event('MemberJoined', own);
    expect(heardOf(strangerSocket, f.code)).toEqual([]);
  });

  it('an invitation and its decision are told to the invited user only, who hears nothing else of the group', async () => {
    const f = await api.fixture('open');
    const manager = await listen(f.manager);
    const member = await listen(f.member);
    const hooks = [
      await hook(f.manager, ['InvitationReceived', 'RegistrationDecided', 'MemberJoined'], [f.code]),
      await hook(f.member, ['InvitationReceived', 'RegistrationDecided', 'MemberJoined'], [f.code]),
    ];
    const invitee = uniqueUser('invitee');
    const inviteeSocket = await listen(invitee);

    const invitation = await api.pending(f, 'invitation', invitee);
    await heard(inviteeSocket, isEvent('InvitationReceived', f.code, { userId: invitee }));
    // Invited is not a member: the group's life goes on without them…
    await changeCommunity(f, 'while you think about it');
    await manager.event('CommunityChanged', f.code);
    const declined = await api.put(`/communities/${f.code}/user-registrations/${invitation.id}`, invitee, { approvedByUser: false });
    expect(declined.status).toBe(200);
    // …and the decision, theirs alone, arrives after it: it had not been told.
    await inviteeSocket.event('RegistrationDecided', f.code);
    expect(heardOf(inviteeSocket, f.code).map((event) => event.name)).toEqual(['InvitationReceived', 'RegistrationDecided']);

    // A later join reaches the members and their webhooks, who had heard of neither.
    const dave = await join(f.code);
    for (const socket of [manager, member]) {
      await heard(socket, isEvent('MemberJoined', f.code, { userId: dave }));
      expect(socket.events().filter((event) => event.name === 'InvitationReceived' || event.name === 'RegistrationDecided')).toEqual([]);
    }
    for (const other of hooks) {
      await other.next(isEvent('MemberJoined', f.code, { userId: dave }));
      expect(other.delivered().map((event) => event.name)).toEqual(['MemberJoined']);
    }
  });
});

describe('subscriptions', () => {
  it('a webhook stops delivering the group once its owner leaves, and still tells them what names them', async () => {
    const f = await api.fixture('open', { members: 2 });
    const [bob, carol] = f.members as [string, string];
    const accounts = await accountsOf(api.server, f.code, f.manager, [f.manager, carol]);
    const carolSocket = await listen(carol);
    const everything = ['MemberJoined', 'MemberRemoved', 'CommunityChanged', 'OfferPublished', 'TransferCommitted', 'InvitationReceived'];
    const bobHook = await hook(bob, everything, [f.code]);

    const dave = await join(f.code);
    await bobHook.next(isEvent('MemberJoined', f.code, { userId: dave }));
    expect((await api.delete(`/communities/${f.code}/users/${bob}`, bob)).status).toBe(204);
    const left = await bobHook.next(isEvent('MemberRemoved', f.code, { userId: bob }));

    // The group goes on; Carol hears all of it.
    const erin = await join(f.code);
    await heard(carolSocket, isEvent('MemberJoined', f.code, { userId: erin }));
    await changeCommunity(f, 'without bob');
    await carolSocket.event('CommunityChanged', f.code);
    const offered = await offer(f.code, carol, { name: 'Jam' });
    await heard(carolSocket, isEvent('OfferPublished', f.code, { id: offered }));
    await pay(api.server, f.code, f.manager, { payer: accounts[f.manager]!.code, payee: accounts[carol]!.code, amount: 2 });
    await carolSocket.event('TransferCommitted', f.code);

    // An invitation back names Bob: it is delivered, and nothing of the group before it was.
    await api.pending(f, 'invitation', bob);
    await bobHook.next(isEvent('InvitationReceived', f.code, { userId: bob }));
    expect(bobHook.delivered().filter((event) => event.seq > left.seq).map((event) => event.name)).toEqual(['InvitationReceived']);
    // Nor may he subscribe to the group again.
    expectError(await api.post('/subscriptions', bob, { url: `${receiver.url}/again`, events: everything, groups: [f.code] }), 403, 'Forbidden');
  });

  it('a webhook cannot be made for a group one is not in, nor for someone else, nor anonymously', async () => {
    const f = await api.fixture('closed');
    const other = await api.fixture('open');
    const url = `${receiver.url}/never`;
    const body = (groups: string[], extra: Record<string, unknown> = {}) => ({ url, events: ['MemberJoined', 'TransferPending'], groups, ...extra });

    expectError(await api.post('/subscriptions', f.outsider, body([f.code])), 403, 'Forbidden');
    // One foreign group among one's own refuses the whole subscription.
    expectError(await api.post('/subscriptions', f.member, body([f.code, other.code])), 403, 'Forbidden');
    expectError(await api.post('/subscriptions', f.member, body(['no-such-group'])), 403, 'Forbidden');
    // A pending join request or invitation is not membership.
    const applicant = (await api.pending(f, 'request')).user;
    expectError(await api.post('/subscriptions', applicant, body([f.code])), 403, 'Forbidden');
    const invitee = (await api.pending(f, 'invitation')).user;
    expectError(await api.post('/subscriptions', invitee, body([f.code])), 403, 'Forbidden');
    // On someone else's behalf: an owner is never taken from the body.
    for (const extra of [{ owner: f.manager }, { user: f.manager }, { userId: f.manager }]) {
      expectError(await api.post('/subscriptions', f.outsider, body([f.code], extra)), 400, 'ValidationFailed');
      expectError(await api.post('/subscriptions', f.member, body([f.code], extra)), 400, 'ValidationFailed');
    }
    expectError(await api.post('/subscriptions', null, body([f.code])), 401, 'Unauthorized');
    // The server admin may do anything to a group but is no member: nothing would be delivered.
    expectError(await api.post('/subscriptions', ADMIN_ACTOR, body([f.code])), 403, 'Forbidden');
    for (const user of [f.outsider, f.member, applicant, invitee]) {
      expect((await api.get('/subscriptions', user)).body).toEqual({ subscriptions: [] });
    }

    // Someone else's subscription can be neither listed nor removed.
    const mine = await api.post('/subscriptions', f.manager, body([f.code]));
    expect(mine.status).toBe(201);
    expect(mine.body.owner).toBe(f.manager);
    expect((await api.get('/subscriptions', f.member)).body).toEqual({ subscriptions: [] });
    expectError(await api.delete(`/subscriptions/${mine.body.id}`, f.member), 404, 'NotFound');
    expect((await api.get('/subscriptions', f.manager)).body.subscriptions.map((s: { id: string }) => s.id)).toEqual([mine.body.id]);
  });

  it('a Web Push device cannot be registered or set up for someone else, nor anonymously', async () => {
    const bob = uniqueUser('bob');
    const mallory = uniqueUser('mallory');
    const bobDevice = await device(bob, ['InvitationReceived']);
    const subscription = { endpoint: `${receiver.url}/push/${uniqueUser('device')}`, keys: { p256dh: 'BPp', auth: 'secret' } };

    for (const extra of [{ owner: bob }, { user: bob }, { userId: bob }, { groups: ['somewhere'] }]) {
      expectError(await api.post('/push/subscriptions', mallory, { ...subscription, ...extra }), 400, 'ValidationFailed');
    }
    expectError(await api.post('/push/subscriptions', null, subscription), 401, 'Unauthorized');
    expectError(await api.get(`/users/${bob}/notification-settings`, mallory), 403, 'Forbidden');
    expectError(await api.put(`/users/${bob}/notification-settings`, mallory, { pushEvents: eventNames }), 403, 'Forbidden');
    expect((await api.get('/users/me/notification-settings', bob)).body).toEqual({ pushEvents: ['InvitationReceived'] });
    expect((await api.get('/push/subscriptions', mallory)).body).toEqual({ devices: [] });
    expectError(await api.delete(`/push/subscriptions/${bobDevice.id}`, mallory), 404, 'NotFound');
    expect((await api.get('/push/subscriptions', bob)).body.devices.map((d: { id: string }) => d.id)).toEqual([bobDevice.id]);
  });

  it('a device asking for every event is pushed nothing of a group its user is not in', async () => {
    const f = await api.fixture('open');
    const accounts = await accountsOf(api.server, f.code, f.manager, [f.manager, f.member]);
    const strangerDevice = await device(f.outsider, eventNames);
    const memberDevice = await device(f.member, eventNames);

    const dave = await join(f.code);
    await changeCommunity(f, 'pushy');
    await offer(f.code, f.member, { name: 'Plums' });
    await pay(api.server, f.code, f.manager, { payer: accounts[f.manager]!.code, payee: accounts[f.member]!.code, amount: 4 });
    await pay(api.server, f.code, f.member, { payer: accounts[f.manager]!.code, payee: accounts[f.member]!.code, amount: 1, kind: 'request' });
    // What names the member reaches the member's device (a push is for what concerns its user).
    await memberDevice.next(isEvent('TransferCommitted', f.code));
    expect(memberDevice.pushed().some(isEvent('MemberJoined', f.code, { userId: dave }))).toBe(false);

    // An invitation names the stranger: it is pushed after everything above was, and alone.
    await api.pending(f, 'invitation', f.outsider);
    await strangerDevice.next(isEvent('InvitationReceived', f.code, { userId: f.outsider }));
    expect(strangerDevice.pushed().map((event) => event.name)).toEqual(['InvitationReceived']);
  });
});
