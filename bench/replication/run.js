// Replication benchmark: Mutual against a plain express-pouchdb server.
//
// What it measures
//   A group database of DOCS (default 10,000) small, valid `offer` documents, replicated
//   one-shot with PouchDB 9 on LevelDB (a fresh local database in a temp folder each time):
//     PULL  `local.replicate.from(server)`, batch_size 100 (PouchDB's default) and 500, from a
//           server database seeded beforehand (untimed) through HTTP `_bulk_docs`, 500 a batch;
//     PUSH  `local.replicate.to(server)`, batch_size 100, into an empty server database, from
//           a local database filled beforehand (untimed).
//   Against two servers, each a separate child process started by this script:
//     Mutual  `node server/bin/mutual.js start` with auth and rules on: a member's bearer token
//             from the data folder's dev issuer, a fresh group (POST /api/v1/communities) per
//             measurement, every document checked by the group's validate_doc_update;
//     plain   express 4 + express-pouchdb 4.2.0 (`minimumForPouchDB`) over
//             PouchDB.defaults({ prefix }): no auth, no rules (plain-server.js).
//   Each measurement runs RUNS (default 3) times, Mutual and plain interleaved (the order
//   alternates per run), always into fresh databases on both sides; one untimed warm-up pull
//   and push of DOCS documents per server comes first (with --only, of that kind alone). The
//   table shows the median: docs/s counts the DOCS offers (Mutual's group also holds its rules
//   design document, settings, the member's membership document and whatever else the server
//   writes into a new group, which a pull carries on top) divided by the wall time of the
//   replicate() call. Before each timed call the script waits until the server process is
//   idle, so background work left by the set-up (e.g. Mutual's change reactions over the
//   seeded documents) is not timed; work a server does in the background *because of* the
//   replication being timed is, while replicate() runs. Below the table: each run's
//   Mutual/plain ratio; the server process's CPU time (user + system, all threads, from
//   /proc) during replicate(), which the client's own share of the wall time does not hide;
//   and after each push, how long the server stayed busy once replicate() had returned.
//   Targets: Mutual/plain >= 0.95 for pull, >= 0.8 for push.
//   The bench process (client, local LevelDB) and the server under test share the machine's
//   CPUs: on a 2-CPU machine expect a few percent of noise between runs.
//
// How to run
//   From the repository root: `npm run bench` (builds, then runs all three benchmarks), or
//   after a build:
//     node bench/replication/run.js [--docs N] [--runs N] [--only push|pull] [--profile[=push|pull]] [--profile-batch N]
//   --only runs the pull or the push measurements alone (quicker, when working on one of them).
//   --profile runs, after the table, one more Mutual and one more plain process under
//   `node --cpu-prof`, each doing one warm-up and three pushes (or pulls; batch_size 100 or
//   --profile-batch), and prints the CPU time of each and where it went (profile-summary.js);
//   the .cpuprofile files are kept in bench/replication/profiles/ (git-ignored).
//   Temp folders (under the OS temp dir, `mutual-bench-*`) and the child processes are
//   removed on exit, also after a failure or Ctrl-C.
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import PouchDB from 'pouchdb';
import { nowUs } from '../support/clock.js';
import { cpuProfFlags, keepCpuProfile } from '../support/cpu-profile.js';
import { expectAllWritten, expectStatus, http } from '../support/http.js';
import { startMutualChild } from '../support/mutual.js';
import { uniqueName } from '../support/names.js';
import { option } from '../support/options.js';
import { benchProcesses, cpuMsOf } from '../support/processes.js';
import { loadAverage, machine, median, table } from '../support/report.js';
import { settle } from '../support/settle.js';
import { formatSummary, summarizeProfile } from './profile-summary.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PLAIN_SERVER = path.join(HERE, 'plain-server.js');

const DOCS = Number(option('docs', 10_000));
const RUNS = Number(option('runs', 3));
const ONLY = option('only', false);
// A full-size warm-up: with 1,000 documents the first measured run was still ~20% slower.
const WARMUP_DOCS = DOCS;
const SEED_BATCH = 500;
const PROFILE = option('profile', false);
const PROFILE_KIND = PROFILE === 'pull' ? 'pull' : 'push';
const PROFILE_BATCH = Number(option('profile-batch', 100));
const MEMBER = 'bench-member';
const TARGETS = { pull: 0.95, push: 0.8 };
/**
 * Idle, before a timed call: under 4% of a CPU (20 ms of CPU in half a second), at most 60 s, so
 * that work a set-up step left running in the background (Mutual's change reactions over the
 * seeded documents, LevelDB compactions) is not charged to the measurement that follows.
 */
