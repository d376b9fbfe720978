import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { expectError } from '../support/communities.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';

const APP = 'https://app.example.org';

describe('CORS for browser apps on other origins', () => {
  let server: MutualProcess;
  let db: string;
  let token: string;

  beforeAll(async () => {
    server = await startMutual({ env: { MUTUAL_CORS_ORIGINS: `${APP}, http://localhost:8100` } });
    db = `${server.dbUrl}/group-${await createGroup(server, 'alice')}`;
    token = await server.token('alice');
  });
  afterAll(() => server.stop());

  it('answers a preflight from an allowed origin without a token, allowing the bearer header', async () => {
    const preflight = await fetch(`${db}/_bulk_docs`, {
      method: 'OPTIONS',
      headers: { origin: APP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('names the allowed origin on real answers, errors included, and nothing for others', async () => {
    const read = await request(`${db}/_changes`, { token, headers: { origin: 'http://localhost:8100' } });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('http://localhost:8100');
    const refused = await request(`${server.url}/api/v1/communities/nowhere`, { headers: { origin: APP } });
    expectError(refused, 401, 'Unauthorized');
    expect(refused.headers.get('access-control-allow-origin')).toBe(APP);
    const stranger = await request(`${db}/_changes`, { token, headers: { origin: 'https://evil.example' } });
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    // Nor does its preflight allow it.
    const strangerPreflight = await fetch(`${db}/_bulk_docs`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(strangerPreflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('still needs the token: CORS opens no door the token did not', async () => {
    const anonymous = await request(`${db}/_all_docs`, { headers: { origin: APP } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error).toBe('unauthorized');
  });

  it('sends no CORS headers when no origin is configured', async () => {
    const plain = await startMutual();
    try {
      const preflight = await fetch(`${plain.url}/api/v1/groups`, {
        method: 'OPTIONS',
        headers: { origin: APP, 'access-control-request-method': 'GET' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.stop();
    }
  });
});
