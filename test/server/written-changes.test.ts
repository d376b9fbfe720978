import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '@mutual/server';
import type { Change } from '@mutual/server/dist/core/store/change-reactions.js';
import { openStore, type Store } from '@mutual/server/dist/core/store/open-store.js';
import type { Database } from '@mutual/server/dist/core/store/pouchdb.js';
import { tempDir } from '../support/mutual-process.js';
import { offer } from '../support/pouch.js';

/**
 * White-box, over a real store (PouchDB on LevelDB, the rules installed): the changes the
 * reactions are handed without reading `_changes` must be exactly what `_changes` gives, in
 * sequence order, each seen once, whatever mix of creations, updates, refusals, replicated
 * (new_edits=false) and concurrent writes made them.
 */

const log = createLogger('silent');
const group = 'written-group';
const dbName = `group-${group}`;
const alice = { name: 'alice', roles: [`member:${group}`] };

let store: Store;
let db: Database;
let heard: Change[];
/** `_changes` reads of the group database, counted while `counting` is on. */
let reads: number;
let release: () => void;

beforeEach(async () => {
  store = await openStore(await tempDir('mutual-written-'), 50, log);
  await store.ensureRulesDatabase(dbName);
  heard = [];
  store.reactions.register({
    name: 'recorder',
    appliesTo: (name) => name === dbName,
    react: async (_name, _db, changes) => void heard.push(...changes),
  });
  await store.reactions.catchUp([dbName]);
  ({ db, release } = await store.pool.lease(dbName));
  const changes = db.changes.bind(db);
  reads = 0;
  (db as { changes: unknown }).changes = (options: object) => {
    reads += 1;
    return changes(options as never);
  };
  heard.length = 0;
});
afterEach(async () => {
  release();
  await store.reactions.stop();
  await store.close();
});

const since = async () => Number((await db.info()).update_seq);

/** What `_changes` gives after `from`, in the reactions' style: every change of every document. */
async function changesAfter(from: number): Promise<Change[]> {
  const answer = await db.changes({ since: from, include_docs: true, style: 'all_docs' });
  return answer.results as Change[];
}

/** The reactions heard exactly the changes `_changes` lists after `from`. */
async function expectHeardAsRead(from: number): Promise<void> {
  await store.reactions.idle();
  const read = await changesAfter(from);
  expect(heard.map((change) => change.seq)).toEqual(read.map((change) => change.seq));
  expect(heard).toEqual(read);
}

const replicated = (id: string, hash: string, doc = offer(id, 'alice')) => ({ ...doc, _rev: `1-${hash}`, _revisions: { start: 1, ids: [hash] } });

describe('changes handed to the reactions from the writes', () => {
  it('are the created documents as _changes gives them, without reading _changes', async () => {
    const from = await since();
    const rows = await db.bulkDocs([offer('b', 'alice'), offer('a', 'alice'), offer('c', 'mallory')] as never, { userCtx: alice } as never);
    expect(rows.map((row) => ('ok' in row ? 'ok' : (row as { name?: string }).name))).toEqual(['ok', 'ok', 'forbidden']);
    await db.put(offer('d', 'alice') as never, { userCtx: alice } as never);
    await expectHeardAsRead(from);
    expect(heard.map((change) => change.id)).toEqual(['offer:b', 'offer:a', 'offer:d']);
    expect(reads).toBe(1); // the check above
  });

  it('are numbered in the order PouchDB writes replicated documents (sorted by id)', async () => {
    const from = await since();
    const docs = [replicated('zeta', 'aaa1'), replicated('alpha', 'bbb2'), replicated('mid', 'ccc3')];
    expect(await db.bulkDocs(docs as never, { new_edits: false, userCtx: alice } as never)).toEqual([]);
    await expectHeardAsRead(from);
    expect(heard.map((change) => change.id)).toEqual(['offer:alpha', 'offer:mid', 'offer:zeta']);
    expect(heard.every((change) => !('_revisions' in (change.doc ?? {})))).toBe(true);
    expect(reads).toBe(1);
  });

  it('are read from _changes after an update, a deletion or a second branch, and still each seen once in order', async () => {
    const from = await since();
    const edited = offer('edited', 'alice');
    const created = await db.put(edited as never, { userCtx: alice } as never);
    await db.put({ ...edited, name: 'Edited', _rev: created.rev } as never, { userCtx: alice } as never);
    const gone = offer('gone', 'alice');
    const put = await db.put(gone as never, { userCtx: alice } as never);
    await db.put({ ...gone, _rev: put.rev, _deleted: true } as never, { userCtx: alice } as never);
    const branched = offer('branched', 'alice');
    for (const hash of ['ddd4', 'eee5'])
      expect(await db.bulkDocs([replicated('branched', hash, branched)] as never, { new_edits: false, userCtx: alice } as never)).toEqual([]);
    await db.put(offer('after', 'alice') as never, { userCtx: alice } as never);
    await store.reactions.idle();
    expect(reads).toBeGreaterThan(0);
    // Held changes and read ones together: each document's latest state, in sequence order.
    const latest = new Map(heard.map((change) => [change.id, change]));
    expect([...latest.values()].sort((a, b) => Number(a.seq) - Number(b.seq))).toEqual(await changesAfter(from));
    const seqs = heard.map((change) => Number(change.seq));
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
    expect(latest.get('offer:branched')?.changes).toHaveLength(2);
  });

  it('are all heard once, in order, when many writes race', async () => {
    const from = await since();
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 4 === 3
      ? db.bulkDocs([replicated(`race-r${i}`, `f${i}`), replicated(`race-q${i}`, `e${i}`)] as never, { new_edits: false, userCtx: alice } as never)
      : db.bulkDocs([offer(`race-${i}`, 'alice'), offer(`race-${i}-x`, i % 4 === 2 ? 'mallory' : 'alice')] as never, { userCtx: alice } as never))));
    await expectHeardAsRead(from);
    expect(heard).toHaveLength(35);
  });
});
