import { createMutualClient, type MutualClient, type MutualClientOptions } from '@mutual/client';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, beforeAll } from 'vitest';
import { startMutual, type MutualProcess } from './mutual-process.js';

let clients = 0;

/** The server a test talks to now: restarts replace the process, the address stays. */
export interface ServerHandle {
  readonly current: MutualProcess;
  /** SIGTERM the server (the network is "gone" for every client). */
  stop(): Promise<void>;
  /** Starts it again on the same data folder and the same port. */
  start(): Promise<void>;
}

/**
 * The server of the calling file or `describe` block: started in its `beforeAll`, stopped in
 * its `afterAll`. The handle works from that `beforeAll` on (in tests and later hooks).
 */
export function useServer(): ServerHandle {
  let running: MutualProcess | undefined;
  const current = (): MutualProcess => {
    if (!running) throw new Error('useServer(): the server is not started yet (it starts in beforeAll)');
    return running;
  };
  beforeAll(async () => {
    running = await startMutual();
  });
  afterAll(async () => {
    await running?.stop();
  });
  return {
    get current() {
      return current();
    },
    async stop() {
      await current().stop();
    },
    async start() {
      const { url, dataDir } = current();
      running = await startMutual({ dataDir, env: { PORT: new URL(url).port } });
    },
  };
}

/**
 * A client of the handle's server as `user`, on RxDB's memory storage with dev-mode on. The
 * memory storage keeps a database's data in the process after `close()`: opening the same
 * `name` again is a restart of the client.
 */
export async function openClient(server: ServerHandle, user: string, options: Partial<MutualClientOptions> = {}): Promise<MutualClient> {
  clients += 1;
  return createMutualClient({
    url: server.current.url,
    getToken: () => server.current.token(user),
    storage: getRxStorageMemory(),
    name: `client${process.pid}x${clients}`,
    devMode: true,
    retryTimeMs: 500,
    probeIntervalMs: 100,
    ...options,
  });
}

/**
 * A client's own network: `down()` fails its requests (those in flight too) as a lost
 * connection would, while the server goes on serving everyone else.
 */
export interface NetworkSwitch {
  fetch: typeof fetch;
  down(): void;
  up(): void;
}

export function networkSwitch(): NetworkSwitch {
  let isDown = false;
  const inFlight = new Set<(error: Error) => void>();
  return {
    fetch: (input, init) => {
      if (isDown) return Promise.reject(new TypeError('fetch failed: the network is down'));
      const controller = new AbortController();
      const signal = init?.signal ? AbortSignal.any([init.signal, controller.signal]) : controller.signal;
      return new Promise<Response>((resolve, reject) => {
        const cut = (error: Error) => {
          reject(error);
          controller.abort();
        };
        inFlight.add(cut);
        fetch(input, { ...init, signal }).then(resolve, reject).finally(() => inFlight.delete(cut));
      });
    },
    down() {
      isDown = true;
      for (const cut of inFlight) cut(new TypeError('fetch failed: the network went down'));
      inFlight.clear();
    },
    up() {
      isDown = false;
    },
  };
}
