import type { AnyRxStorage } from './database.js';
import type { CollectionName } from './schema/collection-layout.js';

export interface MutualClientOptions {
  /** The server's base URL: `https://mutual.example` (no `/db` or `/api`). */
  url: string;
  /** Returns a bearer token (an OIDC access token). Called again after a 401, so it may refresh. */
  getToken: () => Promise<string>;
  /**
   * Where documents are kept: `getRxStorageMemory()` (Node, tests) or `getRxStorageDexie()`
   * (browsers, IndexedDB), any RxDB storage.
   */
  storage: AnyRxStorage;
  /** The RxDB database name: one per user on a device. Default `mutual`. */
  name?: string;
  /**
   * The collections to open (default: all ten). An app that only pays needs `accounts`,
   * `transfers` and `ledger`.
   */
  collections?: readonly CollectionName[];
  /** RxDB's dev-mode: schema, query and write checks (slower; for development and tests). */
  devMode?: boolean;
  /** How long RxDB waits before retrying a failed pull or push that was not about the network. Default 5000. */
  retryTimeMs?: number;
  /** How often an unreachable server is probed, at first (it backs off to 5 s). Default 250. */
  probeIntervalMs?: number;
  fetch?: typeof fetch;
}
