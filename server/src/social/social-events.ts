import { groupDatabaseName, typeOfDocumentId } from '@mutual/schema';
import type { EventBus } from '../core/event-bus.js';
import { KeyedQueue } from '../core/keyed-queue.js';
import type { Logger } from '../core/logger.js';
import type { Change } from '../core/store/change-reactions.js';
import type { KeyValueStore } from '../core/store/key-value-store.js';
import type { Store } from '../core/store/open-store.js';
import { missingAsUndefined } from '../core/store/pouchdb.js';
import { PUBLISHED_EVENT, socialEvent } from './events.js';
import type { StoredItem } from './kinds.js';
import type { ChangeHandler } from './social-reaction.js';

/** The server's key-value store of what the events already told, per document (`<group>/<doc id>`). */
export const MARKERS_STORE = 'social-event-markers';
/** Where earlier versions kept the markers, a PouchDB document each: moved over once, then removed. */
const EARLIER_MARKERS_DB = 'mutual-social-events';

/**
 * An offer's `expires` is a date a person chose: noticing it within a minute is plenty, and a
 * pass over the in-memory schedule costs nothing when nothing is due.
 */
export const EXPIRY_SWEEP_MS = 60_000;

/** The queue's one key: a change batch and the expiry sweep never decide on the same marker at once. */
const MARKERS = 'markers';

/** A document's marker: that it is there says its `…Published` was told. */
interface Marker {
  /** The offer's `expires` when last seen, and the one its OfferExpired was emitted for. */
  expires?: string;
  expiredFor?: string;
}

interface Due {
  group: string;
  docId: string;
  expires: string;
}

/**
 * Emits the social events from what the group databases' change feeds show was committed:
 * `…Published` the first time an offer, need or post is seen (a marker in a key-value store
 * of the server's remembers it, so a restart or a later edit does not repeat it; the markers
 * are also held in memory, read once at start, so a change costs no read), and `OfferExpired`
 * from a periodic sweep of the offers whose `expires` passed (a schedule kept in memory, loaded
 * from the markers at start). An event is emitted before its marker is written: after a crash
 * between the two it is emitted again, with the same id (at least once).
 */
export class SocialEvents {
  /** Every marker, by id: loaded once, then kept in step with what this process writes (only it does). */
  private readonly markers = new Map<string, Marker>();
  private loaded: Promise<void> | undefined;
  private readonly due = new Map<string, Due>();
  /** Marker reads and writes, one batch or expiry at a time (see MARKERS). */
  private readonly queue = new KeyedQueue();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Hears what a group's change feed shows was committed (see social-reaction.ts). */
  readonly handle: ChangeHandler = async (group, _db, changes) => {
    const items = changes.filter((change) => PUBLISHED_EVENT[typeOfDocumentId(change.id) ?? ''] !== undefined);
    if (items.length === 0) return;
    await this.load();
    await this.queue.run(MARKERS, () => this.saw(group, items));
  };

