// Latency benchmark: how long after a write its news reaches 1,000 WebSocket clients and
// 1,000 live-replicating PouchDB clients (issue "bench/latency").
//
// What it measures
//   Mutual runs as a real child process (`node server/bin/mutual.js start`, auth and rules on,
//   PORT picked free beforehand, a fresh data folder, LOG_LEVEL=warn: readiness is GET /health).
//   A manager creates an open community (POST /api/v1/communities {name, code, type: 'open'})
//   and USERS (default 20) users join it (POST /api/v1/communities/{code}/users {userId: self}).
//   Clients, all in this process and spread round-robin over the users' bearer tokens:
//     WebSocket  WS (default 1,000) `ws` clients of /api/v1/events (`Authorization: Bearer` on
//                the upgrade), each counted once it got `{"type":"ready"}`;
//     PouchDB    POUCH (default 1,000) in-memory replicas (pouchdb-adapter-memory), each
//                `replicate.from(/db/group-<code>, {live: true, retry: true})` with a custom
//                fetch that sets the member's bearer token, started 50 at a time, each
//                counted once its replication first paused (caught up).
//   Then WRITES (default 30) offers, each a `PUT /db/group-<code>/offer:<uuid>` of a valid
//   `{type:'offer', schema:1, createdAt, updatedAt, author, name, content}` by one member (its
//   token), one after the other: t0 is taken just before the request is sent; a write's news
//   has arrived
//     for a WebSocket client  when the OfferPublished event whose `data.id` is the offer's id
//                             (`<uuid>`, server/src/social/events.ts) is received (before it is
//                             parsed);
//     for a PouchDB client    when the doc id shows in the local replica's own live changes
//                             feed (`local.changes({since: 'now', live: true})`).
//   Latency = arrival - t0, in ms, over all clients x writes (the same monotonic clock: all in
//   this process). A write waits until every client has its news (or TIMEOUT ms, default
//   30,000, passed: what is still missing then is counted as missing), then SPACING ms
//   (default 200), then until the server process is idle (<= 30 ms of CPU in 0.5 s, at most
//   120 s: the replications go on with checkpoints and new longpolls after the last arrival),
//   then the next write: each write's latency is measured on its own, from a quiet server,
//   not queued behind the previous one's fan-out (without that wait, 1,000 replicas with a
//   write every ~2.5 s piled up work until the server answered nothing for minutes). How
//   long the server stayed busy is shown ("busy"). WARMUP (default 3) untimed writes come
//   first; the first of them (60 s allowed) also shows that every client is caught up.
//   A measurement stops early when 3 writes in a row each missed more than half their
//   arrivals (the table gives the writes measured). One line per write shows its progress.
//   For the PouchDB clients the custom fetch also notes when the doc id first shows in a
//   `_changes` answer (the server's longpoll woke up and answered) and in a `_bulk_get` answer
//   (the replicator fetched the document), which splits the latency into server wake-up,
//   document fetch, and local write + local changes feed.
//
//   Mutual measurements (one server process, in this order):
//     both faces  WS + POUCH clients connected at once, as in the issue: the targets apply here;
//     Pouch only  the WebSocket clients closed;
//     WS only     the replications cancelled, WS fresh WebSocket clients connected.
//   Baselines (same run, same client code, same counts, each its own child process):
//     plain       express 4 + express-pouchdb 4.2 `minimumForPouchDB` over PouchDB/LevelDB, no
//                 auth, no rules (bench/replication/plain-server.js), a fresh database; the
//                 same PouchDB clients (no token) and the same PUT of the same offer;
//     bare ws     a `ws` server (ws-server.js) that broadcasts the body of a `POST /broadcast`
//                 to all clients as one text message; the bench posts an event shaped like
//                 Mutual's OfferPublished, t0 just before the POST.
//   Ratios are Mutual / baseline for p50 and p99 (1.00x = as fast as the baseline; higher is
//   slower). Targets (issue): p50 <= 30 ms, p99 <= 100 ms on loopback.
//   Below the tables: the write's own response time (PUT acknowledged), the PouchDB latency
//   split, the CPU time per write of the server process (/proc, all threads) and of this
//   process (all clients), and this process's event-loop delay while measuring. The clients
//   and the server share the machine (2 CPUs here): a client process busy handling 1,000
//   replications delays its own receipt of WebSocket messages; the "only" measurements and
//   the baselines, which use the very same client code, show how much.
//
// How to run
//   From the repository root: `npm run build && npm run --workspace bench bench:latency`
//   (also part of `npm run bench`), or after a build:
//     node bench/latency/run.js [--ws N] [--pouch N] [--users N] [--writes N] [--baseline-writes N]
//                               [--warmup N] [--spacing MS] [--timeout MS] [--profile]
//   e.g. `--ws 50 --pouch 50 --writes 5` for a quick check; `--ws 0` or `--pouch 0` measures
//   one face. The plain baseline makes --baseline-writes (default 10) writes: with 1,000
//   replicas each keeps its server busy for a minute or more. The full run takes some 25
//   minutes on 2 CPUs, most of it that baseline. --profile starts Mutual and plain under
//   `node --cpu-prof` and prints, after the tables, where each server's CPU time went during
//   each measurement (bench/replication/profile-summary.js); the profiler slows the servers,
//   so its latencies are not the ones to quote. The .cpuprofile files are kept in
//   bench/latency/profiles/ (git-ignored).
//   1,000 + 1,000 clients need some 3,000 file descriptors in this process and as many in the
//   server: `ulimit -n` must allow it (the script checks /proc/self/limits and stops with a
//   message if not). Temp folders (under the OS temp dir, `mutual-latency-bench-*`) and the
//   child processes are removed on exit, also after a failure or Ctrl-C.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import PouchDB from 'pouchdb';
import memoryAdapter from 'pouchdb-adapter-memory';
import WebSocket from 'ws';
import { formatSummary, summarizeProfile } from '../replication/profile-summary.js';
import { nowUs, sleep } from '../support/clock.js';
import { cpuProfFlags, keepCpuProfile } from '../support/cpu-profile.js';
import { expectStatus, http } from '../support/http.js';
import { startMutualChild } from '../support/mutual.js';
import { option } from '../support/options.js';
import { benchProcesses, cpuMsOf } from '../support/processes.js';
import { loadAverage, machine, table } from '../support/report.js';
import { settle } from '../support/settle.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PLAIN_SERVER = fileURLToPath(new URL('../replication/plain-server.js', import.meta.url));
const WS_SERVER = path.join(HERE, 'ws-server.js');

