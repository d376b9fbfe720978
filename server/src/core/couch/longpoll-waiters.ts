import type { Database } from '../store/pouchdb.js';

type ChangesOptions = PouchDB.Core.ChangesOptions;

interface Waiter {
  /** Waiters with the same options and `since` asked the same question: one read answers all. */
  options: ChangesOptions;
  optionsKey: string;
  since: number;
  answer(body: string): void;
}

/** The longpolls waiting on one database and the one live feed that wakes them. */
interface DatabaseWaiters {
  waiters: Set<Waiter>;
  feed: PouchDB.Core.Changes<object>;
  /** The highest seq the feed has seen: a waiter behind it is answered at once. */
  latestSeq: number;
  wakeScheduled: boolean;
}

/**
 * Longpoll `_changes` requests waiting for a database's next change. A live PouchDB feed per
 * waiting request would read the database once per request on every write (a thousand
 * replicas, a thousand reads); here one live feed per database wakes them, and waiters that
 * asked the same question share one read and one serialized answer.
 */
export class LongpollWaiters {
  private readonly databases = new Map<Database, DatabaseWaiters>();

  /**
   * Waits for changes past `options.since` that `options` selects; `answer` gets the first
   * non-empty result. Returns the function that stops waiting (the client went away).
   */
  wait(db: Database, options: ChangesOptions, filterName: string | undefined, answer: (body: string) => void): () => void {
    const since = Number(options.since ?? 0);
    // JSON leaves the `_design` filter function out: its name stands for it.
    const waiter: Waiter = { options, optionsKey: JSON.stringify([filterName, { ...options, since: undefined }]), since, answer };
    const watched = this.databases.get(db) ?? this.watch(db, since);
    watched.waiters.add(waiter);
    if (watched.latestSeq > since) this.scheduleWake(db, watched);
    return () => this.stopWaiting(db, waiter);
  }

  private watch(db: Database, since: number): DatabaseWaiters {
    const feed = db.changes({ since, live: true, return_docs: false });
    const watched: DatabaseWaiters = { waiters: new Set(), feed, latestSeq: since, wakeScheduled: false };
    feed.on('change', (change) => {
      watched.latestSeq = Math.max(watched.latestSeq, Number(change.seq));
      this.scheduleWake(db, watched);
    });
    // A failed feed (the database closed under it) answers nobody: each waiter's timeout or
    // heartbeat still ends it, and the next waiter starts a new feed.
    feed.on('error', () => {
      if (this.databases.get(db) === watched) this.databases.delete(db);
    });
    this.databases.set(db, watched);
    return watched;
  }

  /** Changes written in one batch arrive in one turn of the event loop: one wake for all. */
  private scheduleWake(db: Database, watched: DatabaseWaiters): void {
    if (watched.wakeScheduled) return;
    watched.wakeScheduled = true;
    setImmediate(() => {
      watched.wakeScheduled = false;
      void this.wake(db, watched);
    });
  }

  private async wake(db: Database, watched: DatabaseWaiters): Promise<void> {
    const groups = new Map<string, Waiter[]>();
    for (const waiter of watched.waiters) {
      if (waiter.since >= watched.latestSeq) continue;
      const key = `${waiter.since} ${waiter.optionsKey}`;
      const group = groups.get(key);
      if (group) group.push(waiter);
      else groups.set(key, [waiter]);
    }
    await Promise.all([...groups.values()].map(async (group) => {
      const { options, since } = group[0]!;
      const result = await db.changes({ ...options, since }).catch(() => undefined);
      if (!result) return; // they go on waiting; their timeout or heartbeat ends them
      if (result.results.length === 0) {
        // Nothing the filter selects: they wait for later changes only.
        for (const waiter of group) waiter.since = Number(result.last_seq);
        return;
      }
      const body = JSON.stringify({ results: result.results, last_seq: result.last_seq }) + '\n';
      for (const waiter of group) {
        if (!watched.waiters.has(waiter)) continue;
        this.stopWaiting(db, waiter);
        waiter.answer(body);
      }
    }));
  }

  private stopWaiting(db: Database, waiter: Waiter): void {
    const watched = this.databases.get(db);
    if (!watched?.waiters.delete(waiter)) return;
    if (watched.waiters.size > 0) return;
    watched.feed.cancel();
    this.databases.delete(db);
  }
}