  /** Loads the expiry schedule, sweeps once (what expired while the server was down), then every minute. */
  start(intervalMs = EXPIRY_SWEEP_MS): void {
    this.sweeping = this.load().then(() => this.sweepDue()).catch((error: unknown) => this.log.error({ err: error }, 'social events: start failed'));
    this.timer = setInterval(() => void this.sweep().catch((error: unknown) => this.log.error({ err: error }, 'expiry sweep failed')), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }

  /** Emits OfferExpired for every offer whose expiry passed and was not told yet. */
  sweep(): Promise<void> {
    const previous = this.sweeping;
    const run = (async () => {
      await previous; // one sweep at a time, the first after the schedule is loaded
      await this.sweepDue();
    })();
    this.sweeping = run.catch(() => undefined);
    return run;
  }

  private async sweepDue(): Promise<void> {
    const now = this.now();
    const due = [...this.due.entries()].filter(([, entry]) => Date.parse(entry.expires) <= now.getTime());
    if (due.length > 0) await this.expire(due, now);
  }

  private async expire(due: [string, Due][], now: Date): Promise<void> {
    for (const [markerId, entry] of due) {
      if (this.stopped) return;
      await this.queue.run(MARKERS, async () => {
        const doc = await this.store.pool.with(groupDatabaseName(entry.group), (db) => db.get(entry.docId).catch(missingAsUndefined)) as StoredItem | undefined;
        if (!doc || doc.expires !== entry.expires) {
          // Deleted or renewed since: the change feed brings (or brought) its new state.
          if (this.due.get(markerId) === entry) this.due.delete(markerId);
          return;
        }
        this.bus.emit(socialEvent('OfferExpired', entry.group, doc, now));
        await this.mark(markerId, (marker) => ({ ...marker, expires: entry.expires, expiredFor: entry.expires }));
        if (this.due.get(markerId) === entry) this.due.delete(markerId);
      });
    }
  }

  /** A batch of changes: the events emitted, then their markers written in one write. */
  private async saw(group: string, changes: Change[]): Promise<void> {
    const puts: [string, Marker][] = [];
    const removed: string[] = [];
    changes.forEach((change) => {
      const markerId = `${group}/${change.id}`;
      const marker = this.markers.get(markerId);
      if (change.deleted) {
        this.due.delete(markerId);
        if (marker) removed.push(markerId);
        return;
      }
      const doc = change.doc as StoredItem | undefined;
      if (!doc) return;
      if (!marker) this.bus.emit(socialEvent(PUBLISHED_EVENT[doc.type]!, group, doc, this.now()));
      const expires = doc.type === 'offer' && typeof doc.expires === 'string' ? doc.expires : undefined;
      if (!marker || marker.expires !== expires) puts.push([markerId, withExpires({ ...marker, expires })]);
      if (expires !== undefined && marker?.expiredFor !== expires) this.due.set(markerId, { group, docId: doc._id, expires });
      else this.due.delete(markerId);
    });
    if (puts.length > 0 || removed.length > 0) await this.write(puts, removed);
  }

  /** The markers (and from them the expiry schedule), read once. */
  private load(): Promise<void> {
    this.loaded ??= this.readMarkers().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }

  private async readMarkers(): Promise<void> {
    const store = await this.markerStore();
    let markers = await store.entries();
    if (this.store.exists(EARLIER_MARKERS_DB)) markers = await this.moveEarlierMarkers(store, markers);
    for (const [markerId, marker] of markers) {
      this.markers.set(markerId, marker);
      if (!marker.expires || marker.expiredFor === marker.expires || this.due.has(markerId)) continue;
      const slash = markerId.indexOf('/');
      this.due.set(markerId, { group: markerId.slice(0, slash), docId: markerId.slice(slash + 1), expires: marker.expires });
    }
  }

  /** The markers an earlier version kept as PouchDB documents, moved into the store (unless it has some already). */
  private async moveEarlierMarkers(store: KeyValueStore<Marker>, markers: Map<string, Marker>): Promise<Map<string, Marker>> {
    const earlier = new this.store.PouchDB(EARLIER_MARKERS_DB);
    if (markers.size === 0) {
      const docs = await earlier.allDocs({ include_docs: true });
      const moved = docs.rows.map((row): [string, Marker] => {
        const { _id, _rev, ...marker } = row.doc as unknown as Marker & { _id: string; _rev: string };
        return [_id, marker];
      });
      await store.write(moved);
      markers = new Map(moved);
    }
    await earlier.destroy();
    return markers;
  }

  private markerStore(): Promise<KeyValueStore<Marker>> {
    return this.store.keyValue<Marker>(MARKERS_STORE);
  }

  private async mark(markerId: string, change: (marker: Marker) => Marker): Promise<void> {
    await this.write([[markerId, withExpires(change({ ...this.markers.get(markerId) }))]]);
  }

  /** Writes markers (one atomic write) and keeps them in memory. */
  private async write(puts: [string, Marker][], removed: string[] = []): Promise<void> {
    await (await this.markerStore()).write(puts, removed);
    for (const [markerId, marker] of puts) this.markers.set(markerId, marker);
    for (const markerId of removed) this.markers.delete(markerId);
  }
}

/** A marker without an `expires` key when it has none. */
function withExpires(marker: Marker): Marker {
  if (marker.expires === undefined) delete marker.expires;
  return marker;
}