const WS_CLIENTS = Number(option('ws', 1000));
const POUCH_CLIENTS = Number(option('pouch', 1000));
const USERS = Number(option('users', 20));
const WRITES = Number(option('writes', 30));
/** The plain baseline's writes: with 1,000 replicas each keeps it busy for a minute or more. */
const BASELINE_WRITES = Number(option('baseline-writes', 10));
const WARMUP = Math.max(1, Number(option('warmup', 3)));
const SPACING_MS = Number(option('spacing', 200));
const TIMEOUT_MS = Number(option('timeout', 30_000));
const FIRST_WARMUP_TIMEOUT_MS = Math.max(TIMEOUT_MS, 60_000);
const PROFILE = option('profile', false) !== false;
/**
 * Idle, before each write: at most 30 ms of CPU in half a second, at most 120 s. What a write
 * sets off goes on after its last arrival (the clients' checkpoint writes, the new longpolls),
 * and the next write is to find a quiet server, not a queue.
 */
const IDLE = { idleCpuMs: 30, maxMs: 120_000 };
/** Writes in a row that each missed more than half of their arrivals: the measurement stops there. */
const COLLAPSE_AFTER = 3;
const CONNECT_BATCH = 50;
const CATCH_UP_TIMEOUT_MS = 180_000;
const TARGETS = { p50: 30, p99: 100 };
const LOOP_RESOLUTION_MS = 5;

const procs = benchProcesses('mutual-latency-bench-');

PouchDB.plugin(memoryAdapter);
const MemoryPouch = PouchDB.defaults({ adapter: 'memory' });

// ---------------------------------------------------------------- waves: one write's arrivals

/** The writes in flight, by the offer's id (`<uuid>`; the document is `offer:<uuid>`). */
const waves = new Map();
const idOfDoc = (docId) => (typeof docId === 'string' && docId.startsWith('offer:') ? docId.slice(6) : undefined);

class Wave {
  constructor(wsCount, pouchCount) {
    this.t0 = NaN;
    /** Date.now() - performance.now() when the write was sent: maps the server's `time` stamp. */
    this.clockOffset = Date.now() - performance.now();
    /** When Mutual made the event (its `time`, ms resolution), on this process's clock. */
    this.emitted = NaN;
    this.ws = new Float64Array(wsCount).fill(NaN);
    this.pouch = new Float64Array(pouchCount).fill(NaN);
    // When the doc id first showed in a _changes / _bulk_get answer, per PouchDB client.
    this.changes = new Float64Array(pouchCount).fill(NaN);
    this.bulkGet = new Float64Array(pouchCount).fill(NaN);
    this.remaining = wsCount + pouchCount;
    this.done = new Promise((resolve) => (this.finish = resolve));
    if (this.remaining === 0) this.finish();
  }

  arrive(face, i, now) {
    const times = this[face];
    if (!Number.isNaN(times[i])) return;
    times[i] = now;
    this.remaining -= 1;
    if (this.remaining === 0) this.finish();
  }
}

// ---------------------------------------------------------------- clients