const IDLE = { idleCpuMs: 20, maxMs: 60_000 };

// Child processes and temp folders, removed on every way out (bench/support/processes.js).
const procs = benchProcesses('mutual-bench-');

// ---------------------------------------------------------------- child servers

/** Mutual with auth and rules: each fresh database is a new group of the benchmark's member. */
async function startMutual({ cpuProfDir } = {}) {
  const dataDir = await procs.tempDir(uniqueName('mutual-data-'));
  const { server, issuer } = await startMutualChild(procs, dataDir, { cpuProfDir });
  const token = await issuer.issueToken(MEMBER, { audience: 'mutual', expiresIn: '12h' });
  const headers = { authorization: `Bearer ${token}` };
  return {
    ...server,
    label: 'Mutual',
    async freshDb() {
      const code = uniqueName('bench-');
      expectStatus(await http(`${server.url}/api/v1/communities`, { method: 'POST', headers, body: { code, name: `Bench ${code}` } }), 201, 'Mutual: group not created');
      return { url: `${server.url}/db/group-${code}`, headers };
    },
  };
}

/** The baseline: express-pouchdb with no auth and no rules; each fresh database is a PUT. */
async function startPlain({ cpuProfDir } = {}) {
  const dataDir = await procs.tempDir(uniqueName('plain-data-'));
  const server = await procs.startChild('plain', [...cpuProfFlags(cpuProfDir), PLAIN_SERVER, dataDir], { cwd: dataDir, readyMsg: 'plain is listening' });
  return {
    ...server,
    label: 'plain',
    async freshDb() {
      const name = uniqueName('bench-');
      expectStatus(await http(`${server.url}/${name}`, { method: 'PUT' }), 201, 'plain: database not created');
      return { url: `${server.url}/${name}`, headers: {} };
    },
  };
}

// ---------------------------------------------------------------- documents and databases

/** `count` offers that pass the group rules for `MEMBER` (the same for both servers). */
function makeDocs(count) {
  const time = new Date().toISOString();
  return Array.from({ length: count }, (_, i) => ({
    _id: `offer:${String(i).padStart(6, '0')}`,
    type: 'offer',
    schema: 1,
    createdAt: time,
    updatedAt: time,
    author: MEMBER,
    name: `Offer ${i}`,
    content: `Fresh bread every Saturday morning, loaf number ${i}.`,
  }));
}

function remote(db) {
  return new PouchDB(db.url, {
    skip_setup: true,
    fetch: (url, init) => {
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(db.headers)) headers.set(name, value);
      return PouchDB.fetch(url, { ...init, headers });
    },
  });
}

async function seedServer(db, docs) {
  for (let start = 0; start < docs.length; start += SEED_BATCH) {
    const batch = docs.slice(start, start + SEED_BATCH);
    const written = await http(`${db.url}/_bulk_docs`, { method: 'POST', headers: db.headers, body: { docs: batch } });
    expectAllWritten(written, `seeding ${db.url}`);
  }
}

