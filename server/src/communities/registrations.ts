import { randomUUID } from 'node:crypto';
import {
  errors, groupDatabaseName, type Registration, type RegistrationAnswer, type Role,
} from '@mutual/schema';
import type { EventBus } from '../core/event-bus.js';
import type { DatabasePool } from '../core/store/database-pool.js';
import { emitCommunityEvent } from './events.js';
import type { Listing } from './directory.js';
import type { Memberships } from './memberships.js';
import type { StoredRegistration, UserDatabases } from './user-databases.js';
import { serverStamp, writeAsServer } from '../core/store/write-as-server.js';

const PREFIX = 'registration:';

export function registrationOf(doc: StoredRegistration): Registration {
  const registration: Registration = {
    id: doc._id.slice(PREFIX.length),
    community: doc.group,
    userId: doc.user,
    kind: doc.kind,
    approvedByUser: doc.approvedByUser,
    approvedByCommunity: doc.approvedByCommunity,
    status: doc.status,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
  if (doc.invitedBy) registration.invitedBy = doc.invitedBy;
  return registration;
}

/** One registration to write, decided before any is written (a request is all or nothing). */
type Plan = { user: string; existing?: StoredRegistration; next: Partial<StoredRegistration> };

/**
 * Join requests and invitations (skoop's registrations). Each is a `registration` document in
 * the group's database, copied into the user's own; both approvals make a member. Callers hold
 * the group's lock.
 */
export class Registrations {
  constructor(
    private readonly pool: DatabasePool,
    private readonly memberships: Memberships,
    private readonly users: UserDatabases,
    private readonly bus: EventBus,
  ) {}

  /** Registers users: oneself (join or request), or others (invite). */
  async register(listing: Listing, actor: string, userIds: string[]): Promise<Registration[]> {
    const code = listing.code;
    const actorRole = this.memberships.roleOf(actor, code);
    const plans: Plan[] = [];
    const mayInvite = actorRole === 'manager' || (actorRole === 'member' && listing.communityType === 'open');
    const others = [...new Set(userIds)].filter((user) => user !== actor);
    // Whether one may invite is decided before anything about the invitees is said.
    if (others.length > 0 && !mayInvite) throw errors.forbidden(`you may not invite others to ${code}`);
    for (const user of new Set(userIds)) {
      if (this.memberships.roleOf(user, code)) throw errors.conflict(`${user} is already a member of ${code}`);
      const existing = await this.pendingOf(code, user);
      plans.push(user === actor ? this.planSelf(listing, user, existing) : this.planInvitation(listing, actor, actorRole, user, existing));
    }
    const saved: Registration[] = [];
    for (const plan of plans) saved.push(await this.apply(code, plan));
    return saved;
  }

  /** A manager approving a pending join request (`POST /communities/{id}/users`). */
  async approveRequest(code: string, user: string): Promise<void> {
    const existing = await this.pendingOf(code, user);
    if (existing?.kind !== 'request') throw errors.forbidden(`${user} has no pending join request to ${code}`);
    await this.apply(code, { user, existing, next: { approvedByCommunity: true } });
  }

  async answer(code: string, registrationId: string, actor: string, answer: RegistrationAnswer): Promise<Registration> {
    const existing = await this.find(code, registrationId);
    if (answer.approvedByUser !== undefined && actor !== existing.user)
      throw errors.forbidden('only the registered user sets approvedByUser');
    if (answer.approvedByCommunity !== undefined && this.memberships.roleOf(actor, code) !== 'manager')
      throw errors.forbidden('only a manager sets approvedByCommunity');
    if (existing.status !== 'pending') throw errors.conflict(`this registration is already ${existing.status}`);
    return this.apply(code, { user: existing.user, existing, next: answer });
  }

  async pending(code: string): Promise<Registration[]> {
    return (await this.all(code)).filter((doc) => doc.status === 'pending').map(registrationOf);
  }

  /** Declines every pending registration (the community is being deleted). */
  async declineAll(code: string): Promise<void> {
    for (const doc of await this.all(code)) {
      if (doc.status !== 'pending') continue;
      const declined = await this.save(code, { ...doc, status: 'declined', updatedAt: new Date().toISOString() });
      emitCommunityEvent(this.bus, 'RegistrationDecided', code, declined, [doc.user]);
    }
  }

  private planSelf(listing: Listing, user: string, existing: StoredRegistration | undefined): Plan {
    if (existing?.kind === 'invitation') return { user, existing, next: { approvedByUser: true } };
    if (existing) throw errors.conflict(`${user} already asked to join ${listing.code}`);
    return {
      user,
      next: { kind: 'request', approvedByUser: true, approvedByCommunity: listing.communityType === 'open' },
    };
  }

  private planInvitation(listing: Listing, actor: string, actorRole: Role | undefined, user: string,
    existing: StoredRegistration | undefined): Plan {
    if (existing?.kind === 'request' && actorRole === 'manager') return { user, existing, next: { approvedByCommunity: true } };
    if (existing) throw errors.conflict(`${user} already has a pending registration to ${listing.code}`);
    return { user, next: { kind: 'invitation', approvedByUser: false, approvedByCommunity: true, invitedBy: actor } };
  }

  /** Writes a registration's next state; both approvals make a member, a refusal ends it. */
  private async apply(code: string, { user, existing, next }: Plan): Promise<Registration> {
    const now = new Date().toISOString();
    const merged = {
      ...(existing ?? { _id: PREFIX + randomUUID(), type: 'registration', ...serverStamp(now), group: code, user }),
      ...next,
      updatedAt: now,
    } as StoredRegistration;
    const refused = existing !== undefined && (next.approvedByUser === false || next.approvedByCommunity === false);
    if (refused) merged.status = 'declined';
    else merged.status = merged.approvedByUser && merged.approvedByCommunity ? 'accepted' : 'pending';
    // Accepting makes a member; someone who is one already keeps their role.
    if (merged.status === 'accepted' && !this.memberships.roleOf(user, code)) await this.memberships.set(code, user, 'member');
    const saved = await this.save(code, merged);
    if (!existing && saved.status === 'pending') {
      if (saved.kind === 'invitation') emitCommunityEvent(this.bus, 'InvitationReceived', code, saved, [user]);
      else emitCommunityEvent(this.bus, 'MemberRequested', code, saved, [user]);
    }
    if (existing && saved.status !== 'pending') emitCommunityEvent(this.bus, 'RegistrationDecided', code, saved, [user]);
    return saved;
  }

  private async save(code: string, doc: StoredRegistration): Promise<Registration> {
    const rev = await this.pool.with(groupDatabaseName(code), async (db) => {
      await writeAsServer(db, [doc]);
      return ((await db.get(doc._id)) as StoredRegistration)._rev;
    });
    const saved = { ...doc, _rev: rev };
    await this.users.mirror(saved);
    return registrationOf(saved);
  }

  private async find(code: string, registrationId: string): Promise<StoredRegistration> {
    const doc = await this.pool.with(groupDatabaseName(code), async (db) =>
      (await db.get(PREFIX + registrationId).catch(() => undefined)) as StoredRegistration | undefined);
    if (!doc || doc.group !== code) throw errors.notFound(`no registration ${registrationId} in ${code}`);
    return doc;
  }

  private async pendingOf(code: string, user: string): Promise<StoredRegistration | undefined> {
    return (await this.all(code)).find((doc) => doc.user === user && doc.status === 'pending');
  }

  private async all(code: string): Promise<StoredRegistration[]> {
    return this.pool.with(groupDatabaseName(code), async (db) => {
      const result = await db.allDocs({ startkey: PREFIX, endkey: `${PREFIX}\uffff`, include_docs: true });
      return result.rows.map((row) => row.doc as unknown as StoredRegistration);
    });
  }
}
