import { DEFAULT_WAIT_MS, type ChangesWaitAnswer } from '@mutual/schema';
import { isRefusal, MutualClientError } from '../errors.js';
import { sleep, type Connection } from '../http/connection.js';
import type { ChangesResponse } from '../http/couch-responses.js';
import { linkedSignal } from '../http/linked-signal.js';
import { fetchChanges, updateSequence, waitForChanges } from './couch-api.js';

/** A wait that has not answered this long after its own timeout is taken for a dead link. */
const STALL_MARGIN_MS = 10_000;
const PAGE_SIZE = 200;
/** After an error that is not about the network (a 5xx), wait before asking again. */
const ERROR_PAUSE_MS = 2_000;

export type FeedState =
  | { state: 'starting' }
  | { state: 'live'; since: number }
  | { state: 'refused'; reason: string }
  | { state: 'failing'; reason: string }
  | { state: 'stopped' };

export interface FeedListener {
  /** A page of changes of every type, in feed order; the next page waits for this to finish. */
  changes(page: ChangesResponse): Promise<void>;
  state(state: FeedState): void;
}

interface Feed {
  dbName: string;
  listener: FeedListener;
  /** Delivered up to here; unknown until the database's current sequence is. */
  since: number | undefined;
  reported: FeedState['state'];
  /** Aborted when the feed is removed: ends its catch-up. */
  removed: AbortController;
  /** Its catch-up under way (never rejects). */
  busy: Promise<void>;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The live change feeds of all the client's databases over ONE waiting request: a browser
 * allows 6 connections per host, so a longpoll per database would starve the app past five
 * groups. Never `since=now`: every database resumes from a real sequence.
 *
 *   feed added ──▶ starts at the database's current sequence (before it: the pull handlers' job)
 *   wait (`POST /api/v1/changes/wait`, every feed's sequence) ──▶ changed: each of those
 *       catches up with normal `_changes` pages, handed to its listener in order
 *                                                           └──▶ refused: that feed ends
 *   feed added or removed ──▶ the wait under way is dropped and asked again for the new set
 *
 * Offline it waits for the server; a wait unanswered well past its timeout is a dead link.
 */
export class LiveFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly stopping = new AbortController();
  /** Aborted when the set of feeds changes: the wait under way names the old set. */
  private restart = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly connection: Connection) {}

  add(dbName: string, listener: FeedListener): void {
    const feed: Feed = { dbName, listener, since: undefined, reported: 'starting', removed: new AbortController(), busy: Promise.resolve() };
    this.feeds.set(dbName, feed);
    listener.state({ state: 'starting' });
    this.restartWait();
    this.running ??= this.run().catch((error: unknown) => {
      if (!this.stopped) this.feeds.forEach((each) => this.report(each, { state: 'failing', reason: reasonOf(error) }));
    });
  }

  /** Ends a database's feed; no page of it is delivered once this resolves. */
  async remove(dbName: string): Promise<void> {
    const feed = this.feeds.get(dbName);
    if (!feed) return;
    this.feeds.delete(dbName);
    feed.removed.abort();
    this.restartWait();
    await feed.busy;
    feed.listener.state({ state: 'stopped' });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.restart.abort();
    await this.running;
    await Promise.all([...this.feeds.keys()].map((dbName) => this.remove(dbName)));
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted || this.connection.closed;
  }

  private restartWait(): void {
    this.restart.abort();
    this.restart = new AbortController();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const restart = this.restart;
      try {
        await this.startFeeds();
        const feeds = [...this.feeds.values()];
        const waiting = feeds.filter((feed) => feed.since !== undefined);
        // One that could not start is tried again soon; the others go on waiting meanwhile.
        const timeoutMs = waiting.length < feeds.length ? ERROR_PAUSE_MS : DEFAULT_WAIT_MS;
        if (waiting.length === 0) {
          await sleep(timeoutMs, restart.signal);
          continue;
        }
        const answer = await this.connection.persistently(() => this.wait(waiting, timeoutMs, restart.signal));
        if (!(await this.apply(waiting, answer))) await sleep(ERROR_PAUSE_MS, this.stopping.signal);
      } catch (error) {
        if (this.stopped) return;
        if (restart.signal.aborted) continue; // feeds added or removed: ask again for the new set
        this.feeds.forEach((feed) => this.report(feed, { state: 'failing', reason: reasonOf(error) }));
        await sleep(ERROR_PAUSE_MS, this.stopping.signal);
      }
    }
  }

  /** Learns the current sequence of the feeds that have none yet. */
  private async startFeeds(): Promise<void> {
    const starting = [...this.feeds.values()].filter((feed) => feed.since === undefined);
    await Promise.all(starting.map(async (feed) => {
      try {
        feed.since = await this.connection.persistently(() => updateSequence(this.connection, feed.dbName));
        this.report(feed, { state: 'live', since: feed.since });
      } catch (error) {
        if (this.stopped) throw error;
        if (isRefusal(error)) this.end(feed, error.message);
        else this.report(feed, { state: 'failing', reason: reasonOf(error) });
      }
    }));
  }

  private async wait(feeds: Feed[], timeoutMs: number, restart: AbortSignal): Promise<ChangesWaitAnswer> {
    const stall = new AbortController();
    const timer = setTimeout(() => stall.abort(), timeoutMs + STALL_MARGIN_MS);
    const { signal, release } = linkedSignal(this.stopping.signal, restart, stall.signal);
    try {
      const since = Object.fromEntries(feeds.map((feed) => [feed.dbName, feed.since!]));
      return await waitForChanges(this.connection, since, timeoutMs, signal);
    } catch (error) {
      if (stall.signal.aborted && !this.stopping.signal.aborted && !restart.aborted) throw new MutualClientError('Offline', 'the change feed stalled');
      throw error;
    } finally {
      clearTimeout(timer);
      release();
    }
  }

  /** Ends the refused feeds and catches up the changed ones; false if one of them failed. */
  private async apply(asked: Feed[], answer: ChangesWaitAnswer): Promise<boolean> {
    const caughtUp = await Promise.all(asked.map((feed) => {
      if (this.feeds.get(feed.dbName) !== feed) return true; // removed while the wait was answered
      const refused = answer.refused[feed.dbName];
      const updateSeq = answer.changed[feed.dbName];
      if (refused !== undefined) this.end(feed, `the server refused it (${refused})`);
      else if (updateSeq !== undefined) return this.catchUp(feed, updateSeq);
      else this.report(feed, { state: 'live', since: feed.since! });
      return true;
    }));
    return caughtUp.every(Boolean);
  }

  private async catchUp(feed: Feed, updateSeq: number): Promise<boolean> {
    let done!: () => void;
    feed.busy = new Promise((resolve) => (done = resolve));
    const { signal, release } = linkedSignal(this.stopping.signal, feed.removed.signal);
    try {
      let page: ChangesResponse;
      do {
        const since = feed.since!;
        page = await this.connection.persistently(() => fetchChanges(this.connection, feed.dbName, { since, limit: PAGE_SIZE, signal }));
        if (signal.aborted) return true;
        if (page.results.length > 0) await feed.listener.changes(page);
        feed.since = page.last_seq;
      } while (page.results.length === PAGE_SIZE);
      // Read after the wait answered: nothing up to its sequence is left.
      feed.since = Math.max(feed.since, updateSeq);
      this.report(feed, { state: 'live', since: feed.since });
      return true;
    } catch (error) {
      if (signal.aborted || this.stopped) return true;
      if (isRefusal(error)) {
        this.end(feed, error.message);
        return true;
      }
      this.report(feed, { state: 'failing', reason: reasonOf(error) });
      return false;
    } finally {
      release();
      done();
    }
  }

  private end(feed: Feed, reason: string): void {
    this.report(feed, { state: 'refused', reason });
    if (this.feeds.get(feed.dbName) === feed) this.feeds.delete(feed.dbName);
  }

  /**
   * Tells a feed's listener its state when it changes (a live feed's every sequence is not
   * news). A feed removed meanwhile tells nothing: its database may be someone else's feed now.
   */
  private report(feed: Feed, state: FeedState): void {
    if (this.feeds.get(feed.dbName) !== feed) return;
    if (state.state === 'live' && feed.reported === 'live') return;
    feed.reported = state.state;
    feed.listener.state(state);
  }
}
