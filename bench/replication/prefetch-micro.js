// Micro-benchmark behind an observation of the replication benchmark: before each
// `_bulk_docs`, Mutual's validated writes read the current revision of every incoming
// document with `db.allDocs({ keys, include_docs: true })`. On PouchDB's LevelDB adapter that
// opens one LevelDB iterator per key (allDocsKeysQuery runs a one-key range query for each).
// This times that read for a batch of 100 ids, against other ways to read the same documents
// and against the write itself (`bulkDocs` with new_edits: false, as replication sends it).
//   node bench/replication/prefetch-micro.js [--batches N]
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import PouchDB from 'pouchdb';

const BATCHES = Number(process.argv[process.argv.indexOf('--batches') + 1]) || 100;
const BATCH = 100;
const EXISTING = 10_000;

const doc = (i) => {
  const time = new Date().toISOString();
  return { _id: `offer:${String(i).padStart(6, '0')}`, type: 'offer', schema: 1, createdAt: time, updatedAt: time, author: 'bench-member', name: `Offer ${i}`, content: `Fresh bread, loaf ${i}.` };
};

const ways = {
  'allDocs({keys, include_docs}) (what Mutual does)': (db, ids) => db.allDocs({ keys: ids, include_docs: true }),
  'Promise.all(ids.map(get)), misses caught': (db, ids) => Promise.all(ids.map((id) => db.get(id).catch(() => null))),
  'bulkGet({docs: ids})': (db, ids) => db.bulkGet({ docs: ids.map((id) => ({ id })) }),
};

async function time(label, fn) {
  const start = performance.now();
  for (let b = 0; b < BATCHES; b += 1) await fn(b);
  const ms = performance.now() - start;
  console.log(`  ${label.padEnd(52)} ${(ms / BATCHES).toFixed(2).padStart(7)} ms per batch of ${BATCH}`);
  return ms / BATCHES;
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'mutual-bench-micro-'));
try {
  const db = new PouchDB(path.join(dir, 'db'));
  for (let start = 0; start < EXISTING; start += 1_000)
    await db.bulkDocs(Array.from({ length: 1_000 }, (_, i) => doc(start + i)));
  console.log(`PouchDB ${PouchDB.version} on LevelDB, ${EXISTING} documents stored, ${BATCHES} batches of ${BATCH} ids each, node ${process.version}`);

  let next = EXISTING;
  const missing = () => Array.from({ length: BATCH }, () => doc((next += 1)));
  for (const [label, read] of Object.entries(ways)) {
    await time(`${label}, ids missing`, () => read(db, missing().map((d) => d._id)));
    await time(`${label}, ids present`, (b) => read(db, Array.from({ length: BATCH }, (_, i) => doc((b * BATCH + i) % EXISTING)._id)));
  }
  // The write that follows the read in a push: new documents with their revision history.
  await time('bulkDocs(new_edits: false), new docs (the write itself)', () =>
    db.bulkDocs(missing().map((d) => ({ ...d, _rev: '1-0123456789abcdef0123456789abcdef', _revisions: { start: 1, ids: ['0123456789abcdef0123456789abcdef'] } })), { new_edits: false }));
  await db.close();
} finally {
  await rm(dir, { recursive: true, force: true });
}
