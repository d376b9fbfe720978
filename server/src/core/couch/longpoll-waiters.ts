import type { Database } from '../store/pouchdb.js';
import type { SequenceWatchers } from './sequence-watchers.js';

type ChangesOptions = PouchDB.Core.ChangesOptions;

interface Waiter {
  /** Waiters with the same options and `since` asked the same question: one read answers all. */
  options: ChangesOptions;
  optionsKey: string;
  since: number;
  answer(body: string): void;
  waiting: boolean;
  stopWatching(): void;
}

/**
 * Longpoll `_changes` requests waiting for a database's next change. A live PouchDB feed per
 * waiting request would read the database once per request on every write (a thousand
 * replicas, a thousand reads); here one live feed per database wakes them (SequenceWatchers),
 * and waiters that asked the same question share one read and one serialized answer.
 */
export class LongpollWaiters {
  /** The waiters of each database woken in this turn of the event loop, read for together. */
  private readonly due = new Map<Database, Waiter[]>();

  constructor(private readonly watchers: SequenceWatchers) {}

  /**
   * Waits for changes past `options.since` that `options` selects; `answer` gets the first
   * non-empty result. Returns the function that stops waiting (the client went away).
   */
  wait(db: Database, options: ChangesOptions, filterName: string | undefined, answer: (body: string) => void): () => void {
    const since = Number(options.since ?? 0);
    // JSON leaves the `_design` filter function out: its name stands for it.
    const optionsKey = JSON.stringify([filterName, { ...options, since: undefined }]);
    const waiter: Waiter = { options, optionsKey, since, answer, waiting: true, stopWatching: () => undefined };
    waiter.stopWatching = this.watchers.watch(db, since, (latestSeq) => {
      if (waiter.since < latestSeq) this.wakeSoon(db, waiter);
    }, () => {
      // The database was deleted: answered empty, the client's next request hears 404.
      if (!waiter.waiting) return;
      this.stopWaiting(waiter);
      answer(JSON.stringify({ results: [], last_seq: waiter.since }) + '\n');
    });
    return () => this.stopWaiting(waiter);
  }

  /** The watchers of a database are told in one loop: a microtask later, all of them are due. */
  private wakeSoon(db: Database, waiter: Waiter): void {
    let due = this.due.get(db);
    if (!due) {
      this.due.set(db, (due = []));
      queueMicrotask(() => {
        this.due.delete(db);
        void this.wake(db, due!);
      });
    }
    due.push(waiter);
  }

  private async wake(db: Database, due: Waiter[]): Promise<void> {
    const groups = new Map<string, Waiter[]>();
    for (const waiter of due) {
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
        if (!waiter.waiting) continue;
        this.stopWaiting(waiter);
        waiter.answer(body);
      }
    }));
  }

  private stopWaiting(waiter: Waiter): void {
    if (!waiter.waiting) return;
    waiter.waiting = false;
    waiter.stopWatching();
  }
}
