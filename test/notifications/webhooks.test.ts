import { createRemoteJWKSet, compactVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { Receiver } from '../support/receiver.js';
import { eventually } from '../support/wait.js';

let server: MutualProcess;
let receiver: Receiver;
beforeAll(async () => {
  server = await startMutual({ env: { MUTUAL_WEBHOOK_RETRY_MS: '20', MUTUAL_WEBHOOK_MAX_ATTEMPTS: '3' } });
  receiver = await Receiver.start();
});
afterAll(async () => {
  await server.stop();
  await receiver.close();
});

async function subscribe(owner: string, body: Record<string, unknown>) {
  return request(`${server.url}/api/v1/subscriptions`, { method: 'POST', token: await server.token(owner), body });
}

async function join(code: string, user: string) {
  await request(`${server.url}/api/v1/communities/${code}/users`, { method: 'POST', token: await server.token(user), body: { userId: user } });
}

describe('webhook subscriptions', () => {
  it('deliver events as JWS signed with the server key, verifiable against its JWKS', async () => {
    const code = await createGroup(server, 'alice');
    const created = await subscribe('alice', { url: `${receiver.url}/hook`, events: ['MemberJoined'], groups: [code] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'active', events: ['MemberJoined'], groups: [code] });
    const before = receiver.received.length;
    await join(code, 'bob');
    const [delivery] = (await receiver.count(before + 1)).slice(before);
    expect(delivery!.headers['content-type']).toBe('application/jose');
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await compactVerify(delivery!.body.toString(), jwks);
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'mutual-event+jws' });
    const body = JSON.parse(new TextDecoder().decode(payload));
    expect(body).toMatchObject({ subscription: created.body.id, event: { name: 'MemberJoined', group: code, data: { userId: 'bob' } } });
    // Tampered content does not verify.
    const [header, , signature] = delivery!.body.toString().split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...body, event: { ...body.event, group: 'other' } })).toString('base64url')}.${signature}`;
    await expect(compactVerify(forged, jwks)).rejects.toThrow();
  });

  it('retry a failing receiver with backoff, then deliver', async () => {
    const code = await createGroup(server, 'carol');
    await subscribe('carol', { url: `${receiver.url}/retry`, events: ['MemberJoined'], groups: [code] });
    const before = receiver.received.length;
    receiver.answers.push(500, 503);
    await join(code, 'dave');
    const attempts = (await receiver.count(before + 3)).slice(before).filter((r) => r.path === '/retry');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['x-mutual-delivery'])).size).toBe(1);
    const listed = await request(`${server.url}/api/v1/subscriptions`, { token: await server.token('carol') });
    expect(listed.body.subscriptions[0]).toMatchObject({ status: 'active' });
  });

  it('disable a subscription whose receiver keeps failing, with the reason', async () => {
    const code = await createGroup(server, 'erin');
    const created = await subscribe('erin', { url: 'http://127.0.0.1:9/nothing-listens', events: ['MemberJoined'], groups: [code] });
    await join(code, 'frank');
    // Disabled after the last attempt fails; only the owner's list shows it, so it is asked until then.
    await eventually(async () => {
      const subscription = (await request(`${server.url}/api/v1/subscriptions`, { token: await server.token('erin') })).body.subscriptions
        .find((s: any) => s.id === created.body.id);
      expect(subscription).toMatchObject({ status: 'disabled', disabledReason: expect.stringContaining('3 attempts') });
    });
  });

  it('refuse groups the owner is not in (403), bad bodies (400), and others’ subscriptions (404)', async () => {
    const code = await createGroup(server, 'gina');
    const outsider = await subscribe('mallory', { url: `${receiver.url}/x`, events: ['MemberJoined'], groups: [code] });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.code).toBe('Forbidden');
    for (const body of [
      { url: 'ftp://example.org', events: ['MemberJoined'], groups: [code] },
      { url: `${receiver.url}/x`, events: ['NoSuchEvent'], groups: [code] },
      { url: `${receiver.url}/x`, events: [], groups: [code] },
    ]) {
      const bad = await subscribe('gina', body);
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('ValidationFailed');
    }
    const mine = await subscribe('gina', { url: `${receiver.url}/x`, events: ['MemberJoined'], groups: [code] });
    const theirs = await request(`${server.url}/api/v1/subscriptions/${mine.body.id}`, { method: 'DELETE', token: await server.token('mallory') });
    expect(theirs.status).toBe(404);
    const own = await request(`${server.url}/api/v1/subscriptions/${mine.body.id}`, { method: 'DELETE', token: await server.token('gina') });
    expect(own.status).toBe(204);
  });
});
