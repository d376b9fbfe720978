import type { Database } from '../store/pouchdb.js';

interface Watcher {
  changed(latestSeq: number): void;
  /** The database went away under the watch (deleted): no change will come. */
  ended(): void;
}

/** The watchers of one database and the one live feed that tells them its sequence. */
interface WatchedDatabase {
  watchers: Set<Watcher>;
  feed: PouchDB.Core.Changes<object>;
  latestSeq: number;
  wakeScheduled: boolean;
}

/**
 * Who waits for a database's update_seq to move: longpoll `_changes` requests and the waits of
 * `/api/v1/changes/wait`. One live feed per database serves every watcher, so a write costs
 * one read of the feed however many clients wait on it; a watcher learns the new sequence.
 */
export class SequenceWatchers {
  private readonly databases = new Map<Database, WatchedDatabase>();

  /**
   * Calls `changed` with the latest sequence each time changes arrive (once per turn of the
   * event loop for a batch), and soon if the feed has already seen one past `since`. Returns
   * the function that stops watching; the feed ends with its last watcher.
   */
  watch(db: Database, since: number, changed: (latestSeq: number) => void, ended: () => void): () => void {
    const watcher: Watcher = { changed, ended };
    const watched = this.databases.get(db) ?? this.open(db, since);
    watched.watchers.add(watcher);
    if (watched.latestSeq > since) this.scheduleWake(watched);
    return () => {
      if (!watched.watchers.delete(watcher) || watched.watchers.size > 0) return;
      watched.feed.cancel();
      if (this.databases.get(db) === watched) this.databases.delete(db);
    };
  }

  private open(db: Database, since: number): WatchedDatabase {
    const feed = db.changes({ since, live: true, return_docs: false });
    const watched: WatchedDatabase = { watchers: new Set(), feed, latestSeq: since, wakeScheduled: false };
    feed.on('change', (change) => {
      watched.latestSeq = Math.max(watched.latestSeq, Number(change.seq));
      this.scheduleWake(watched);
    });
    // A feed ends on its own when its database is deleted (or fails): its watchers are told.
    // Ended by its last watcher leaving, it has nobody left to tell.
    const end = () => {
      if (this.databases.get(db) === watched) this.databases.delete(db);
      for (const watcher of [...watched.watchers]) watcher.ended();
      watched.watchers.clear();
    };
    feed.on('complete', end);
    feed.on('error', end);
    this.databases.set(db, watched);
    return watched;
  }

  private scheduleWake(watched: WatchedDatabase): void {
    if (watched.wakeScheduled) return;
    watched.wakeScheduled = true;
    setImmediate(() => {
      watched.wakeScheduled = false;
      for (const watcher of [...watched.watchers]) watcher.changed(watched.latestSeq);
    });
  }
}
