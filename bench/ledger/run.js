// Ledger benchmark: how many transfers Mutual's ledger worker commits per second.
//
// What it measures
//   Mutual runs as a real child process (`node server/bin/mutual.js start`, auth and rules on,
//   PORT=0, a fresh data folder); the bench talks to it over HTTP like clients would.
//   Each measurement uses fresh communities (open; POST /api/v1/communities by a manager),
//   each with MEMBERS (default 10) members who joined (POST /communities/{code}/users), whose
//   accounts the ledger opened (polled on GET /communities/{code}/accounts) and whose credit
//   limits the manager raised to 10^12 (PATCH /communities/{code}/accounts/{account}), so that
//   every payment commits. Then transfer intents (`transfer:<uuid>`, kind `payment`, author =
//   the payer's owner, amounts 1..100 between members in a fixed round-robin pattern) are
//   written as fast as the server takes them through the CouchDB face, POST
//   /db/group-<code>/_bulk_docs, BATCH (default 100) intents a request, each request with the
//   token of the one member who pays in all of its intents, WRITERS (default 4) requests in
//   flight per community. The ledger worker decides each intent from the group's change feed
//   and writes its outcome (`ledger:<uuid>`) and the refreshed accounts.
//     one group   INTENTS (default 5,000) intents into one community;
//     10 groups   the same INTENTS in total, split evenly over GROUPS (default 10) communities
//                 written at the same time (500 each by default), the aggregate rate.
//   commits/s = intents / (time from just before the first _bulk_docs request is sent until
//   the bench sees the last outcome exists). Completion is detected cheaply: once all of a
//   community's intents are acknowledged, the bench polls `GET /db/group-<code>` every POLL ms
//   (default 10) and compares its doc_count (O(1) in PouchDB's LevelDB adapter: no range
//   scan, no documents sent) with the count before the writes + 2 x intents (each intent adds
//   itself and its outcome; accounts are updated, not added; `_local` checkpoints do not
//   count). No feed or poll runs while intents are being written. Afterwards (untimed) the
//   outcomes are read back with one `_all_docs` range query and checked: exactly one per
//   intent, committed sequences 1..n without gaps; committed and rejected are counted. The
//   latest outcome's server time stamp (`createdAt`, same machine clock) bounds the
//   detection delay, shown per run as "detected +X ms".
//   The limit, in the same run and process: a raw LevelDB batch write of the same number of
//   documents of the same size, with the `leveldown` that PouchDB itself loads (resolved from
//   the pouchdb package): `db.batch()` of BATCH puts (key `transfer:<uuid>`, value the intent's
//   JSON), one batch after the other, into a fresh database (sync: false, PouchDB's setting).
//   Also shown, for reference, not as the limit: PouchDB's own `bulkDocs` of the same intents
//   into a fresh local LevelDB database (what one document write costs before any HTTP, auth,
//   rules or ledger work). The raw write takes some 30 ms, so each of its runs is the median
//   of 5 writes, each into a fresh database.
//   Each measurement runs RUNS (default 3) times (one group, 10 groups, raw, PouchDB in turn),
//   after one untimed warm-up of each measurement (up to 2,000 intents); the table shows the
//   median. Targets (issue "bench/ledger"): >= 500 commits/s in one group, >= 2,000 commits/s
//   across groups.
//   The table also gives the server process's CPU time per commit (user + system, all threads,
//   from /proc; Linux only), which moves less than the rates when other work shares the
//   machine (the run says so when the load average exceeds the CPU count). Below it: per-run
//   figures, with the time until all intents were acknowledged (the intake rate, which runs
//   ahead of the ledger) and the bench process's own CPU time: the bench (HTTP client) and
//   the server share the machine's CPUs.
//
// How to run
//   From the repository root: `npm run bench` (builds, then runs all three benchmarks) or
//   `npm run build && npm run --workspace bench bench:ledger`, or after a build:
//     node bench/ledger/run.js [--intents N] [--groups N] [--members N] [--batch N]
//                              [--writers N] [--runs N] [--poll MS] [--profile[=one|many|both]]
//   --profile runs, after the table, one more Mutual under `node --cpu-prof` doing one warm-up
//   and three one-group measurements (`many`: 10-group ones; `both`: each on its own server),
//   and prints where the server's CPU time went during the three, from the first write until
//   the last outcome was seen (bench/replication/profile-summary.js); the .cpuprofile files
//   are kept in bench/ledger/profiles/ (git-ignored). `--runs 0` skips the table.
//   Temp folders (under the OS temp dir, `mutual-ledger-bench-*`) and the child processes are
//   removed on exit, also after a failure or Ctrl-C.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import PouchDB from 'pouchdb';
import { formatSummary, summarizeProfile } from '../replication/profile-summary.js';
import { nowUs, sleep } from '../support/clock.js';
import { keepCpuProfile } from '../support/cpu-profile.js';
import { expectAllWritten, expectStatus, http } from '../support/http.js';
import { startMutualChild } from '../support/mutual.js';
import { uniqueName } from '../support/names.js';
import { option } from '../support/options.js';
import { benchProcesses, cpuMsOf } from '../support/processes.js';
import { loadAverage, machine, median, table } from '../support/report.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