/** Opens `count` WebSocket clients of `url`, each with its token; resolves once all are ready. */
async function connectWsClients(url, tokens, count) {
  const clients = [];
  const target = `${url.replace(/^http/, 'ws')}/api/v1/events`;
  const connectOne = (i) => new Promise((resolve, reject) => {
    const token = tokens[i % tokens.length];
    const socket = new WebSocket(target, { headers: token ? { authorization: `Bearer ${token}` } : undefined, perMessageDeflate: false });
    const client = { socket, closedEarly: false, closing: false };
    const timer = setTimeout(() => reject(new Error(`WebSocket client ${i}: no "ready" within 30 s`)), 30_000);
    socket.on('message', (raw) => {
      const now = performance.now();
      let message;
      try {
        message = JSON.parse(String(raw));
      } catch {
        return;
      }
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(client);
      } else if (message.type === 'event' && message.event?.name === 'OfferPublished') {
        const wave = waves.get(message.event.data?.id);
        if (!wave) return;
        if (Number.isNaN(wave.emitted)) wave.emitted = Date.parse(message.event.time) - wave.clockOffset;
        wave.arrive('ws', i, now);
      }
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('unexpected-response', (_req, res) => {
      clearTimeout(timer);
      reject(new Error(`WebSocket client ${i}: HTTP ${res.statusCode}`));
    });
    socket.once('close', () => {
      if (!client.closing) client.closedEarly = true;
    });
  });
  for (let start = 0; start < count; start += CONNECT_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + CONNECT_BATCH); i += 1) batch.push(connectOne(i));
    clients.push(...(await Promise.all(batch)));
  }
  return {
    closedEarly: () => clients.filter((c) => c.closedEarly).length,
    async close() {
      await Promise.all(clients.map((client) => new Promise((resolve) => {
        client.closing = true;
        if (client.socket.readyState === WebSocket.CLOSED) return resolve();
        client.socket.once('close', resolve);
        client.socket.close();
        setTimeout(() => {
          client.socket.terminate();
          resolve();
        }, 5000).unref();
      })));
    },
  };
}

/**
 * The PouchDB clients' connections: kept alive, and a free one closed after 2 s. Node's global
 * agent keeps a free socket 5 s, as long as the servers keep it (Node's keepAliveTimeout): a
 * client whose event loop is busy (1,000 replications in one process) then reuses a socket
 * the server has just closed and gets ECONNRESET (seen on ~100 `_bulk_get` requests in a run),
 * which PouchDB answers with a retry after a random back-off of up to seconds. Browsers retry
 * such a request at once; this keeps the artefact out of the measurement.
 */
const clientAgent = new Agent({ keepAlive: true, scheduling: 'lifo', timeout: 2000 });

/** Requests the PouchDB clients sent, by kind (`GET _changes`, `PUT _local`, …). */
const requestCounts = new Map();

function requestKind(url, method = 'GET') {
  const { pathname } = new URL(url);
  const part = pathname.split('/').filter(Boolean).map(decodeURIComponent).find((p) => p.startsWith('_')) ?? (pathname.endsWith('/') ? '(db root)' : '(doc)');
  return `${method} ${part}`;
}

/**
 * A fetch for the PouchDB client `i`: adds its bearer token, and notes when an offer being
 * measured first shows in a `_changes` or `_bulk_get` answer (the latency split).
 */
function clientFetch(i, token) {
  return async (url, init) => {
    const kind = requestKind(url, init?.method);
    requestCounts.set(kind, (requestCounts.get(kind) ?? 0) + 1);
    const headers = new Headers(init?.headers);
    if (token) headers.set('Authorization', `Bearer ${token}`);
    const response = await PouchDB.fetch(url, { ...init, headers, agent: clientAgent });
    const stage = url.includes('/_changes') ? 'changes' : url.includes('/_bulk_get') ? 'bulkGet' : undefined;
    if (stage) {
      const json = response.json.bind(response);
      response.json = async () => {
        const body = await json();
        const now = performance.now();
        if (waves.size > 0 && Array.isArray(body?.results)) {
          for (const row of body.results) {
            const wave = waves.get(idOfDoc(row?.id));
            if (wave && Number.isNaN(wave[stage][i])) wave[stage][i] = now;
          }
        }
        return body;
      };
    }
    return response;
  };
}

let replicaCounter = 0;

