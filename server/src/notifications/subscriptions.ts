import { randomUUID } from 'node:crypto';
import { errors, type EventName } from '@mutual/schema';
import type { Database } from '../core/store/pouchdb.js';
import { writeAsServer } from '../core/store/write-as-server.js';

export const SUBSCRIPTIONS_DB = 'mutual-subscriptions';

export interface Subscription {
  _id: string;
  _rev?: string;
  owner: string;
  url: string;
  events: EventName[];
  groups: string[];
  createdAt: string;
  /** Set when deliveries kept failing: no more are attempted. */
  disabled?: { reason: string; at: string };
}

export function subscriptionView(subscription: Subscription) {
  const { _id, owner, url, events, groups, createdAt, disabled } = subscription;
  return {
    id: _id, owner, url, events, groups, createdAt,
    status: disabled ? ('disabled' as const) : ('active' as const),
    ...(disabled && { disabledReason: disabled.reason }),
  };
}

/** Webhook subscriptions of servers and apps, kept in a server-only database and in memory. */
export class Subscriptions {
  private readonly byId = new Map<string, Subscription>();

  private constructor(private readonly db: Database) {}

  static async load(db: Database): Promise<Subscriptions> {
    const subscriptions = new Subscriptions(db);
    for (const row of (await db.allDocs({ include_docs: true })).rows) {
      const doc = row.doc as unknown as Subscription;
      subscriptions.byId.set(doc._id, doc);
    }
    return subscriptions;
  }

  active(): Subscription[] {
    return [...this.byId.values()].filter((subscription) => !subscription.disabled);
  }

  ownedBy(owner: string): Subscription[] {
    return [...this.byId.values()].filter((subscription) => subscription.owner === owner);
  }

  async add(fields: Pick<Subscription, 'owner' | 'url' | 'events' | 'groups'>): Promise<Subscription> {
    const subscription: Subscription = { _id: randomUUID(), ...fields, createdAt: new Date().toISOString() };
    await this.save(subscription);
    return subscription;
  }

  async remove(id: string, owner: string): Promise<void> {
    const subscription = this.byId.get(id);
    if (subscription?.owner !== owner) throw errors.notFound(`no subscription ${id}`);
    this.byId.delete(id);
    await writeAsServer(this.db, [{ _id: id, _rev: subscription._rev, _deleted: true }]);
  }

  async disable(id: string, reason: string): Promise<void> {
    const subscription = this.byId.get(id);
    if (!subscription) return; // removed meanwhile
    await this.save({ ...subscription, disabled: { reason, at: new Date().toISOString() } });
  }

  private async save(subscription: Subscription): Promise<void> {
    const [_rev] = await writeAsServer(this.db, [subscription]);
    this.byId.set(subscription._id, { ...subscription, _rev });
  }
}