// The leveldown PouchDB loads (pouchdb 9 depends on it directly), not a copy of our choosing.
const require = createRequire(import.meta.url);
const pouchRequire = createRequire(require.resolve('pouchdb'));
const leveldown = pouchRequire('leveldown');
const LEVELDOWN_VERSION = JSON.parse(readFileSync(pouchRequire.resolve('leveldown/package.json'), 'utf8')).version;

const INTENTS = Number(option('intents', 5_000));
const GROUPS = Number(option('groups', 10));
const MEMBERS = Number(option('members', 10));
const BATCH = Number(option('batch', 100));
const WRITERS = Number(option('writers', 4));
const RUNS = Number(option('runs', 3));
const POLL_MS = Number(option('poll', 10));
const PROFILE = option('profile', false);
const WARMUP_INTENTS = Math.min(INTENTS, 2_000);
const RAW_REPEATS = 5;
const CREDIT_LIMIT = 1e12;
const TARGETS = { one: 500, many: 2_000 };

// Child processes and temp folders, removed on every way out (bench/support/processes.js).
const procs = benchProcesses('mutual-ledger-bench-');

// ---------------------------------------------------------------- the server under test

async function startMutual({ cpuProfDir } = {}) {
  const dataDir = await procs.tempDir(uniqueName('mutual-data-'));
  // echoLevel 40: its warnings too, not only its errors.
  const { server, issuer } = await startMutualChild(procs, dataDir, { cpuProfDir, echoLevel: 40 });
  const tokens = new Map();
  const token = (sub) => {
    if (!tokens.has(sub)) tokens.set(sub, issuer.issueToken(sub, { audience: 'mutual', expiresIn: '12h' }));
    return tokens.get(sub);
  };
  return { ...server, token };
}

// ---------------------------------------------------------------- communities and intents

/**
 * A fresh open community with `MEMBERS` members (plus its manager) whose accounts exist and
 * have a credit limit no payment of this benchmark reaches.
 */
async function setUpCommunity(server) {
  const code = uniqueName('ledger-');
  const manager = `${code}-manager`;
  const members = Array.from({ length: MEMBERS }, (_, i) => `${code}-member-${i}`);
  const api = `${server.url}/api/v1/communities`;
  expectStatus(await http(api, { method: 'POST', token: await server.token(manager), body: { code, name: `Bench ${code}`, type: 'open' } }),
    201, `community ${code} not created`);
  for (const member of members) {
    expectStatus(await http(`${api}/${code}/users`, { method: 'POST', token: await server.token(member), body: { userId: member } }),
      201, `${member} could not join`);
  }
  // The ledger opens the accounts from the group's change feed.
  let byOwner;
  for (let tries = 0; ; tries += 1) {
    const listed = expectStatus(await http(`${api}/${code}/accounts`, { token: await server.token(manager) }), 200, 'accounts');
    byOwner = new Map(listed.accounts.map((account) => [account.owner, account]));
    if (members.every((member) => byOwner.has(member))) break;
    if (tries > 500) throw new Error(`the ledger of ${code} opened no accounts for its members within 10 s`);
    await sleep(20);
  }
  for (const member of members) {
    const account = byOwner.get(member);
    expectStatus(await http(`${api}/${code}/accounts/${account.code}`, { method: 'PATCH', token: await server.token(manager), body: { creditLimit: CREDIT_LIMIT } }),
      200, `credit limit of ${account.code}`);
  }
  const db = `${server.url}/db/group-${code}`;
  const info = async () => Number(expectStatus(await http(db, { token: await server.token(manager) }), 200, `GET ${db}`).doc_count);
  // Quiet: the ledger may still be reading its own writes of the set-up.
  let docCount = await info();
  for (;;) {
    await sleep(100);
    const again = await info();
    if (again === docCount) break;
    docCount = again;
  }
  return { code, db, manager, members, accounts: members.map((member) => byOwner.get(member).code), info, docCount };
}

