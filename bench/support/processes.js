// Child processes and temp folders for a benchmark script, cleaned up on every way out:
// normal end, a thrown error, process.exit(), SIGINT/SIGTERM. Shared by the benchmark
// scripts (bench/latency, bench/ledger, bench/replication).
//
//   const procs = benchProcesses('mutual-latency-bench-');
//   async function main() {
//     await procs.init();                       // makes the temp root under the OS temp dir
//     const dir = await procs.tempDir('data');  // a folder inside it
//     const server = await procs.startChild('name', [script, ...args], { readyMsg | readyUrl });
//     ...
//   }
//   procs.run(main);                            // reports a failure; stops the children, removes the temp root
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from './clock.js';

/** How long startChild polls a `readyUrl` for: a server's start, not its warm-up. */
const READY_TIMEOUT_MS = 60_000;

/** A free TCP port on 127.0.0.1 (free when asked: the child that gets it binds it at once). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** CPU time (user + system, all threads: LevelDB's work included) of a process in ms, from /proc; NaN where there is none. */
export function cpuMsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, 10 ms ticks (CLK_TCK 100)
  } catch {
    return NaN;
  }
}

export function benchProcesses(prefix) {
  let tempRoot;
  let interrupted = false;
  const children = new Set();

  async function stopChild(entry) {
    if (!children.has(entry)) return;
    children.delete(entry);
    if (entry.child.exitCode !== null || entry.child.signalCode !== null) return;
    entry.child.kill('SIGTERM');
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), 10_000);
    await entry.exited;
    clearTimeout(timer);
  }

  async function cleanup() {
    await Promise.allSettled([...children].map(stopChild));
    if (tempRoot) await rm(tempRoot, { recursive: true, force: true }).catch(() => undefined);
    tempRoot = undefined;
  }

  // Last resort when the process exits without the async cleanup (uncaught error, exit()).
  process.on('exit', () => {
    for (const { child } of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      interrupted = true;
      process.stderr.write(`\n${signal}: stopping the servers and removing temp folders\n`);
      cleanup().finally(() => process.exit(130));
    });
  }

  return {
    get root() {
      return tempRoot;
    },
    /** True once SIGINT/SIGTERM started the cleanup: a failure after that is not the bench's own. */
    get interrupted() {
      return interrupted;
    },
    async init() {
      tempRoot = await mkdtemp(path.join(os.tmpdir(), prefix));
      return tempRoot;
    },
    async tempDir(name) {
      const dir = path.join(tempRoot, name);
      await mkdir(dir, { recursive: true });
      return dir;
    },

    /**
     * Runs a script's `main`, then cleans up. A failure is written to stderr with exit code 1,
     * unless SIGINT/SIGTERM stopped the servers under it (then it is not the bench's own).
     */
    async run(main) {
      try {
        await main();
      } catch (error) {
        if (interrupted) return;
        process.stderr.write(`\nbenchmark failed: ${error?.stack ?? error}\n`);
        process.exitCode = 1;
      } finally {
        await cleanup();
      }
    },

    /**
     * Spawns `node <args>` and waits until it is ready: either the JSON log line whose `msg` is
     * `readyMsg` (its `url` is the server's) or, with `readyUrl`, until GET `readyUrl + readyPath`
     * answers 200 (for a server that logs nothing at its log level). Lines at level >= echoLevel
     * (default 50, pino's error; 40 adds warnings) are echoed to stderr with the child's name.
     */
    async startChild(name, args, { env = {}, cwd, readyMsg, readyUrl, readyPath = '/', echoLevel = 50 }) {
      const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
      const entry = { name, child, exited };
      children.add(entry);
      let stderr = '';
      child.stderr.on('data', (chunk) => {
        stderr = (stderr + chunk.toString()).slice(-20_000);
      });
      let logged;
      const lines = createInterface({ input: child.stdout });
      const fromLog = new Promise((resolve) => (logged = resolve));
      lines.on('line', (line) => {
        let parsed;
        try {
          parsed = JSON.parse(line);
        } catch {
          return;
        }
        if (readyMsg && parsed.msg === readyMsg) logged(String(parsed.url));
        else if (parsed.level >= echoLevel) process.stderr.write(`[${name}] ${line}\n`);
      });
      const died = exited.then((code) => {
        throw new Error(`${name} exited (${code}) before it was ready:\n${stderr}`);
      });
      const polled = readyUrl
        ? (async () => {
          const deadline = Date.now() + READY_TIMEOUT_MS;
          for (;;) {
            if (child.exitCode !== null) return new Promise(() => undefined); // `died` answers
            try {
              const response = await fetch(readyUrl + readyPath);
              await response.arrayBuffer();
              if (response.status === 200) return readyUrl;
            } catch {
              // not listening yet
            }
            if (Date.now() > deadline) throw new Error(`${name}: ${readyUrl}${readyPath} did not answer 200 within ${READY_TIMEOUT_MS} ms`);
            await sleep(50);
          }
        })()
        : fromLog;
      const url = await Promise.race([polled, died]);
      died.catch(() => undefined);
      return { ...entry, url, stop: () => stopChild(entry) };
    },
  };
}
