import { errors, groupDatabaseName, type MemberDocument, type Role } from '@mutual/schema';
import { userKey } from '../core/auth/user-key.js';
import type { DatabasePool } from '../core/store/database-pool.js';
import type { EventBus } from '../core/event-bus.js';
import type { Directory } from './directory.js';
import { emitCommunityEvent } from './events.js';
import type { MembershipIndex } from './membership-index.js';
import { serverStamp, writeAsServer } from '../core/store/write-as-server.js';

export type Member = MemberDocument & { _id: string; _rev: string };

export function memberDocId(user: string): string {
  return `member:${userKey(user)}`;
}

/**
 * Who is in a group: `member` documents in its database (what replicas see) and the
 * membership index (what every request's roles come from), kept in step, and the directory
 * listing's managers and member count refreshed after each change.
 */
export class Memberships {
  constructor(
    private readonly pool: DatabasePool,
    private readonly index: MembershipIndex,
    private readonly directory: Directory,
    private readonly bus: EventBus,
  ) {}

  roleOf(user: string, code: string): Role | undefined {
    return this.index.roleOf(user, code);
  }

  groupsOf(user: string): ReadonlyMap<string, Role> {
    return this.index.groupsOf(user);
  }

  async members(code: string): Promise<Member[]> {
    return this.pool.with(groupDatabaseName(code), async (db) => {
      const result = await db.allDocs({ startkey: 'member:', endkey: 'member:\uffff', include_docs: true });
      return result.rows.map((row) => row.doc as unknown as Member);
    });
  }

  /** Adds a member, or changes a member's role. */
  async set(code: string, user: string, role: Role): Promise<void> {
    const before = this.roleOf(user, code);
    if (before === role) return;
    await this.pool.with(groupDatabaseName(code), async (db) => {
      const _id = memberDocId(user);
      const current = (await db.get(_id).catch(() => undefined)) as Member | undefined;
      if (current?.role === role) return;
      const member = current
        ? { ...current, role, updatedAt: new Date().toISOString() }
        : { _id, type: 'member', ...serverStamp(), user, role };
      await writeAsServer(db, [member]);
    });
    await this.index.set(code, user, role);
    await this.refreshListing(code);
    if (before === undefined) emitCommunityEvent(this.bus, 'MemberJoined', code, { userId: user, role }, [user]);
    else emitCommunityEvent(this.bus, 'RoleChanged', code, { userId: user, role }, [user]);
  }

  async remove(code: string, user: string): Promise<void> {
    await this.pool.with(groupDatabaseName(code), async (db) => {
      const current = (await db.get(memberDocId(user)).catch(() => undefined)) as Member | undefined;
      if (!current) throw errors.notFound(`${user} is not a member of ${code}`);
      await writeAsServer(db, [{ _id: current._id, _rev: current._rev, _deleted: true }]);
    });
    await this.index.remove(code, user);
    await this.refreshListing(code);
    emitCommunityEvent(this.bus, 'MemberRemoved', code, { userId: user }, [user]);
  }

  /** Ends every membership of an archived group in the index; its documents stay as they were. */
  async forgetGroup(code: string): Promise<void> {
    for (const member of await this.members(code)) await this.index.remove(code, member.user);
  }

  /** Refuses a change that would leave the group without a manager. */
  async assertManagerRemains(code: string, leaving: string): Promise<void> {
    const managers = (await this.members(code)).filter((member) => member.role === 'manager');
    if (managers.every((manager) => manager.user === leaving))
      throw errors.conflict(`${leaving} is the last manager of ${code}: name another manager first`);
  }

  private async refreshListing(code: string): Promise<void> {
    const listing = await this.directory.find(code);
    if (!listing) return; // still being created: the creation writes the listing
    const members = await this.members(code);
    await this.directory.save({
      ...listing,
      managers: members.filter((member) => member.role === 'manager').map((member) => member.user).sort(),
      memberCount: members.length,
    });
  }
}
