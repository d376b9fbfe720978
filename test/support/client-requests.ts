import { BehaviorSubject } from 'rxjs';
import { until } from './observe.js';

const CHANGES_WAIT = '/api/v1/changes/wait';

export type ClientRequests = ReturnType<typeof clientRequests>;

/**
 * A client's `fetch` that watches what it asks: the requests under way, its `changes/wait`
 * (the one waiting request of its live feeds) and the databases each names, and how often it
 * reads each database (`/db/<name>…`).
 */
export function clientRequests() {
  const underWay = new Set<URL>();
  const reads = new Map<string, number>();
  let mostWaits = 0;
  let longpolls = 0;
  let beforeInfo: ((dbName: string) => Promise<void>) | undefined;
  /** The databases the latest wait named, sorted: a feed is in a wait only once it is live. */
  const waitedOn$ = new BehaviorSubject<string[]>([]);
  const waits = () => [...underWay].filter((url) => url.pathname === CHANGES_WAIT).length;
  /** The requests under way, and how many of them are waits, after each start and end. */
  const traffic$ = new BehaviorSubject({ underWay: 0, waits: 0 });
  const counted = () => traffic$.next({ underWay: underWay.size, waits: waits() });

  const watching: typeof fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const [, face, dbName, rest] = url.pathname.split('/');
    if (url.searchParams.get('feed') === 'longpoll') longpolls += 1;
    if (url.pathname === CHANGES_WAIT) waitedOn$.next(Object.keys(JSON.parse(String(init?.body)).since).sort());
    if (face === 'db' && dbName) {
      const name = decodeURIComponent(dbName);
      reads.set(name, (reads.get(name) ?? 0) + 1);
      if (rest === undefined && (init?.method ?? 'GET') === 'GET') await beforeInfo?.(name);
    }
    underWay.add(url);
    mostWaits = Math.max(mostWaits, waits());
    counted();
    try {
      return await fetch(input, init);
    } finally {
      underWay.delete(url);
      counted();
    }
  };

  return {
    fetch: watching,
    /** Resolves once exactly `underWay` requests are under way, `waits` of them `changes/wait`. */
    untilUnderWay: (expected: { underWay: number; waits: number }) =>
      until(traffic$, ({ underWay, waits }) => underWay === expected.underWay && waits === expected.waits),
    /** The most `changes/wait` requests under way at once. */
    mostWaits: () => mostWaits,
    longpolls: () => longpolls,
    lastWaitedOn: () => waitedOn$.value,
    /** Resolves once a wait names every one of these databases: their feeds are live. */
    waitNaming: (dbNames: string[]) => until(waitedOn$, (named) => dbNames.every((dbName) => named.includes(dbName))),
    /** Requests that read these databases since the last `resetReads()`. */
    readsOf: (dbNames: string[]) => dbNames.reduce((sum, dbName) => sum + (reads.get(dbName) ?? 0), 0),
    resetReads: () => reads.clear(),
    /** Runs `hook` before the client asks a database's info, i.e. just before its live feed starts. */
    beforeInfo: (hook: (dbName: string) => Promise<void>) => {
      beforeInfo = hook;
    },
  };
}
