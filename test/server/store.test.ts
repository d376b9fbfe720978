import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { offer, remote } from '../support/pouch.js';
import { docArrives } from '../support/wait.js';

const MAX_OPEN = 4;

describe('open databases are bounded', () => {
  let server: MutualProcess;
  beforeAll(async () => {
    server = await startMutual({ env: { MUTUAL_MAX_OPEN_DATABASES: String(MAX_OPEN) } });
  });
  afterAll(() => server.stop());

  it('closes the least recently used, reopens on demand, and never closes one a live feed holds', async () => {
    const token = await server.token('alice');
    const codes: string[] = [];
    for (let i = 0; i < 8; i += 1) codes.push(await createGroup(server, 'alice'));
    const watched = `${server.dbUrl}/group-${codes[0]}`;
    await docArrives(remote(watched, token), 'currency:group'); // the ledger's first writes, before the feed
    const feed = request(`${watched}/_changes?feed=longpoll&since=now&timeout=20000`, { token });

    for (let round = 0; round < 3; round += 1) {
      for (const code of codes.slice(1)) {
        const written = await request(`${server.dbUrl}/group-${code}/offer:r${round}`, { method: 'PUT', token, body: offer(`r${round}`, 'alice') });
        expect(written.status).toBe(201);
      }
    }
    const health = await request(`${server.url}/health`);
    const { open, pinned } = health.body.databases;
    expect(open - pinned).toBeLessThanOrEqual(MAX_OPEN + 1); // + the one the feed holds

    await request(`${watched}/offer:seen`, { method: 'PUT', token, body: offer('seen', 'alice') });
    expect((await feed).body.results.map((c: any) => c.id)).toEqual(['offer:seen']);
    for (const code of codes) {
      const docs = await request(`${server.dbUrl}/group-${code}/_all_docs`, { token });
      expect(docs.status).toBe(200);
    }
  });

  it('serves a database created or deleted a moment ago as it now is (the remembered list of databases follows)', async () => {
    const admin = { authorization: server.adminAuthorization };
    for (let i = 0; i < 3; i += 1) {
      const name = `${server.dbUrl}/scratch-${i}`;
      // Asked before and after each change: a listing remembered from before would answer wrongly.
      expect((await request(name, admin)).status).toBe(404);
      expect((await request(name, { method: 'PUT', ...admin })).status).toBe(201);
      expect((await request(name, admin)).body.db_name).toBe(`scratch-${i}`);
      expect((await request(`${name}/_all_docs`, admin)).status).toBe(200);
      expect((await request(`${server.dbUrl}/_all_dbs`, admin)).body).toContain(`scratch-${i}`);
      expect((await request(name, { method: 'DELETE', ...admin })).status).toBe(200);
      expect((await request(`${name}/_all_docs`, admin)).status).toBe(404);
      expect((await request(`${server.dbUrl}/_all_dbs`, admin)).body).not.toContain(`scratch-${i}`);
    }
  });
});

describe('the rules are installed again at start', () => {
  it('restores a replaced design document and enforces the rules again', async () => {
    const first = await startMutual();
    const code = await createGroup(first, 'alice');
    const db = `${first.dbUrl}/group-${code}`;
    const rules = await request(`${db}/_design/mutual`, { token: await first.token('alice') });
    const replaced = await request(`${db}/_design/mutual`, {
      method: 'PUT', authorization: first.adminAuthorization,
      body: { _rev: rules.body._rev, validate_doc_update: 'function () {}', mutual: { rulesHash: 'old' } },
    });
    expect(replaced.status).toBe(201);
    // With no rules, anything goes: the operator broke it.
    const anything = await request(`${db}/whatever`, { method: 'PUT', token: await first.token('alice'), body: { any: 'thing' } });
    expect(anything.status).toBe(201);
    await first.stop();

    const second = await startMutual({ dataDir: first.dataDir });
    try {
      expect(second.logs.find((entry) => entry.msg === 'database rules checked')).toMatchObject({ groups: 1, upgraded: 1 });
      const refused = await request(`${second.dbUrl}/group-${code}/whatever2`, { method: 'PUT', token: await second.token('alice'), body: { any: 'thing' } });
      expect(refused.status).toBe(403);
    } finally {
      await second.stop();
    }
  });
});