/** Starts `count` live pull replications of `dbUrl` into in-memory replicas; resolves once each caught up. */
async function startPouchClients(dbUrl, tokens, count) {
  const clients = [];
  const errors = [];
  const pauseReasons = new Map();
  const startOne = (i) => {
    const token = tokens[i % tokens.length];
    const local = new MemoryPouch(`replica-${(replicaCounter += 1)}`);
    const remote = new PouchDB(dbUrl, { skip_setup: true, fetch: clientFetch(i, token) });
    const feed = local.changes({ since: 'now', live: true, return_docs: false });
    feed.on('change', (change) => {
      const now = performance.now();
      waves.get(idOfDoc(change.id))?.arrive('pouch', i, now);
    });
    const replication = local.replicate.from(remote, { live: true, retry: true });
    const client = { local, remote, feed, replication, errors: 0 };
    replication.on('error', (error) => errors.push(`client ${i}: ${error?.message ?? error}`));
    replication.on('paused', (error) => {
      if (!error) return;
      client.errors += 1;
      const reason = String(error?.message ?? error?.reason ?? error).slice(0, 120);
      pauseReasons.set(reason, (pauseReasons.get(reason) ?? 0) + 1);
    });
    clients.push(client);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`PouchDB client ${i}: not caught up within ${CATCH_UP_TIMEOUT_MS / 1000} s`)), CATCH_UP_TIMEOUT_MS);
      const onPaused = (error) => {
        if (error) return; // retrying
        clearTimeout(timer);
        replication.removeListener('paused', onPaused);
        resolve();
      };
      replication.on('paused', onPaused);
      replication.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  };
  for (let start = 0; start < count; start += CONNECT_BATCH) {
    const batch = [];
    for (let i = start; i < Math.min(count, start + CONNECT_BATCH); i += 1) batch.push(startOne(i));
    await Promise.all(batch);
  }
  return {
    retries: () => clients.reduce((sum, c) => sum + c.errors, 0),
    pauseReasons,
    errors,
    async close() {
      for (const client of clients) {
        client.replication.cancel();
        client.feed.cancel();
      }
      await Promise.allSettled(clients.map((client) => client.local.destroy()));
      await Promise.allSettled(clients.map((client) => client.remote.close()));
    },
  };
}

/** What went wrong in a set of replications (paused on an error and retried, or failed), or ''. */
function pouchTrouble(clients) {
  const retries = clients.retries();
  if (retries === 0 && clients.errors.length === 0) return '';
  const reasons = [...clients.pauseReasons].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([reason, n]) => `${n} x ${reason}`).join('; ');
  return `replications paused on an error ${retries} times (and retried${reasons ? `: ${reasons}` : ''})` +
    (clients.errors.length > 0 ? `; ${clients.errors.length} failed, e.g. ${clients.errors.slice(0, 3).join('; ')}` : '');
}

// ---------------------------------------------------------------- servers

function offerDoc(id, author) {
  const time = new Date().toISOString();
  return { _id: `offer:${id}`, type: 'offer', schema: 1, createdAt: time, updatedAt: time, author, name: `Offer ${id.slice(0, 8)}`, content: 'Fresh bread every Saturday morning.' };
}

/** With --profile: a fresh temp folder for the server's .cpuprofile. */
const profileDir = async (name) => (PROFILE ? procs.tempDir(`cpu-profile-${name}`) : undefined);

async function startMutual() {
  const dataDir = await procs.tempDir('mutual-data');
  const cpuProfDir = await profileDir('mutual');
  const { server, issuer } = await startMutualChild(procs, dataDir, { cpuProfDir, logLevel: 'warn' });
  const { url } = server;
  const token = (sub) => issuer.issueToken(sub, { audience: 'mutual', expiresIn: '12h' });

  const code = `latency-${process.pid.toString(36)}`;
  const manager = 'bench-manager';
  const users = Array.from({ length: USERS }, (_, i) => `bench-user-${String(i).padStart(2, '0')}`);
  const api = `${url}/api/v1/communities`;
  expectStatus(await http(api, { method: 'POST', token: await token(manager), body: { code, name: `Latency ${code}`, type: 'open' } }),
    201, `community ${code} not created`);
  const tokens = [];
  for (const user of users) {
    const userToken = await token(user);
    expectStatus(await http(`${api}/${code}/users`, { method: 'POST', token: userToken, body: { userId: user } }), 201, `${user} could not join`);
    tokens.push(userToken);
  }
  const dbUrl = `${url}/db/group-${code}`;
  const writer = users[0];
  const writerToken = tokens[0];
  return {
    ...server,
    profileDir: cpuProfDir,
    code,
    dbUrl,
    tokens,
    async write(id) {
      const doc = offerDoc(id, writer);
      const t0 = performance.now();
      const result = await http(`${dbUrl}/${encodeURIComponent(doc._id)}`, { method: 'PUT', token: writerToken, body: doc });
      return { t0, ...result, ok: result.status === 201 };
    },
  };
}

async function startPlain() {
  const dataDir = await procs.tempDir('plain-data');
  const cpuProfDir = await profileDir('plain');
  const server = await procs.startChild('plain', [...cpuProfFlags(cpuProfDir), PLAIN_SERVER, dataDir], { cwd: dataDir, readyMsg: 'plain is listening' });
  const dbUrl = `${server.url}/latency`;
  expectStatus(await http(dbUrl, { method: 'PUT' }), 201, 'plain: database not created');
  return {
    ...server,
    profileDir: cpuProfDir,
    dbUrl,
    tokens: [undefined],
    async write(id) {
      const doc = offerDoc(id, 'bench-user-00');
      const t0 = performance.now();
      const result = await http(`${dbUrl}/${encodeURIComponent(doc._id)}`, { method: 'PUT', body: doc });
      return { t0, ...result, ok: result.status === 201 };
    },
  };
}