function intent(author, payer, payee, amount) {
  const time = new Date().toISOString();
  return { _id: `transfer:${randomUUID()}`, type: 'transfer', schema: 1, createdAt: time, updatedAt: time, author, payer, payee, amount, memo: '', kind: 'payment' };
}

/**
 * `count` payments between the community's members, as _bulk_docs bodies of at most BATCH
 * intents with one payer each (written with that payer's token), payers taking turns.
 */
function planBatches(community, count) {
  const perPayer = community.members.map(() => []);
  for (let i = 0; i < count; i += 1) {
    const payer = i % MEMBERS;
    const payee = (payer + 1 + (Math.floor(i / MEMBERS) % (MEMBERS - 1))) % MEMBERS;
    perPayer[payer].push(intent(community.members[payer], community.accounts[payer], community.accounts[payee], 1 + (i % 100)));
  }
  const chunked = perPayer.map((docs, payer) =>
    Array.from({ length: Math.ceil(docs.length / BATCH) }, (_, i) => ({ author: community.members[payer], docs: docs.slice(i * BATCH, (i + 1) * BATCH) })));
  const batches = [];
  for (let round = 0; chunked.some((list) => round < list.length); round += 1) {
    for (const list of chunked) if (round < list.length) batches.push(list[round]);
  }
  return batches;
}

// ---------------------------------------------------------------- the measurements

