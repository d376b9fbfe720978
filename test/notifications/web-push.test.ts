import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { pushDevice } from '../support/push-device.js';
import { Receiver } from '../support/receiver.js';
import { eventually } from '../support/wait.js';

let server: MutualProcess;
let pushService: Receiver;
beforeAll(async () => {
  server = await startMutual();
  pushService = await Receiver.start();
});
afterAll(async () => {
  await server.stop();
  await pushService.close();
});

/** A browser's push subscription, with an endpoint at the local push service. */
const device = (name: string) => pushDevice(`${pushService.url}/push/${name}`);

async function invite(manager: string, code: string, user: string) {
  const invited = await request(`${server.url}/api/v1/communities/${code}/user-registrations`, {
    method: 'POST', token: await server.token(manager), body: { userIds: [user] },
  });
  expect(invited.status).toBe(201);
}

describe('Web Push', () => {
  it('pushes an event that concerns the user, encrypted for their device and signed with VAPID', async () => {
    const phone = device('bob-phone');
    const bob = await server.token('bob');
    const key = await request(`${server.url}/api/v1/push/public-key`, { token: bob });
    expect(key.body.publicKey).toMatch(/^[A-Za-z0-9_-]{80,}$/);
    const registered = await request(`${server.url}/api/v1/push/subscriptions`, { method: 'POST', token: bob, body: phone.subscription });
    expect(registered.status).toBe(201);
    const code = await createGroup(server, 'alice');
    const before = pushService.received.length;
    await invite('alice', code, 'bob');
    const [message] = (await pushService.count(before + 1)).slice(before);
    expect(message!.path).toBe('/push/bob-phone');
    expect(message!.headers['content-encoding']).toBe('aes128gcm');
    expect(message!.headers.authorization).toMatch(new RegExp(`^vapid t=.+, k=${key.body.publicKey}$`));
    expect(phone.decrypt(message!.body)).toMatchObject({ name: 'InvitationReceived', group: code, data: { userId: 'bob', kind: 'invitation' } });
  });

  it('follows the user’s settings: events they chose, none in quiet hours', async () => {
    const tablet = device('carol-tablet');
    const carol = await server.token('carol');
    await request(`${server.url}/api/v1/push/subscriptions`, { method: 'POST', token: carol, body: tablet.subscription });
    const code = await createGroup(server, 'alice');
    // Quiet from an hour ago to an hour from now (UTC; a window across midnight is allowed).
    const hhmm = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString().slice(11, 16);
    const now = { start: hhmm(-3_600_000), end: hhmm(3_600_000), timeZone: 'UTC' };
    const quiet = await request(`${server.url}/api/v1/users/me/notification-settings`, {
      method: 'PUT', token: carol, body: { pushEvents: ['InvitationReceived'], quietHours: now },
    });
    expect(quiet.status).toBe(200);
    const before = pushService.received.length;
    await invite('alice', code, 'carol');
    // Then a push that is allowed: its arrival shows the one before was not sent.
    await request(`${server.url}/api/v1/users/me/notification-settings`, { method: 'PUT', token: carol, body: { pushEvents: ['RegistrationDecided'] } });
    const mine = await request(`${server.url}/api/v1/users/me/registrations`, { token: carol });
    const registration = mine.body.registrations.find((r: any) => r.community === code);
    await request(`${server.url}/api/v1/communities/${code}/user-registrations/${registration.id}`, {
      method: 'PUT', token: carol, body: { approvedByUser: false },
    });
    const received = (await pushService.count(before + 1)).slice(before).filter((r) => r.path === '/push/carol-tablet');
    expect(received.map((r) => tablet.decrypt(r.body).name)).toEqual(['RegistrationDecided']);
    const settings = await request(`${server.url}/api/v1/users/me/notification-settings`, { token: carol });
    expect(settings.body).toEqual({ pushEvents: ['RegistrationDecided'] });
  });

  it('forgets a device the push service no longer knows (410)', async () => {
    const old = device('dave-old');
    const dave = await server.token('dave');
    await request(`${server.url}/api/v1/push/subscriptions`, { method: 'POST', token: dave, body: old.subscription });
    const code = await createGroup(server, 'alice');
    const before = pushService.received.length;
    pushService.answers.push(410);
    await invite('alice', code, 'dave');
    await pushService.count(before + 1);
    // Forgotten once the 410 is answered; only the list shows it, so it is asked until then.
    await eventually(async () => {
      const devices = (await request(`${server.url}/api/v1/push/subscriptions`, { token: dave })).body.devices;
      expect(devices).toEqual([]);
    });
  });

  it('refuses bad subscriptions and settings with 400, and another user’s settings with 403', async () => {
    const erin = await server.token('erin');
    const badEndpoint = await request(`${server.url}/api/v1/push/subscriptions`, { method: 'POST', token: erin, body: { endpoint: 'javascript:alert(1)', keys: { p256dh: 'x', auth: 'y' } } });
    expect(badEndpoint.status).toBe(400);
    const badZone = await request(`${server.url}/api/v1/users/me/notification-settings`, { method: 'PUT', token: erin, body: { pushEvents: [], quietHours: { start: '22:00', end: '07:00', timeZone: 'Mars/Olympus' } } });
    expect(badZone.status).toBe(400);
    expect(badZone.body.error.details.map((d: any) => d.path)).toContain('body.quietHours.timeZone');
    const other = await request(`${server.url}/api/v1/users/frank/notification-settings`, { token: erin });
    expect(other.status).toBe(403);
  });
});