async function startBareWs() {
  const server = await procs.startChild('bare ws', [WS_SERVER], { cwd: procs.root, readyMsg: 'ws is listening' });
  let seq = 0;
  return {
    ...server,
    tokens: [undefined],
    async write(id) {
      // What Mutual would send for the same offer (delivered() of server/src/notifications).
      const doc = offerDoc(id, 'bench-user-00');
      seq += 1;
      const message = JSON.stringify({
        type: 'event',
        event: {
          id: `OfferPublished:latency:${doc._id}`, name: 'OfferPublished', group: 'latency', time: doc.createdAt, seq,
          data: { type: 'offer', id, code: `O${id.slice(0, 6).toUpperCase()}`, author: doc.author, access: 'group', title: doc.name },
        },
      });
      const t0 = performance.now();
      const result = await http(`${server.url}/broadcast`, { method: 'POST', body: message });
      return { t0, ...result, ok: result.status === 204 };
    },
  };
}

// ---------------------------------------------------------------- measuring

/** After a --profile run: keeps the server's .cpuprofile and tells where its time went during each measurement. */
async function profileReport(server, label, measurements) {
  const kept = await keepCpuProfile(server.profileDir, path.join(HERE, 'profiles'), label.toLowerCase().replace(/\W+/g, '-'));
  if (!kept) {
    console.log(`\n${label}: no .cpuprofile written`);
    return;
  }
  for (const measurement of measurements.filter(Boolean)) {
    const summary = summarizeProfile(kept.profile, [measurement.window]);
    console.log(`\n---- ${label} during "${measurement.label}" (${measurement.writes} writes; profile at ${path.relative(process.cwd(), kept.path)}) ----`);
    console.log(formatSummary(summary, 20));
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function stats(values) {
  const sorted = Float64Array.from(values).sort();
  return { n: sorted.length, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * WARMUP untimed writes, then `writes` measured ones, each waiting for all its arrivals (or
 * TIMEOUT_MS) and then SPACING_MS; the latencies of each face over all clients x writes.
 */
async function measure(label, server, { ws = 0, pouch = 0, writes = WRITES }) {
  const latencies = { ws: [], pouch: [] };
  const missing = { ws: 0, pouch: 0 };
  const split = { changes: [], bulkGet: [], local: [], emitted: [], delivered: [] };
  const acks = [];
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  let cpuServer = NaN;
  let cpuBench;
  const loadStart = loadAverage();
  const started = performance.now();
  const window = {};
  phase = `measuring ${label}`;

  const settled = [];
  /** Per PouchDB client, how many measured writes it missed (stuck clients vs slow ones). */
  const missedBy = new Uint16Array(pouch);
  let measured = 0;
  let badInARow = 0;
  let collapsed;
  for (let k = -WARMUP; k < writes; k += 1) {
    await sleep(SPACING_MS);
    const waited = await settle(server, IDLE);
    if (k >= 0) settled.push(waited);
    if (k === 0) {
      window.fromUs = nowUs();
      requestCounts.clear();
      cpuServer = cpuMsOf(server.child.pid);
      cpuBench = process.cpuUsage();
      loop.enable();
    }
    const id = randomUUID();
    const wave = new Wave(ws, pouch);
    waves.set(id, wave);
    // t0 is taken inside write(), just before the request is sent.
    const result = await server.write(id);
    wave.t0 = result.t0;
    const ackMs = performance.now() - result.t0;
    if (!result.ok) throw new Error(`${label}: the write failed: HTTP ${result.status} ${JSON.stringify(result.body)}`);
    const timeout = k === -WARMUP ? FIRST_WARMUP_TIMEOUT_MS : TIMEOUT_MS;
    let timer;
    await Promise.race([wave.done, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, wave.t0 + timeout - performance.now()))))]);
    clearTimeout(timer);
    waves.delete(id);
    console.log(`    ${k < 0 ? `warm-up ${k + WARMUP + 1}/${WARMUP}` : `write ${k + 1}/${writes}`}: acknowledged in ${ms(ackMs)} ms; ` +
      [['WS', wave.ws], ['Pouch', wave.pouch]].filter(([, times]) => times.length > 0).map(([face, times]) => {
        const arrived = times.filter((at) => !Number.isNaN(at));
        const last = arrived.length > 0 ? Math.max(...arrived) - wave.t0 : NaN;
        return `${face} ${arrived.length}/${times.length}${arrived.length > 0 ? ` (last at ${ms(last)} ms)` : ''}`;
      }).join(', '));
    if (k >= 0) {
      measured += 1;
      acks.push(ackMs);
      badInARow = wave.remaining > (ws + pouch) / 2 ? badInARow + 1 : 0;
      for (const face of ['ws', 'pouch']) {
        for (const at of wave[face]) {
          if (Number.isNaN(at)) missing[face] += 1;
          else latencies[face].push(at - wave.t0);
        }
      }
      wave.pouch.forEach((at, i) => {
        if (Number.isNaN(at)) missedBy[i] += 1;
      });
      if (ws > 0 && !Number.isNaN(wave.emitted)) {
        split.emitted.push(wave.emitted - wave.t0);
        for (const at of wave.ws) if (!Number.isNaN(at)) split.delivered.push(at - wave.emitted);
      }
      for (let i = 0; i < pouch; i += 1) {
        const { t0 } = wave;
        const [changes, bulkGet, local] = [wave.changes[i], wave.bulkGet[i], wave.pouch[i]];
        if (Number.isNaN(changes) || Number.isNaN(bulkGet) || Number.isNaN(local)) continue;
        split.changes.push(changes - t0);
        split.bulkGet.push(bulkGet - changes);
        split.local.push(local - bulkGet);
      }
      if (badInARow >= COLLAPSE_AFTER && k < writes - 1) {
        collapsed = measured;
        console.log(`    stopped: ${COLLAPSE_AFTER} writes in a row missed more than half of their arrivals`);
        break;
      }
    }
  }
  // The last write's own tail (checkpoints, new longpolls) is part of what it cost.
  await settle(server, IDLE);
  window.toUs = nowUs();
  phase = `after ${label}`;
  loop.disable();
  const benchCpu = process.cpuUsage(cpuBench);
  const requests = [...requestCounts].sort((a, b) => b[1] - a[1]).map(([kind, count]) => [kind, count / measured / Math.max(1, pouch)]);
  const elapsed = performance.now() - started;
  return {
    label,
    ws: { ...stats(latencies.ws), missing: missing.ws, clients: ws, writes: measured },
    pouch: { ...stats(latencies.pouch), missing: missing.pouch, clients: pouch, writes: measured },
    acks: stats(acks),
    requests,
    window,
    split: Object.fromEntries(Object.entries(split).map(([key, values]) => [key, stats(values)])),
    cpuServerPerWrite: (cpuMsOf(server.child.pid) - cpuServer) / measured,
    cpuBenchPerWrite: (benchCpu.user + benchCpu.system) / 1000 / measured,
    writes: measured,
    collapsed,
    planned: writes,
    pouchMissedAny: missedBy.filter((n) => n > 0).length,
    pouchMissedAll: measured > 0 ? missedBy.filter((n) => n === measured).length : 0,
    settled: stats(settled),
    // The histogram counts the sampling timer's own period in: what is beyond it is the delay.
    loopDelay: Object.fromEntries([['p50', loop.percentile(50)], ['p99', loop.percentile(99)], ['max', loop.max]]
      .map(([key, ns]) => [key, Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS)])),
    load: { start: loadStart, end: loadAverage() },
    seconds: elapsed / 1000,
  };
}

