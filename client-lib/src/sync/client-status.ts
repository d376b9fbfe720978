import { combineLatest, distinctUntilChanged, map, type Observable } from 'rxjs';
import type { Connection } from '../http/connection.js';
import type { SyncEngine } from './sync-engine.js';

/**
 * What the client tells its user about the sync:
 * - `offline`: the server does not answer (local reads and writes go on);
 * - `error`: it answers but refuses something that retrying will not fix by itself (a token
 *   refused even after `getToken`, a group that no longer lets us in, a server error);
 * - `syncing`: documents are on their way, up or down;
 * - `online`: everything local is on the server and the feeds are live.
 */
export type ClientStatus =
  | { state: 'online' }
  | { state: 'offline' }
  | { state: 'syncing' }
  | { state: 'error'; reason: string };

export function clientStatus(connection: Connection, engine: SyncEngine): Observable<ClientStatus> {
  return combineLatest([connection.reachability$, connection.authError$, engine.errors$, engine.active$]).pipe(
    map(([reachability, authError, errors, active]): ClientStatus => {
      if (reachability === 'offline') return { state: 'offline' };
      if (authError !== undefined) return { state: 'error', reason: `unauthorized: ${authError}` };
      const [firstError] = errors.values();
      if (firstError !== undefined) return { state: 'error', reason: firstError };
      if (active || reachability === 'unknown') return { state: 'syncing' };
      return { state: 'online' };
    }),
    distinctUntilChanged((a, b) => JSON.stringify(a) === JSON.stringify(b)),
  );
}
