import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { loadDevIssuer } from '@mutual/server';

const BIN = fileURLToPath(new URL('../../server/bin/mutual.js', import.meta.url));

export const ADMIN = { user: 'operator', password: 'test-admin-secret' };

export interface MutualProcess {
  url: string;
  dbUrl: string;
  dataDir: string;
  child: ChildProcess;
  /** Log lines (parsed pino JSON) the server printed so far. */
  logs: Record<string, unknown>[];
  token(sub: string, expiresIn?: string): Promise<string>;
  adminAuthorization: string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<number | null>;
  /** SIGKILL and wait for exit. */
  kill(): Promise<void>;
}

export async function tempDir(prefix = 'mutual-test-'): Promise<string> {
  return mkdtemp(path.join(tmpdir(), prefix));
}

/** Starts `mutual start` as a real process on an ephemeral loopback port. */
export async function startMutual(options: { dataDir?: string; env?: Record<string, string> } = {}): Promise<MutualProcess> {
  const dataDir = options.dataDir ?? (await tempDir());
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      MUTUAL_DATA_DIR: dataDir,
      MUTUAL_ADMIN: `${ADMIN.user}:${ADMIN.password}`,
      LOG_LEVEL: 'info',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'Mutual is listening') resolve(String(entry.url));
      } catch {
        logs.push({ msg: line });
      }
    });
    void exited.then((code) => reject(new Error(`mutual exited with ${code} before listening:\n${stderr}`)));
  });

  const issuer = await loadDevIssuer(dataDir);
  return {
    url,
    dbUrl: `${url}/db`,
    dataDir,
    child,
    logs,
    token: (sub, expiresIn) => issuer.issueToken(sub, { audience: 'mutual', ...(expiresIn && { expiresIn }) }),
    adminAuthorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString('base64')}`,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
