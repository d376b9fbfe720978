// Waiting until a server under test is idle, so that work left running in the background by
// what came before is not charged to the measurement that follows.
import { performance } from 'node:perf_hooks';
import { sleep } from './clock.js';
import { cpuMsOf } from './processes.js';

const STEP_MS = 500;

/**
 * Waits until `server` (a child of benchProcesses) is idle: at most `idleCpuMs` of CPU time
 * (user + system, all threads, from /proc) in one half-second step, or `maxMs` passed.
 * Resolves with how long the server stayed busy: the time waited less the last, quiet step
 * (0 where there is no /proc to watch).
 */
export async function settle(server, { idleCpuMs, maxMs }) {
  const start = performance.now();
  let before = cpuMsOf(server.child.pid);
  if (Number.isNaN(before)) return 0;
  for (;;) {
    await sleep(STEP_MS);
    const now = cpuMsOf(server.child.pid);
    if (now - before <= idleCpuMs || performance.now() - start > maxMs) return Math.max(0, performance.now() - start - STEP_MS);
    before = now;
  }
}
