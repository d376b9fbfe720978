import { groupCodeOfDatabase, groupDatabaseName, serverUserContext, typeOfDocumentId } from '@mutual/schema';
import type { EventBus } from '../core/event-bus.js';
import { KeyedQueue } from '../core/keyed-queue.js';
import type { Logger } from '../core/logger.js';
import type { Change, Reaction } from '../core/store/change-reactions.js';
import type { DatabasePool } from '../core/store/database-pool.js';
import { PUBLISHED_EVENT, socialEvent } from './events.js';
import type { StoredItem } from './kinds.js';

/** Server-only: what the events already told, per document (`<group>/<doc id>`). */
export const SOCIAL_EVENTS_DB = 'mutual-social-events';

/**
 * An offer's `expires` is a date a person chose: noticing it within a minute is plenty, and a
 * pass over the in-memory schedule costs nothing when nothing is due.
 */
export const EXPIRY_SWEEP_MS = 60_000;

interface Marker {
  _id: string;
  _rev?: string;
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
 * `…Published` the first time an offer, need or post is seen (a marker in a server-only
 * database remembers it, so a restart or a later edit does not repeat it), and `OfferExpired`
 * from a periodic sweep of the offers whose `expires` passed (a schedule kept in memory, loaded
 * from the markers at start). An event is emitted before its marker is written: after a crash
 * between the two it is emitted again, with the same id (at least once).
 */
export class SocialEvents {
  private readonly due = new Map<string, Due>();
  private readonly queue = new KeyedQueue();
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly pool: DatabasePool,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The reaction that sees every committed offer, need and post of every group. */
  reaction(): Reaction {
    return {
      name: 'social-events',
      appliesTo: (dbName) => groupCodeOfDatabase(dbName) !== undefined,
      react: async (dbName, _db, changes) => {
        const group = groupCodeOfDatabase(dbName) ?? '';
        for (const change of changes) {
          if (PUBLISHED_EVENT[typeOfDocumentId(change.id) ?? ''] !== undefined) await this.saw(group, change);
        }
      },
    };
  }

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
    for (const [markerId, entry] of due) {
      if (this.stopped) return;
      await this.queue.run(markerId, async () => {
        const doc = await this.pool.with(groupDatabaseName(entry.group), (db) =>
          db.get(entry.docId).catch(() => undefined)) as StoredItem | undefined;
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

  private async saw(group: string, change: Change): Promise<void> {
    const markerId = `${group}/${change.id}`;
    await this.queue.run(markerId, async () => {
      const marker = await this.marker(markerId);
      if (change.deleted) {
        this.due.delete(markerId);
        if (marker) await this.write({ _id: markerId, _rev: marker._rev, _deleted: true } as Marker);
        return;
      }
      const doc = change.doc as StoredItem | undefined;
      if (!doc) return;
      if (!marker) this.bus.emit(socialEvent(PUBLISHED_EVENT[doc.type]!, group, doc, this.now()));
      const expires = doc.type === 'offer' && typeof doc.expires === 'string' ? doc.expires : undefined;
      if (!marker || marker.expires !== expires) await this.mark(markerId, (current) => ({ ...current, expires }));
      if (expires !== undefined && marker?.expiredFor !== expires) this.due.set(markerId, { group, docId: doc._id, expires });
      else this.due.delete(markerId);
    });
  }

  private async load(): Promise<void> {
    const markers = await this.pool.with(SOCIAL_EVENTS_DB, (db) => db.allDocs({ include_docs: true }));
    for (const row of markers.rows) {
      const marker = row.doc as unknown as Marker | undefined;
      if (!marker?.expires || marker.expiredFor === marker.expires || this.due.has(marker._id)) continue;
      const slash = marker._id.indexOf('/');
      this.due.set(marker._id, { group: marker._id.slice(0, slash), docId: marker._id.slice(slash + 1), expires: marker.expires });
    }
  }

  private async marker(markerId: string): Promise<Marker | undefined> {
    return this.pool.with(SOCIAL_EVENTS_DB, (db) => db.get(markerId).catch(() => undefined)) as Promise<Marker | undefined>;
  }

  private async mark(markerId: string, change: (marker: Marker) => Marker): Promise<void> {
    const current = (await this.marker(markerId)) ?? { _id: markerId };
    const next = change(current);
    if (next.expires === undefined) delete next.expires;
    await this.write(next);
  }

  private async write(marker: Marker): Promise<void> {
    await this.pool.with(SOCIAL_EVENTS_DB, (db) => db.put(marker as never, { userCtx: serverUserContext } as never));
  }
}