const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** Writes one community's batches with WRITERS requests in flight; resolves when all are acknowledged. */
async function writeAll(server, community, batches) {
  const tokens = new Map(await Promise.all(community.members.map(async (member) => [member, await server.token(member)])));
  let next = 0;
  const writer = async () => {
    for (let index = next++; index < batches.length; index = next++) {
      const batch = batches[index];
      const written = await http(`${community.db}/_bulk_docs`, { method: 'POST', token: tokens.get(batch.author), body: { docs: batch.docs } });
      expectAllWritten(written, `_bulk_docs into ${community.code}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITERS, batches.length) }, writer));
}

/** Polls the database's doc_count until every intent has its outcome; the time it saw so. */
async function waitForOutcomes(community, count, stats) {
  const expected = community.docCount + 2 * count;
  for (;;) {
    const docCount = await community.info();
    stats.polls += 1;
    if (docCount >= expected) {
      if (docCount > expected) throw new Error(`${community.code} holds ${docCount} documents, more than the ${expected} expected`);
      return performance.now();
    }
    await sleep(POLL_MS);
  }
}

/** Reads the outcomes back (untimed) and checks one per intent; committed and rejected counts. */
async function verify(server, community, batches) {
  const intents = new Set(batches.flatMap((batch) => batch.docs.map((doc) => doc._id.slice('transfer:'.length))));
  const listed = expectStatus(await http(`${community.db}/_all_docs?include_docs=true&startkey=%22ledger:%22&endkey=%22ledger:%EF%BF%BF%22`,
    { token: await server.token(community.manager) }), 200, 'outcomes');
  const outcomes = listed.rows.map((row) => row.doc);
  const seen = new Set(outcomes.map((outcome) => outcome.transfer));
  if (outcomes.length !== intents.size || seen.size !== intents.size || [...intents].some((id) => !seen.has(id)))
    throw new Error(`${community.code}: ${outcomes.length} outcomes (${seen.size} distinct) for ${intents.size} intents`);
  const committed = outcomes.filter((outcome) => outcome.status === 'committed');
  const sequences = committed.map((outcome) => outcome.sequence).sort((a, b) => a - b);
  if (sequences.some((sequence, i) => sequence !== i + 1)) throw new Error(`${community.code}: committed sequences have gaps or repeats`);
  const lastStamp = Math.max(...outcomes.map((outcome) => Date.parse(outcome.createdAt)));
  const reasons = {};
  for (const outcome of outcomes) if (outcome.status === 'rejected') reasons[outcome.reason] = (reasons[outcome.reason] ?? 0) + 1;
  return { committed: committed.length, rejected: outcomes.length - committed.length, reasons, lastStamp };
}

/**
 * `total` intents spread over `groups` fresh communities, all written at once; the time from
 * the first write until every outcome exists.
 */
async function measureLedger(server, groups, total) {
  const communities = [];
  for (let g = 0; g < groups; g += 1) communities.push(await setUpCommunity(server));
  const plans = communities.map((community, g) =>
    planBatches(community, Math.floor(total / groups) + (g < total % groups ? 1 : 0)));
  const stats = { polls: 0 };
  const cpuBefore = cpuMsOf(server.child.pid);
  const ownBefore = ownCpuMs();
  const window = { fromUs: nowUs() };
  const startEpoch = Date.now();
  const start = performance.now();
  const perGroup = await Promise.all(communities.map(async (community, g) => {
    const count = plans[g].reduce((sum, batch) => sum + batch.docs.length, 0);
    await writeAll(server, community, plans[g]);
    const acked = performance.now();
    const done = await waitForOutcomes(community, count, stats);
    return { acked, done };
  }));
  const end = Math.max(...perGroup.map((g) => g.done));
  window.toUs = nowUs();
  const cpuMs = cpuMsOf(server.child.pid) - cpuBefore;
  const ownMs = ownCpuMs() - ownBefore;
  const writeMs = Math.max(...perGroup.map((g) => g.acked)) - start;
  const checked = await Promise.all(communities.map((community, g) => verify(server, community, plans[g])));
  const committed = checked.reduce((sum, c) => sum + c.committed, 0);
  const rejected = checked.reduce((sum, c) => sum + c.rejected, 0);
  const reasons = {};
  for (const c of checked) for (const [reason, n] of Object.entries(c.reasons)) reasons[reason] = (reasons[reason] ?? 0) + n;
  const lastStampMs = Math.max(...checked.map((c) => c.lastStamp)) - startEpoch;
  return { ms: end - start, writeMs, lastStampMs, committed, rejected, reasons, cpuMs, ownMs, polls: stats.polls, count: total, window };
}

function makeDocs(count) {
  return Array.from({ length: count }, (_, i) => intent(`member-${i % MEMBERS}`, `ABCD${String(i % MEMBERS).padStart(4, '0')}`, `ABCD${String((i + 1) % MEMBERS).padStart(4, '0')}`, 1 + (i % 100)));
}

/** One leveldown write of the intents' JSON, BATCH puts a batch, into a fresh database. */
async function rawLevelOnce(docs) {
  const dir = await procs.tempDir(uniqueName('leveldown-'));
  const db = leveldown(dir);
  await new Promise((resolve, reject) => db.open((error) => (error ? reject(error) : resolve())));
  try {
    const start = performance.now();
    for (let from = 0; from < docs.length; from += BATCH) {
      const ops = docs.slice(from, from + BATCH).map((doc) => ({ type: 'put', key: doc._id, value: JSON.stringify(doc) }));
      await new Promise((resolve, reject) => db.batch(ops, (error) => (error ? reject(error) : resolve())));
    }
    return performance.now() - start;
  } finally {
    await new Promise((resolve) => db.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The limit: leveldown batches of BATCH puts of the intents' JSON into a fresh database. It
 * takes some 30 ms, short enough for a busy machine to move it a lot: each run is the median
 * of RAW_REPEATS such writes, each into a fresh database.
 */
async function measureRawLevel(count) {
  const docs = makeDocs(count);
  const times = [];
  for (let i = 0; i < RAW_REPEATS; i += 1) times.push(await rawLevelOnce(docs));
  return { ms: median(times), count };
}

/** For reference: PouchDB's own bulkDocs of the same intents into a fresh local LevelDB database. */
async function measurePouch(count) {
  const docs = makeDocs(count);
  const dir = await procs.tempDir(uniqueName('pouch-'));
  const db = new PouchDB(path.join(dir, 'db'));
  try {
    const start = performance.now();
    for (let from = 0; from < docs.length; from += BATCH) {
      const rows = await db.bulkDocs(docs.slice(from, from + BATCH));
      if (rows.some((row) => !row.ok)) throw new Error('PouchDB bulkDocs refused a document');
    }
    return { ms: performance.now() - start, count };
  } finally {
    await db.close().catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
}

const SCENARIOS = [
  { key: 'one', label: 'Mutual, 1 group', run: (server, count) => measureLedger(server, 1, count) },
  { key: 'many', label: `Mutual, ${GROUPS} groups`, run: (server, count) => measureLedger(server, GROUPS, count) },
  { key: 'raw', label: `raw leveldown ${LEVELDOWN_VERSION} batch`, run: (server, count) => measureRawLevel(count) },
  { key: 'pouch', label: 'PouchDB bulkDocs, local', run: (server, count) => measurePouch(count) },
];

const rate = (result) => result.count / (result.ms / 1000);

function printTable(results) {
  const raw = median(results.raw.map(rate));
  const header = ['measurement', 'per s (median)', 'runs', 'of raw limit', 'server CPU/commit', 'target', 'met'];
  const rows = SCENARIOS.map((scenario) => {
    const rates = results[scenario.key].map(rate);
    const value = median(rates);
    const target = TARGETS[scenario.key];
    const ledger = scenario.key === 'one' || scenario.key === 'many';
    return [
      scenario.label,
      `${value.toFixed(0)} ${ledger ? 'commits' : 'docs'}/s`,
      rates.map((r) => r.toFixed(0)).join(', '),
      scenario.key === 'raw' ? '(the limit)' : `${((100 * value) / raw).toFixed(1)}%`,
      ledger ? `${median(results[scenario.key].map((r) => (1000 * r.cpuMs) / r.count)).toFixed(0)} µs` : '',
      target ? `>= ${target.toLocaleString('en')}/s` : '',
      target ? (value >= target ? 'yes' : 'NO') : '',
    ];
  });
  table(header, rows);
}

function describeLedgerRun(result) {
  const reasons = Object.entries(result.reasons).map(([reason, n]) => `${reason} ${n}`).join(', ');
  return `${result.ms.toFixed(0)} ms, ${rate(result).toFixed(0)} commits/s; ` +
    `intents acknowledged after ${result.writeMs.toFixed(0)} ms (${(result.count / (result.writeMs / 1000)).toFixed(0)}/s); ` +
    `last outcome stamped at ${result.lastStampMs.toFixed(0)} ms, detected +${(result.ms - result.lastStampMs).toFixed(0)} ms (${result.polls} polls); ` +
    `committed ${result.committed}, rejected ${result.rejected}${reasons ? ` (${reasons})` : ''}; ` +
    `server CPU ${result.cpuMs.toFixed(0)} ms (${((1000 * result.cpuMs) / result.count).toFixed(0)} µs/commit), bench CPU ${result.ownMs.toFixed(0)} ms`;
}

function printRuns(results) {
  console.log('\nper run:');
  for (const scenario of SCENARIOS) {
    results[scenario.key].forEach((result, i) => {
      const detail = 'committed' in result ? describeLedgerRun(result) : `${result.ms.toFixed(0)} ms, ${rate(result).toFixed(0)} docs/s`;
      console.log(`  ${scenario.label.padEnd(28)} run ${i + 1}: ${detail}`);
    });
  }
  const ledgerRuns = [...results.one, ...results.many];
  const committed = ledgerRuns.reduce((sum, r) => sum + r.committed, 0);
  const rejected = ledgerRuns.reduce((sum, r) => sum + r.rejected, 0);
  console.log(`\noutcomes over all measured Mutual runs: ${committed} committed, ${rejected} rejected`);
  for (const key of ['one', 'many']) {
    const cpu = median(results[key].map((r) => (1000 * r.cpuMs) / r.count));
    const wall = median(results[key].map((r) => (1000 * r.ms) / r.count));
    console.log(`${SCENARIOS.find((s) => s.key === key).label}: server CPU ${cpu.toFixed(0)} µs per commit (median), ` +
      `wall ${wall.toFixed(0)} µs per commit: the server was busy ${((100 * cpu) / wall).toFixed(0)}% of one CPU`);
  }
}

/** Runs one warm-up and three measurements (one group, or GROUPS groups) against a server under --cpu-prof. */
async function profileServer(groups) {
  const kind = groups === 1 ? 'one-group' : `${groups}-groups`;
  const profileDir = await procs.tempDir(uniqueName('cpu-profile-'));
  const server = await startMutual({ cpuProfDir: profileDir });
  console.log(`\nprofiling Mutual under node --cpu-prof: 1 warm-up, then 3 ${kind} runs of ${INTENTS} intents; ` +
    'only the samples from the first write until the last outcome was seen are counted (not the set-up of the communities)');
  await measureLedger(server, groups, WARMUP_INTENTS);
  const runs = [];
  for (let i = 0; i < 3; i += 1) runs.push(await measureLedger(server, groups, INTENTS));
  await server.stop();
  const kept = await keepCpuProfile(profileDir, path.join(HERE, 'profiles'), `mutual-${kind}`);
  if (!kept) throw new Error('the Mutual process wrote no .cpuprofile');
  const summary = summarizeProfile(kept.profile, runs.map((r) => r.window));
  console.log(`  ${runs.map((r) => `${r.ms.toFixed(0)} ms (${rate(r).toFixed(0)} commits/s)`).join(', ')} (slowed by the profiler); ` +
    `server CPU ${runs.map((r) => `${r.cpuMs.toFixed(0)} ms`).join(', ')}; profile at ${path.relative(process.cwd(), kept.path)}\n`);
  console.log(formatSummary(summary, 30));
}

/**
 * Each measurement once untimed, then RUNS times; prints the runs, the table and the notes.
 * `loadAtStart`: the 1-minute load average when the script started.
 */
async function measureAll(loadAtStart) {
  const cpus = os.cpus();
  const server = await startMutual();
  console.log(`Mutual at ${server.url} (auth + rules)\n`);
  process.stdout.write('warm-up...');
  for (const scenario of SCENARIOS) await scenario.run(server, WARMUP_INTENTS);
  console.log(' done');

  const results = Object.fromEntries(SCENARIOS.map((s) => [s.key, []]));
  for (let run = 0; run < RUNS; run += 1) {
    for (const scenario of SCENARIOS) {
      const result = await scenario.run(server, INTENTS);
      results[scenario.key].push(result);
      const unit = 'committed' in result ? `commits/s (${result.committed} committed, ${result.rejected} rejected)` : 'docs/s';
      console.log(`  run ${run + 1}/${RUNS} ${scenario.label.padEnd(28)} ${result.ms.toFixed(0).padStart(6)} ms ${rate(result).toFixed(0).padStart(7)} ${unit}`);
    }
  }
  await server.stop();

  console.log(`\nResults: ${INTENTS} intents (1 group: all in one; ${GROUPS} groups: ${INTENTS / GROUPS} each, at once), ` +
    `median of ${RUNS} runs, node ${process.version}, ${cpus.length} CPUs, load average now ${loadAverage()}\n`);
  printTable(results);
  const busiest = Math.max(loadAtStart, os.loadavg()[0]);
  if (busiest > cpus.length) {
    console.log(`\nnote: the load average (${busiest.toFixed(1)}) exceeded the ${cpus.length} CPUs: other work shared the machine, ` +
      'so the rates above are lower bounds and vary; the server CPU time per commit is the steadier figure');
  }
  printRuns(results);
  const failures = [...results.one, ...results.many].filter((r) => r.rejected > 0);
  if (failures.length > 0) console.log(`\nnote: ${failures.length} runs had rejected payments; with the raised limits all should commit`);
}

async function main() {
  await procs.init();
  console.log('Mutual ledger benchmark (bench/ledger)');
  console.log(machine());
  console.log(`${INTENTS} intents per measurement (${GROUPS} groups: ${INTENTS / GROUPS} each), ${MEMBERS} members a group, ` +
    `_bulk_docs of ${BATCH}, ${WRITERS} requests in flight per group, doc_count polled every ${POLL_MS} ms once written; ` +
    `${RUNS} runs (median); PouchDB ${PouchDB.version}, leveldown ${LEVELDOWN_VERSION}`);
  const loadAtStart = os.loadavg()[0];
  console.log(`load average at start: ${loadAverage()} (this benchmark itself keeps up to ~2 CPUs busy)`);

  if (RUNS > 0) await measureAll(loadAtStart);
  if (PROFILE === true || PROFILE === 'one' || PROFILE === 'both') await profileServer(1);
  if (PROFILE === 'many' || PROFILE === 'both') await profileServer(GROUPS);
}

procs.run(main);
