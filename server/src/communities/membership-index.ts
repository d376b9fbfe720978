import { EventEmitter } from 'node:events';
import { managerRole, memberRole, serverUserContext, type Role } from '@mutual/schema';
import type { Database } from '../core/store/pouchdb.js';

export const MEMBERSHIPS_DB = 'mutual-memberships';

interface MembershipDoc {
  _id: string;
  _rev?: string;
  group: string;
  user: string;
  role: Role;
}

export interface MembershipChange {
  group: string;
  user: string;
  role: Role | undefined;
}

/**
 * Who belongs to which group, with what role: the source of every request's `userCtx`
 * roles. Kept in memory, persisted in a server-only database, written only by the server
 * when a membership is applied. Emits `change` with a MembershipChange.
 */
export class MembershipIndex extends EventEmitter<{ change: [MembershipChange] }> {
  private readonly byUser = new Map<string, Map<string, Role>>();

  private constructor(private readonly db: Database) {
    super();
  }

  static async load(db: Database): Promise<MembershipIndex> {
    const index = new MembershipIndex(db);
    const stored = await db.allDocs({ include_docs: true });
    for (const row of stored.rows) {
      const doc = row.doc as unknown as MembershipDoc | undefined;
      if (doc?.group && doc.user) index.remember(doc.group, doc.user, doc.role);
    }
    return index;
  }

  rolesOf(sub: string): string[] {
    const roles: string[] = [];
    for (const [code, role] of this.byUser.get(sub) ?? []) {
      roles.push(memberRole(code));
      if (role === 'manager') roles.push(managerRole(code));
    }
    return roles;
  }

  groupsOf(sub: string): ReadonlyMap<string, Role> {
    return this.byUser.get(sub) ?? new Map();
  }

  roleOf(sub: string, code: string): Role | undefined {
    return this.byUser.get(sub)?.get(code);
  }

  async set(group: string, user: string, role: Role): Promise<void> {
    const _id = `${group}/${user}`;
    const current = (await this.db.get(_id).catch(() => undefined)) as MembershipDoc | undefined;
    if (current?.role !== role) {
      const doc: MembershipDoc = { _id, group, user, role };
      if (current?._rev) doc._rev = current._rev;
      await this.db.put(doc, { userCtx: serverUserContext } as never);
    }
    this.remember(group, user, role);
    this.emit('change', { group, user, role });
  }

  async remove(group: string, user: string): Promise<void> {
    const _id = `${group}/${user}`;
    const current = (await this.db.get(_id).catch(() => undefined)) as MembershipDoc | undefined;
    if (current?._rev) await this.db.remove(_id, current._rev);
    const groups = this.byUser.get(user);
    groups?.delete(group);
    if (groups?.size === 0) this.byUser.delete(user);
    this.emit('change', { group, user, role: undefined });
  }

  private remember(group: string, user: string, role: Role): void {
    let groups = this.byUser.get(user);
    if (!groups) this.byUser.set(user, (groups = new Map()));
    groups.set(group, role);
  }
}
