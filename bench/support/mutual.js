// Mutual as the server under test of a benchmark script: a child process with auth and rules on.
import { fileURLToPath } from 'node:url';
import { loadDevIssuer } from '@mutual/server';
import { cpuProfFlags } from './cpu-profile.js';

const MUTUAL_BIN = fileURLToPath(new URL('../../server/bin/mutual.js', import.meta.url));
const ADMIN = 'bench-operator:bench-admin-secret';

/**
 * Starts `node server/bin/mutual.js start` as a child of `procs` (benchProcesses) on a free port
 * (PORT=0) with `dataDir` as its data folder, under `node --cpu-prof` into `cpuProfDir` if one
 * is given; `echoLevel` as in startChild. The child and the data folder's dev token issuer.
 */
export async function startMutualChild(procs, dataDir, { cpuProfDir, echoLevel } = {}) {
  const server = await procs.startChild('Mutual', [...cpuProfFlags(cpuProfDir), MUTUAL_BIN, 'start'], {
    cwd: dataDir,
    readyMsg: 'Mutual is listening',
    echoLevel,
    env: { PORT: '0', HOST: '127.0.0.1', MUTUAL_DATA_DIR: dataDir, MUTUAL_ADMIN: ADMIN, LOG_LEVEL: 'info' },
  });
  return { server, issuer: await loadDevIssuer(dataDir) };
}