// ---------------------------------------------------------------- report

const ms = (value) => (Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(1) : value.toFixed(0));
const ratio = (a, b) => (Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '-' : `${(a / b).toFixed(2)}x`);
const met = (value, target) => (Number.isNaN(value) ? '-' : value <= target ? 'yes' : 'NO');

function report(results) {
  const { mutualBoth, mutualPouch, mutualWs, plain, bare } = results;
  const rows = [
    ['WebSocket', `Mutual, both faces (${WS_CLIENTS} WS + ${POUCH_CLIENTS} Pouch)`, mutualBoth?.ws],
    ['WebSocket', `Mutual, WS clients only`, mutualWs?.ws],
    ['WebSocket', `bare ws (baseline)`, bare?.ws],
    ['PouchDB', `Mutual, both faces (${WS_CLIENTS} WS + ${POUCH_CLIENTS} Pouch)`, mutualBoth?.pouch],
    ['PouchDB', `Mutual, Pouch clients only`, mutualPouch?.pouch],
    ['PouchDB', `plain express-pouchdb (baseline)`, plain?.pouch],
  ].filter(([, , s]) => s && s.clients > 0);
  console.log(`\nLatency from write to arrival, ms (over writes x clients; missing = not arrived within ${TIMEOUT_MS / 1000} s)\n`);
  table(
    ['face', 'server', 'clients', 'writes', 'arrivals', 'missing', 'p50', 'p90', 'p99', 'max', `p50 <= ${TARGETS.p50}`, `p99 <= ${TARGETS.p99}`],
    rows.map(([face, server, s]) => [face, server, String(s.clients), String(s.writes), String(s.n), String(s.missing), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max), met(s.p50, TARGETS.p50), met(s.p99, TARGETS.p99)]),
  );
  for (const r of [mutualBoth, mutualPouch, plain].filter((x) => x?.pouchMissedAny > 0))
    console.log(`  ${r.label}: ${r.pouchMissedAny} PouchDB clients missed at least one write, ${r.pouchMissedAll} missed all ${r.writes}`);
  for (const r of [mutualBoth, mutualPouch, mutualWs, plain, bare].filter((x) => x?.collapsed))
    console.log(`  ${r.label}: stopped after ${r.collapsed} of ${r.planned} writes, ${COLLAPSE_AFTER} in a row having missed more than half of their arrivals`);
  const ratios = [
    ['WebSocket', 'both faces / bare ws', mutualBoth?.ws, bare?.ws],
    ['WebSocket', 'WS only / bare ws', mutualWs?.ws, bare?.ws],
    ['PouchDB', 'both faces / plain', mutualBoth?.pouch, plain?.pouch],
    ['PouchDB', 'Pouch only / plain', mutualPouch?.pouch, plain?.pouch],
  ].filter(([, , a, b]) => a?.n > 0 && b?.n > 0);
  console.log('\nMutual / baseline (same run, same clients; 1.00x = as fast, higher = slower)\n');
  table(['face', 'Mutual measurement / baseline', 'p50', 'p99'], ratios.map(([face, what, a, b]) => [face, what, ratio(a.p50, b.p50), ratio(a.p99, b.p99)]));

  console.log('\nPer measurement: write acknowledged (p50/p99 ms); server and bench CPU per write (ms); server busy before a write (p50/max ms, waited ' +
    'out); bench event-loop delay (p50/p99/max ms); load average at start -> end; duration');
  for (const r of [mutualBoth, mutualPouch, mutualWs, plain, bare].filter(Boolean)) {
    console.log(`  ${r.label.padEnd(26)} ack ${ms(r.acks.p50)}/${ms(r.acks.p99)}  CPU server ${ms(r.cpuServerPerWrite)} bench ${ms(r.cpuBenchPerWrite)}  ` +
      `busy ${ms(r.settled.p50)}/${ms(r.settled.max)}  ` +
      `loop ${ms(r.loopDelay.p50)}/${ms(r.loopDelay.p99)}/${ms(r.loopDelay.max)}  load ${r.load.start} -> ${r.load.end}  ${r.seconds.toFixed(0)} s`);
  }
  console.log('\nPouchDB latency split (p50 / p99 ms): write -> _changes answered with it; -> _bulk_get answered; -> in the local changes feed');
  for (const r of [mutualBoth, mutualPouch, plain].filter((x) => x?.pouch.n > 0)) {
    const { changes, bulkGet, local } = r.split;
    console.log(`  ${r.label.padEnd(26)} ${ms(changes.p50)} / ${ms(changes.p99)}   +${ms(bulkGet.p50)} / +${ms(bulkGet.p99)}   +${ms(local.p50)} / +${ms(local.p99)}   (${changes.n} complete)`);
  }
  console.log('\nRequests per PouchDB client per write (what each write costs the server, times the clients):');
  for (const r of [mutualBoth, mutualPouch, plain].filter((x) => x?.pouch.n > 0)) {
    console.log(`  ${r.label.padEnd(26)} ${r.requests.filter(([, n]) => n >= 0.01).map(([kind, n]) => `${kind} ${n.toFixed(2)}`).join(', ')}`);
  }
  console.log('\nWebSocket latency split (p50 / p99 ms): write -> Mutual made the event (its `time`, ms resolution); -> received by a client');
  for (const r of [mutualBoth, mutualWs].filter((x) => x?.ws.n > 0)) {
    const { emitted, delivered } = r.split;
    console.log(`  ${r.label.padEnd(26)} ${ms(emitted.p50)} / ${ms(emitted.p99)}   +${ms(delivered.p50)} / +${ms(delivered.p99)}`);
  }
}

