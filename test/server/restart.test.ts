import { describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual } from '../support/mutual-process.js';
import { offer } from '../support/pouch.js';

describe('a restart of the server process', () => {
  it('keeps documents, memberships, the directory and the dev issuer’s key', async () => {
    const first = await startMutual();
    const code = await createGroup(first, 'alice', ['bob']);
    const bobToken = await first.token('bob');
    const written = await request(`${first.dbUrl}/group-${code}/offer:kept`, { method: 'PUT', token: bobToken, body: offer('kept', 'bob') });
    expect(written.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await startMutual({ dataDir: first.dataDir });
    try {
      // A token issued before the restart still verifies: the key pair is in the data folder.
      const kept = await request(`${second.dbUrl}/group-${code}/offer:kept`, { token: bobToken });
      expect(kept.status).toBe(200);
      expect(kept.body.name).toBe('Offer kept');
      const session = await request(`${second.dbUrl}/_session`, { token: bobToken });
      expect(session.body.userCtx.roles).toContain(`member:${code}`);
      const communities = await request(`${second.url}/api/v1/communities`, { token: bobToken });
      expect(communities.body.communities.map((c: any) => c.code)).toContain(code);
      // The rules were already current: nothing to upgrade.
      expect(second.logs.find((entry) => entry.msg === 'database rules checked')).toMatchObject({ groups: 1, upgraded: 0 });
      const forged = await request(`${second.dbUrl}/group-${code}/offer:forged`, { method: 'PUT', token: bobToken, body: offer('forged', 'alice') });
      expect(forged.status).toBe(403);
    } finally {
      await second.stop();
    }
  });
});
