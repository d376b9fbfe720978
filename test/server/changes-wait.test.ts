import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectValidation } from '../support/communities.js';
import { createGroup } from '../support/group.js';
import { request } from '../support/http.js';
import { startMutual, type MutualProcess } from '../support/mutual-process.js';
import { writeOffer } from '../support/pouch.js';
import { eventually } from '../support/wait.js';

/** Few open databases, so that a lease a wait failed to release shows in /health. */
const MAX_OPEN = 4;

let server: MutualProcess;
let alice: string;
let groups: string[];
let foreign: string;

beforeAll(async () => {
  server = await startMutual({ env: { MUTUAL_MAX_OPEN_DATABASES: String(MAX_OPEN) } });
  alice = await server.token('alice');
  groups = [];
  for (let i = 0; i < 6; i++) groups.push(`group-${await createGroup(server, 'alice', ['bob'])}`);
  foreign = `group-${await createGroup(server, 'carol')}`;
});
afterAll(() => server.stop());

const wait = (body: unknown, options: { token?: string; authorization?: string } = {}) =>
  request(`${server.url}/api/v1/changes/wait`, { method: 'POST', token: options.token ?? alice, body, ...(options.authorization && { authorization: options.authorization }) });

async function updateSeq(dbName: string): Promise<number> {
  const info = await request(`${server.dbUrl}/${dbName}`, { authorization: server.adminAuthorization });
  expect(info.status).toBe(200);
  return info.body.update_seq;
}

async function sinceNow(dbNames: string[]): Promise<Record<string, number>> {
  return Object.fromEntries(await Promise.all(dbNames.map(async (dbName) => [dbName, await updateSeq(dbName)] as const)));
}

/** Alice's offer `id` written into one of her groups' databases (`group-<code>`). */
const write = (dbName: string, id: string) => writeOffer(server, dbName.slice('group-'.length), id, 'alice');

