// The page of the browser test: the client on IndexedDB (RxDB's Dexie storage), driven by the
// test through `window.mutual` (page.evaluate). Bundled by the test with esbuild.
import { createMutualClient, type ClientStatus, type MutualClient, type MutualGroup, type TransferView } from '@mutual/client';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { filter, firstValueFrom, type Observable } from 'rxjs';

export interface PageApi {
  start(code: string): Promise<void>;
  pay(to: string, amount: number, memo: string): Promise<TransferView>;
  waitStatus(state: ClientStatus['state']): Promise<ClientStatus>;
  /** The transfer once the ledger decided it (committed, rejected or deleted). */
  waitDecided(id: string): Promise<TransferView>;
  transfers(): Promise<TransferView[]>;
  balance(): Promise<{ committed: number; pendingOutgoing: number }>;
  accountOf(owner: string): Promise<string>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    /** Exposed by the test: a bearer token for the page's user. */
    mutualToken(): Promise<string>;
    mutual: PageApi;
  }
}

let client: MutualClient | undefined;
let group: MutualGroup | undefined;

function first<T>(source: Observable<T>, test: (value: T) => boolean): Promise<T> {
  return firstValueFrom(source.pipe(filter(test)));
}

function opened(): MutualGroup {
  if (!group) throw new Error('start() first');
  return group;
}

window.mutual = {
  async start(code) {
    client = await createMutualClient({
      url: location.origin,
      getToken: () => window.mutualToken(),
      storage: getRxStorageDexie(),
      name: 'browser-test',
      devMode: true,
      retryTimeMs: 500,
      probeIntervalMs: 100,
    });
    group = await client.group(code);
    client.status$.subscribe((status) => console.log('status', JSON.stringify(status)));
    client.counters$.subscribe((counters) => console.log('counters', JSON.stringify(counters)));
  },
  async pay(to, amount, memo) {
    return opened().pay({ to, amount, memo });
  },
  async waitStatus(state) {
    if (!client) throw new Error('start() first');
    return first(client.status$, (status) => status.state === state);
  },
  async waitDecided(id) {
    const decided = (view: TransferView) => view.id === id && ['committed', 'rejected', 'deleted'].includes(view.state);
    const views = await first(opened().transfers$(), (list) => list.some(decided));
    return views.find(decided)!;
  },
  async transfers() {
    return firstValueFrom(opened().transfers$());
  },
  async balance() {
    const { committed, pendingOutgoing } = await firstValueFrom(opened().balance$());
    return { committed, pendingOutgoing };
  },
  async accountOf(owner) {
    const accounts = await first(opened().accounts.find$(), (list) => list.some((account) => account.owner === owner));
    return accounts.find((account) => account.owner === owner)!.code;
  },
  async close() {
    await client?.close();
    client = undefined;
    group = undefined;
  },
};
