import { MutualClientError } from '../errors.js';
import { sleep, type Connection } from '../http/connection.js';
import type { ChangesResponse } from '../http/couch-responses.js';
import { linkedSignal } from '../http/linked-signal.js';
import { fetchChanges, updateSequence } from './couch-api.js';

/** The server answers a longpoll with no change after this long; a live feed then asks again. */
const LONGPOLL_MS = 25_000;
/** A longpoll that has not answered this long after its own timeout is taken for a dead link. */
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

/**
 * One database's live change feed: a longpoll loop on `_changes` from a real sequence, never
 * `since=now` (changes written between two polls are not lost). It starts at the database's
 * current sequence: what came before is the pull handlers' job. Offline it waits for the
 * server; a 403 or 404 (no longer a member, the group is gone) ends it.
 */
export class LiveFeed {
  private readonly stopping = new AbortController();
  private running: Promise<void> | undefined;

  constructor(private readonly connection: Connection, readonly dbName: string, private readonly listener: FeedListener) {}

  start(): void {
    this.running ??= this.run().catch((error: unknown) => {
      if (!this.stopping.signal.aborted) this.listener.state({ state: 'failing', reason: String(error) });
    });
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.running;
    this.listener.state({ state: 'stopped' });
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted || this.connection.closed;
  }

  private async run(): Promise<void> {
    this.listener.state({ state: 'starting' });
    let since: number | undefined;
    while (!this.stopped) {
      try {
        since ??= await this.connection.persistently(() => updateSequence(this.connection, this.dbName));
        this.listener.state({ state: 'live', since });
        const page = await this.connection.persistently(() => this.poll(since!));
        if (page.results.length > 0) await this.listener.changes(page);
        since = page.last_seq;
      } catch (error) {
        if (this.stopped) return;
        if (error instanceof MutualClientError && (error.code === 'Forbidden' || error.code === 'NotFound')) {
          this.listener.state({ state: 'refused', reason: error.message });
          return;
        }
        if (error instanceof MutualClientError && error.code === 'Closed') return;
        const reason = error instanceof Error ? error.message : String(error);
        this.listener.state({ state: 'failing', reason });
        await sleep(ERROR_PAUSE_MS, this.stopping.signal);
      }
    }
  }

  private async poll(since: number): Promise<ChangesResponse> {
    const stall = new AbortController();
    const timer = setTimeout(() => stall.abort(), LONGPOLL_MS + STALL_MARGIN_MS);
    const { signal, release } = linkedSignal(this.stopping.signal, stall.signal);
    try {
      return await fetchChanges(this.connection, this.dbName, { since, limit: PAGE_SIZE, longpollMs: LONGPOLL_MS, signal });
    } catch (error) {
      if (stall.signal.aborted && !this.stopping.signal.aborted) throw new MutualClientError('Offline', 'the change feed stalled');
      throw error;
    } finally {
      clearTimeout(timer);
      release();
    }
  }
}