// ---------------------------------------------------------------- main

function openFilesLimit() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    return Number(line?.split(/\s+/)[3]);
  } catch {
    return NaN;
  }
}

// PouchDB's replicator can leave a rejected promise behind (a request cut by the server, a
// retry racing a cancel): counted and shown, not fatal, as a browser would not die of it.
const unhandled = [];
/** What the bench is doing, for the unhandled rejections' report. */
let phase = 'setting up';
process.on('unhandledRejection', (error) => {
  if (procs.interrupted) return;
  unhandled.push(`${phase}: ${String(error?.message ?? error)}`);
});

async function main() {
  await procs.init();
  const cpus = os.cpus();
  console.log('Mutual latency benchmark (bench/latency)');
  console.log(`${machine()}, PouchDB ${PouchDB.version}`);
  console.log(`${WS_CLIENTS} WebSocket + ${POUCH_CLIENTS} PouchDB clients over ${USERS} users; ${WRITES} writes (+${WARMUP} warm-up), ` +
    `each after the previous one's arrivals, ${SPACING_MS} ms and an idle server; timeout ${TIMEOUT_MS / 1000} s`);
  const needed = WS_CLIENTS + 2 * POUCH_CLIENTS + 100;
  const limit = openFilesLimit();
  console.log(`open files limit ${Number.isNaN(limit) ? 'unknown' : limit} (this process needs some ${needed})`);
  if (limit < needed) throw new Error(`raise the open files limit (ulimit -n ${needed * 2}) to run ${WS_CLIENTS} + ${POUCH_CLIENTS} clients`);
  const loadAtStart = loadAverage();
  console.log(`load average at start: ${loadAtStart}\n`);
  const results = {};

  // Mutual: both faces, then Pouch only, then WS only.
  const mutual = await startMutual();
  console.log(`Mutual at ${mutual.url}, community ${mutual.code} with ${USERS} members`);
  let t = performance.now();
  let wsClients = await connectWsClients(mutual.url, mutual.tokens, WS_CLIENTS);
  console.log(`  ${WS_CLIENTS} WebSocket clients ready in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const pouchClients = await startPouchClients(mutual.dbUrl, mutual.tokens, POUCH_CLIENTS);
  console.log(`  ${POUCH_CLIENTS} PouchDB clients caught up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  if (WS_CLIENTS + POUCH_CLIENTS > 0) {
    results.mutualBoth = await measure('Mutual, both faces', mutual, { ws: WS_CLIENTS, pouch: POUCH_CLIENTS });
    console.log(`  measured both faces: WS p50 ${ms(results.mutualBoth.ws.p50)} p99 ${ms(results.mutualBoth.ws.p99)}, Pouch p50 ${ms(results.mutualBoth.pouch.p50)} p99 ${ms(results.mutualBoth.pouch.p99)}`);
  }
  const wsClosedEarly = wsClients.closedEarly();
  await wsClients.close();
  if (POUCH_CLIENTS > 0 && WS_CLIENTS > 0) {
    results.mutualPouch = await measure('Mutual, Pouch only', mutual, { pouch: POUCH_CLIENTS });
    console.log(`  measured Pouch only: p50 ${ms(results.mutualPouch.pouch.p50)} p99 ${ms(results.mutualPouch.pouch.p99)}`);
  }
  const troubleMutual = pouchTrouble(pouchClients);
  await pouchClients.close();
  if (WS_CLIENTS > 0 && POUCH_CLIENTS > 0) {
    wsClients = await connectWsClients(mutual.url, mutual.tokens, WS_CLIENTS);
    results.mutualWs = await measure('Mutual, WS only', mutual, { ws: WS_CLIENTS });
    console.log(`  measured WS only: p50 ${ms(results.mutualWs.ws.p50)} p99 ${ms(results.mutualWs.ws.p99)}`);
    await wsClients.close();
  }
  if (wsClosedEarly > 0) console.log(`  note: ${wsClosedEarly} WebSocket clients were closed by the server during the both-faces measurement`);
  if (troubleMutual) console.log(`  note: ${troubleMutual}`);
  await mutual.stop();
  const profiled = [];
  if (PROFILE) profiled.push(() => profileReport(mutual, 'Mutual', [results.mutualBoth, results.mutualPouch, results.mutualWs]));

  // Baseline: plain express-pouchdb with the same PouchDB clients.
  if (POUCH_CLIENTS > 0) {
    const plain = await startPlain();
    console.log(`plain express-pouchdb at ${plain.url}`);
    t = performance.now();
    const plainClients = await startPouchClients(plain.dbUrl, plain.tokens, POUCH_CLIENTS);
    console.log(`  ${POUCH_CLIENTS} PouchDB clients caught up in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    results.plain = await measure('plain express-pouchdb', plain, { pouch: POUCH_CLIENTS, writes: BASELINE_WRITES });
    console.log(`  measured: p50 ${ms(results.plain.pouch.p50)} p99 ${ms(results.plain.pouch.p99)}`);
    const troublePlain = pouchTrouble(plainClients);
    if (troublePlain) console.log(`  note: ${troublePlain}`);
    await plainClients.close();
    await plain.stop();
    if (PROFILE) profiled.push(() => profileReport(plain, 'plain', [results.plain]));
  }

  // Baseline: a bare ws broadcast to the same number of WebSocket clients.
  if (WS_CLIENTS > 0) {
    const bare = await startBareWs();
    console.log(`bare ws at ${bare.url}`);
    const bareClients = await connectWsClients(bare.url, bare.tokens, WS_CLIENTS);
    results.bare = await measure('bare ws', bare, { ws: WS_CLIENTS });
    console.log(`  measured: p50 ${ms(results.bare.ws.p50)} p99 ${ms(results.bare.ws.p99)}`);
    await bareClients.close();
    await bare.stop();
  }

  console.log(`\nResults: node ${process.version}, ${cpus.length} CPUs, load average at start ${loadAtStart}, at end ${loadAverage()}` +
    (os.loadavg()[0] > cpus.length ? ' (more than the CPUs: other work shares the machine)' : ''));
  report(results);
  if (unhandled.length > 0) {
    const counts = new Map();
    for (const entry of unhandled) counts.set(entry, (counts.get(entry) ?? 0) + 1);
    console.log(`\nunhandled rejections in the clients (PouchDB internals; the replications retry): ${[...counts].map(([entry, n]) => `${n} x ${entry}`).join('; ')}`);
  }
  for (const print of profiled) await print();
}

// Live replications, sockets and timers of a failed run would keep the process up.
procs.run(main).then(() => process.exit());
