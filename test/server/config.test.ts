import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { request } from '../support/http.js';
import { startMutual, tempDir } from '../support/mutual-process.js';

const BIN = fileURLToPath(new URL('../../server/bin/mutual.js', import.meta.url));

function mutual(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });
}

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ MUTUAL_ADMIN: 'no-colon' }, 'MUTUAL_ADMIN'],
    [{ OIDC_ISSUER: 'not a url' }, 'OIDC_ISSUER'],
    [{ MUTUAL_MAX_OPEN_DATABASES: '1' }, 'MUTUAL_MAX_OPEN_DATABASES'],
    [{ MUTUAL_CORS_ORIGINS: 'https://app.example.org/' }, 'MUTUAL_CORS_ORIGINS'],
    [{ MUTUAL_CORS_ORIGINS: 'app.example.org' }, 'MUTUAL_CORS_ORIGINS'],
    [{ MUTUAL_CORS_ORIGINS: ' , ' }, 'MUTUAL_CORS_ORIGINS'],
  ])('refuses %j with a message naming the setting', async (env, name) => {
    const result = mutual(['start'], { MUTUAL_DATA_DIR: await tempDir(), ...env });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toContain(name);
  });

  it('`mutual token` prints a token the server of that data folder accepts', async () => {
    const server = await startMutual();
    try {
      const result = mutual(['token', 'alice', '--data-dir', server.dataDir], {});
      expect(result.status).toBe(0);
      const token = result.stdout.trim();
      const session = await request(`${server.dbUrl}/_session`, { token });
      expect(session.body.userCtx.name).toBe('alice');
      // Another data folder has another key: its server refuses this token.
      const other = await startMutual();
      try {
        expect((await request(`${other.url}/api/v1/groups`, { token })).status).toBe(401);
      } finally {
        await other.stop();
      }
    } finally {
      await server.stop();
    }
  });

  it('`mutual token` refuses to run when an OpenID Provider is configured', async () => {
    const result = mutual(['token', 'alice'], { MUTUAL_DATA_DIR: await tempDir(), OIDC_ISSUER: 'https://id.example.org' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('OpenID Provider');
  });

  it('binds to 127.0.0.1 by default and logs the development mode', async () => {
    const server = await startMutual({ env: { HOST: '' } });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.logs.some((entry) => String(entry.msg).includes('DEVELOPMENT issuer'))).toBe(true);
    } finally {
      await server.stop();
    }
  });
});
