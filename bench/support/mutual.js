// Mutual as the server under test of a benchmark script: a child process with auth and rules on.
import { fileURLToPath } from 'node:url';
import { loadDevIssuer } from '@mutual/server';
import { cpuProfFlags } from './cpu-profile.js';
import { freePort } from './processes.js';

const MUTUAL_BIN = fileURLToPath(new URL('../../server/bin/mutual.js', import.meta.url));
const ADMIN = 'bench-operator:bench-admin-secret';

/**
 * Starts `node server/bin/mutual.js start` as a child of `procs` (benchProcesses) on 127.0.0.1
 * with `dataDir` as its data folder, under `node --cpu-prof` into `cpuProfDir` if one is given;
 * `echoLevel` as in startChild. At LOG_LEVEL `logLevel` (default info) it picks its own port
 * (PORT=0) and logs it; at `warn` it logs no "listening" line, so it gets a port picked
 * beforehand and is ready once GET /health answers. The child and the data folder's dev token
 * issuer.
 */
export async function startMutualChild(procs, dataDir, { cpuProfDir, echoLevel, logLevel = 'info' } = {}) {
  const port = logLevel === 'warn' ? await freePort() : 0;
  const ready = port ? { readyUrl: `http://127.0.0.1:${port}`, readyPath: '/health' } : { readyMsg: 'Mutual is listening' };
  const server = await procs.startChild('Mutual', [...cpuProfFlags(cpuProfDir), MUTUAL_BIN, 'start'], {
    cwd: dataDir,
    ...ready,
    echoLevel,
    env: { PORT: String(port), HOST: '127.0.0.1', MUTUAL_DATA_DIR: dataDir, MUTUAL_ADMIN: ADMIN, LOG_LEVEL: logLevel },
  });
  return { server, issuer: await loadDevIssuer(dataDir) };
}