/**
 * Lets a wait get to the server and start waiting, so that what follows wakes a waiting request
 * (one that comes after the write answers at once: another test). Nothing shows from outside
 * that it waits, its answer being the first thing it sends: a pause.
 */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('POST /api/v1/changes/wait', () => {
  it('answers a write in one of several databases with that database and its new update_seq', async () => {
    const since = await sinceNow(groups);
    // Its timeout past the test's own: only the write can answer it (a timeout names nothing).
    const pending = wait({ since, timeout: 60_000 });
    await pause(200);
    await write(groups[3]!, 'one-of-six');
    const answer = await pending;
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ changed: { [groups[3]!]: await updateSeq(groups[3]!) }, refused: {} });
  });

  it('answers at once with every database already past its sequence', async () => {
    const since = await sinceNow(groups);
    await write(groups[0]!, 'before-1');
    await write(groups[5]!, 'before-2');
    const answer = await wait({ since, timeout: 10_000 });
    expect(answer.body).toEqual({
      changed: { [groups[0]!]: await updateSeq(groups[0]!), [groups[5]!]: await updateSeq(groups[5]!) },
      refused: {},
    });
  });

  it('answers with nothing changed when its timeout passes', async () => {
    const started = Date.now();
    const answer = await wait({ since: await sinceNow(groups), timeout: 300 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ changed: {}, refused: {} });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('reports databases the caller may not read, or that do not exist, and still watches the others', async () => {
    const mine = groups[1]!;
    const answer = await wait({ since: { [mine]: 0, [foreign]: 0, 'group-nothing-here': 0, 'mutual-memberships': 0 } });
    expect(answer.body).toEqual({
      changed: { [mine]: await updateSeq(mine) },
      refused: { [foreign]: 'Forbidden', 'group-nothing-here': 'Forbidden', 'mutual-memberships': 'Forbidden' },
    });
    // The server admin may read any database: one that does not exist is NotFound.
    const admin = await wait({ since: { 'group-nothing-here': 0, [mine]: 0 } }, { authorization: server.adminAuthorization });
    expect(admin.body).toEqual({ changed: { [mine]: await updateSeq(mine) }, refused: { 'group-nothing-here': 'NotFound' } });
  });

  it('answers at once, with the group refused, when the member is removed while waiting', async () => {
    const code = await createGroup(server, 'carol', ['dave']);
    const stays = `group-${await createGroup(server, 'carol', ['dave'])}`;
    const dave = await server.token('dave');
    const dbName = `group-${code}`;
    // Beyond the sequence of the removal's own write (the member document's tombstone), so
    // that only the cut-off can answer.
    const beyond = (await updateSeq(dbName)) + 1_000;
    // Its timeout past the test's own: only the cut-off can answer it in time.
    const pending = wait({ since: { [dbName]: beyond, [stays]: await updateSeq(stays) }, timeout: 60_000 }, { token: dave });
    await pause(200);
    const removed = await request(`${server.url}/api/v1/communities/${code}/users/dave`, { method: 'DELETE', token: await server.token('carol') });
    expect(removed.status).toBe(204);
    expect((await pending).body).toEqual({ changed: {}, refused: { [dbName]: 'Forbidden' } });
    // Asked again, it is refused at once.
    expect((await wait({ since: { [dbName]: 0 } }, { token: dave })).body).toEqual({ changed: {}, refused: { [dbName]: 'Forbidden' } });
  });

  it('refuses anonymous callers with 401 and the error envelope', async () => {
    const answer = await request(`${server.url}/api/v1/changes/wait`, { method: 'POST', body: { since: { [groups[0]!]: 0 } } });
    expectError(answer, 401, 'Unauthorized');
  });

  it('refuses malformed bodies with 400', async () => {
    const one = { [groups[0]!]: 0 };
    expectValidation(await wait({}), 'body.since');
    expectValidation(await wait({ since: {} }), 'body.since');
    expectValidation(await wait({ since: { [groups[0]!]: -1 } }), 'body.since');
    expectValidation(await wait({ since: { [groups[0]!]: '5' } }), 'body.since');
    expectValidation(await wait({ since: { [groups[0]!]: 1.5 } }), 'body.since');
    expectValidation(await wait({ since: [groups[0]] }), 'body.since');
    expectValidation(await wait({ since: one, timeout: 60_001 }), 'body.timeout');
    expectValidation(await wait({ since: one, timeout: -1 }), 'body.timeout');
    expectValidation(await wait({ since: one, feed: 'longpoll' }), 'body');
    const many = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`group-many-${i}`, 0]));
    expectValidation(await wait({ since: many }), 'body.since');
    const notJson = await request(`${server.url}/api/v1/changes/wait`, {
      method: 'POST', token: alice, rawBody: '{"since":', headers: { 'content-type': 'application/json' },
    });
    expectError(notJson, 400, 'BadRequest');
  });

  it('lets go of every database when clients go away, and keeps answering', async () => {
    const since = await sinceNow(groups);
    const aborted = Array.from({ length: 60 }, async (_, i) => {
      const abort = new AbortController();
      const pending = fetch(`${server.url}/api/v1/changes/wait`, {
        method: 'POST', signal: abort.signal,
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: JSON.stringify({ since }),
      }).catch(() => undefined);
      await pause(50 + (i % 5) * 20); // gone at varying moments of its wait: not a wait for anything
      abort.abort();
      await pending;
    });
    await Promise.all(aborted);

    // Nothing holds the databases any more: the pool closes them down to its bound.
    const closable = async () => {
      const { body } = await request(`${server.url}/health`);
      return body.databases.open - body.databases.pinned;
    };
    await eventually(async () => expect(await closable()).toBeLessThanOrEqual(MAX_OPEN), 3_000);

    const pending = wait({ since, timeout: 10_000 });
    await pause(200);
    await write(groups[2]!, 'after-aborts');
    expect((await pending).body).toEqual({ changed: { [groups[2]!]: await updateSeq(groups[2]!) }, refused: {} });
    expect(server.logs.filter((entry) => Number(entry.level) >= 50)).toEqual([]);
  });
});