async function freshLocal() {
  const dir = await procs.tempDir(uniqueName('local-'));
  const db = new PouchDB(path.join(dir, 'db'));
  return {
    db,
    async dispose() {
      await db.destroy().catch(() => db.close());
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function docCount(db) {
  const info = await http(db.url, { headers: db.headers });
  return Number(info.body?.doc_count);
}

// ---------------------------------------------------------------- the measurements

/** Runs one replicate() call: its result, wall ms, the server's CPU ms, and its window in a profile. */
async function timeReplication(server, replicate) {
  const window = { fromUs: nowUs() };
  const cpuBefore = cpuMsOf(server.child.pid);
  const start = performance.now();
  const result = await replicate();
  const ms = performance.now() - start;
  const cpuMs = cpuMsOf(server.child.pid) - cpuBefore;
  window.toUs = nowUs();
  return { result, ms, cpuMs, window };
}

async function measurePull(server, count, batchSize) {
  const db = await server.freshDb();
  await seedServer(db, makeDocs(count));
  const local = await freshLocal();
  try {
    await settle(server, IDLE);
    const { result, ms, cpuMs, window } = await timeReplication(server, () => local.db.replicate.from(remote(db), { batch_size: batchSize }));
    if (result.status !== 'complete' || result.doc_write_failures > 0 || result.docs_written < count)
      throw new Error(`${server.label} pull incomplete: ${JSON.stringify({ ...result, errors: result.errors?.slice(0, 3) })}`);
    return { ms, cpuMs, written: result.docs_written, window };
  } finally {
    await local.dispose();
  }
}

async function measurePush(server, count, batchSize) {
  const local = await freshLocal();
  try {
    const docs = makeDocs(count);
    for (let start = 0; start < docs.length; start += 1_000) await local.db.bulkDocs(docs.slice(start, start + 1_000));
    const db = await server.freshDb();
    await settle(server, IDLE); // the ledger opens the group's currency and account after its creation
    const before = await docCount(db);
    const { result, ms, cpuMs, window } = await timeReplication(server, () => local.db.replicate.to(remote(db), { batch_size: batchSize }));
    if (result.status !== 'complete' || result.doc_write_failures > 0 || result.docs_written !== count)
      throw new Error(`${server.label} push incomplete: ${JSON.stringify({ ...result, errors: result.errors?.slice(0, 3) })}`);
    const after = await docCount(db);
    if (after - before !== count) throw new Error(`${server.label} push: the server holds ${after - before} new documents, not ${count}`);
    // What the server still does after the push is acknowledged (background reactions to it).
    const tailCpuBefore = cpuMsOf(server.child.pid);
    const tail = { ms: await settle(server, IDLE), cpuMs: cpuMsOf(server.child.pid) - tailCpuBefore };
    return { ms, cpuMs, written: result.docs_written, window, tail };
  } finally {
    await local.dispose();
  }
}

const SCENARIOS = [
  { key: 'pull-100', label: 'pull, batch_size 100', kind: 'pull', run: (s, n) => measurePull(s, n, 100) },
  { key: 'pull-500', label: 'pull, batch_size 500', kind: 'pull', run: (s, n) => measurePull(s, n, 500) },
  { key: 'push-100', label: 'push, batch_size 100', kind: 'push', run: (s, n) => measurePush(s, n, 100) },
].filter((scenario) => !ONLY || scenario.kind === ONLY);

function printTable(results) {
  const header = ['measurement', 'Mutual docs/s', 'plain docs/s', 'Mutual/plain', 'target', 'met'];
  const rows = SCENARIOS.map((scenario) => {
    const mutual = DOCS / (median(results[scenario.key].Mutual.map((r) => r.ms)) / 1000);
    const plain = DOCS / (median(results[scenario.key].plain.map((r) => r.ms)) / 1000);
    const ratio = mutual / plain;
    const target = TARGETS[scenario.kind];
    return [scenario.label, mutual.toFixed(0), plain.toFixed(0), `${ratio.toFixed(3)}x`, `>= ${target}x`, ratio >= target ? 'yes' : 'NO'];
  });
  table(header, rows);
}

function printRuns(results) {
  console.log('\npaired ratios (each run\'s Mutual/plain, the two measured back to back; median), less sensitive to load that changes between runs:');
  for (const scenario of SCENARIOS) {
    const { Mutual: mutual, plain } = results[scenario.key];
    const ratios = mutual.map((m, i) => plain[i].ms / m.ms);
    console.log(`  ${scenario.label.padEnd(22)} ${median(ratios).toFixed(3)}x (${ratios.map((r) => r.toFixed(2)).join(', ')})`);
  }
  console.log('\nserver process CPU time during replicate() (user + system, all threads), median:');
  for (const scenario of SCENARIOS) {
    const [mutual, plain] = ['Mutual', 'plain'].map((label) => median(results[scenario.key][label].map((r) => r.cpuMs)));
    console.log(`  ${scenario.label.padEnd(22)} Mutual ${mutual.toFixed(0).padStart(5)} ms, plain ${plain.toFixed(0).padStart(5)} ms, Mutual/plain ${(mutual / plain).toFixed(2)}x`);
  }
  console.log('\nper run: wall ms of replicate() (docs_written; server CPU ms):');
  for (const scenario of SCENARIOS) {
    for (const label of ['Mutual', 'plain']) {
      const runs = results[scenario.key][label];
      console.log(`  ${scenario.label.padEnd(22)} ${label.padEnd(6)} ${runs.map((r) => `${r.ms.toFixed(0)} ms (${r.written}; ${r.cpuMs.toFixed(0)})`).join(', ')}`);
    }
  }
  if (!results['push-100']) return;
  console.log('\nafter each push: how long the server stayed busy once replicate() had returned, in 0.5 s steps (its CPU ms then):');
  for (const label of ['Mutual', 'plain']) {
    const runs = results['push-100'][label];
    console.log(`  ${label.padEnd(6)} ${runs.map((r) => `${r.tail.ms.toFixed(0)} ms (${r.tail.cpuMs.toFixed(0)})`).join(', ')}`);
  }
}

/** Runs one warm-up and three measurements against a server under --cpu-prof; its profile. */
async function profileServer(start, label, run) {
  const profileDir = await procs.tempDir(uniqueName('cpu-profile-'));
  const server = await start({ cpuProfDir: profileDir });
  await run(server, WARMUP_DOCS);
  const runs = [];
  for (let i = 0; i < 3; i += 1) runs.push(await run(server, DOCS));
  const times = runs.map((r) => r.ms);
  await server.stop();
  const kept = await keepCpuProfile(profileDir, path.join(HERE, 'profiles'), `${label.toLowerCase()}-${PROFILE_KIND}`);
  if (!kept) throw new Error(`the ${label} process wrote no .cpuprofile`);
  const summary = summarizeProfile(kept.profile, runs.map((r) => r.window));
  console.log(`  ${label.padEnd(6)} ${times.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} (slowed by the profiler); ` +
    `busy ${summary.busyMs.toFixed(0)} ms of CPU; profile at ${path.relative(process.cwd(), kept.path)}`);
  return summary;
}

async function profileBoth() {
  const run = PROFILE_KIND === 'pull' ? (s, n) => measurePull(s, n, PROFILE_BATCH) : (s, n) => measurePush(s, n, PROFILE_BATCH);
  console.log(`\nprofiling each server under node --cpu-prof: 1 warm-up, then 3 runs of ${PROFILE_KIND} ` +
    `(${DOCS} docs, batch_size ${PROFILE_BATCH}); only the samples of the 3 runs are counted (the warm-up and the ` +
    `set-up of each run, seeding and group creation, are not)`);
  const mutual = await profileServer(startMutual, 'Mutual', run);
  const plain = await profileServer(startPlain, 'plain', run);
  console.log(`\nMutual used ${(mutual.busyMs / plain.busyMs).toFixed(2)}x the CPU time of plain ` +
    `(${mutual.busyMs.toFixed(0)} ms against ${plain.busyMs.toFixed(0)} ms)\n`);
  console.log('---- Mutual ----');
  console.log(formatSummary(mutual, 25));
  console.log('\n---- plain express-pouchdb ----');
  console.log(formatSummary(plain, 15));
}

async function main() {
  const tempRoot = await procs.init();
  const cpus = os.cpus();
  console.log('Mutual replication benchmark (bench/replication)');
  console.log(machine());
  console.log(`${DOCS} docs, ${RUNS} runs per measurement (median), PouchDB ${PouchDB.version}, local LevelDB in ${tempRoot}`);

  console.log(`load average at start: ${loadAverage()} (this run itself keeps ~2 CPUs busy; more means other work shares the machine)`);
  const [mutual, plain] = await Promise.all([startMutual(), startPlain()]);
  console.log(`Mutual at ${mutual.url} (auth + rules), plain express-pouchdb at ${plain.url}\n`);
  const servers = [mutual, plain];

  process.stdout.write('warm-up...');
  for (const server of servers) {
    if (ONLY !== 'push') await measurePull(server, WARMUP_DOCS, 100);
    if (ONLY !== 'pull') await measurePush(server, WARMUP_DOCS, 100);
  }
  console.log(' done');

  const results = Object.fromEntries(SCENARIOS.map((s) => [s.key, { Mutual: [], plain: [] }]));
  for (let run = 0; run < RUNS; run += 1) {
    for (const scenario of SCENARIOS) {
      const order = run % 2 === 0 ? servers : [...servers].reverse();
      for (const server of order) {
        const result = await scenario.run(server, DOCS);
        results[scenario.key][server.label].push(result);
        console.log(`  run ${run + 1}/${RUNS} ${scenario.label.padEnd(22)} ${server.label.padEnd(6)} ${result.ms.toFixed(0).padStart(6)} ms  ${(DOCS / (result.ms / 1000)).toFixed(0).padStart(6)} docs/s`);
      }
    }
  }
  await Promise.all(servers.map((server) => server.stop()));

  console.log(`\nResults: ${DOCS} docs, median of ${RUNS} runs, node ${process.version}, ${cpus.length} CPUs, load average now ${loadAverage()}\n`);
  printTable(results);
  printRuns(results);

  if (PROFILE) await profileBoth();
}

procs.run(main);
