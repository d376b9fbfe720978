import {
  documentId, errors, groupDatabaseName, type Community, type CreateCommunityBody, type UpdateCommunityBody,
} from '@mutual/schema';
import type { EventBus } from '../core/event-bus.js';
import type { DatabasePool } from '../core/store/database-pool.js';
import { emitCommunityEvent } from './events.js';
import { communityOf, type Directory, type Listing, listingId } from './directory.js';
import type { Memberships } from './memberships.js';
import type { Registrations } from './registrations.js';
import { serverStamp, writeAsServer } from '../core/store/write-as-server.js';

const SETTINGS_ID = documentId('settings', 'group');

/** A code from a name: `Bakers of Ghent!` → `bakers-of-ghent`. */
export function codeFromName(name: string): string {
  const slug = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 28).replace(/-+$/, '');
  return slug.length >= 3 ? slug : `${slug || 'group'}-${Math.random().toString(36).slice(2, 6)}`;
}

/** Communities: a database per group with its rules and settings, and its directory listing. */
export class Communities {
  constructor(
    private readonly pool: DatabasePool,
    private readonly directory: Directory,
    private readonly memberships: Memberships,
    private readonly registrations: Registrations,
    private readonly ensureRulesDatabase: (name: string) => Promise<void>,
    private readonly allDbs: () => Promise<string[]>,
    private readonly bus: EventBus,
  ) {}

  /** A community still served, or 404. */
  async listing(code: string): Promise<Listing> {
    const listing = await this.directory.find(code);
    if (!listing || listing.archived) throw errors.notFound(`no community "${code}"`);
    return listing;
  }

  async get(code: string): Promise<Community> {
    return communityOf(await this.listing(code));
  }

  async list(): Promise<Community[]> {
    return (await this.directory.active()).map(communityOf);
  }

  /** Callers serialise creations: the code and name checks must see every earlier creation. */
  async create(body: CreateCommunityBody, creator: string): Promise<Community> {
    if (body.invitedUserIds.includes(creator)) throw errors.conflict('the creator is a member already: do not invite yourself');
    const dbs = await this.allDbs();
    const active = await this.directory.active();
    const sameName = active.find((listing) => listing.name.toLowerCase() === body.name.toLowerCase());
    if (sameName) throw errors.conflict(`a community named "${sameName.name}" exists`);
    let code = body.code ?? codeFromName(body.name);
    if (body.code !== undefined && dbs.includes(groupDatabaseName(code)))
      throw errors.conflict(`a community with code "${code}" exists`);
    for (let n = 2; dbs.includes(groupDatabaseName(code)); n += 1) code = `${codeFromName(body.name).slice(0, 28)}-${n}`;

    const now = new Date().toISOString();
    const dbName = groupDatabaseName(code);
    await this.ensureRulesDatabase(dbName);
    const settings = {
      _id: SETTINGS_ID, type: 'settings', ...serverStamp(now),
      code, name: body.name, description: body.description, links: body.links, skills: body.skills, communityType: body.type,
    };
    await this.pool.with(dbName, (db) => writeAsServer(db, [settings]));
    await this.directory.save({
      _id: listingId(code), type: 'group', ...serverStamp(now),
      code, name: body.name, description: body.description, links: body.links, skills: body.skills,
      communityType: body.type, managers: [], memberCount: 0,
    });
    await this.memberships.set(code, creator, 'manager');
    if (body.invitedUserIds.length > 0) await this.registrations.register(await this.listing(code), creator, body.invitedUserIds);
    return this.get(code);
  }

  async update(code: string, changes: UpdateCommunityBody, actor: string): Promise<Community> {
    const listing = await this.listing(code);
    this.requireManager(code, actor);
    if (changes.name !== undefined && changes.name.toLowerCase() !== listing.name.toLowerCase()) {
      const taken = (await this.directory.active()).some((other) => other.name.toLowerCase() === changes.name!.toLowerCase());
      if (taken) throw errors.conflict(`a community named "${changes.name}" exists`);
    }
    const { type, ...fields } = changes;
    const communityType = type ?? listing.communityType;
    await this.pool.with(groupDatabaseName(code), async (db) => {
      const settings = await db.get(SETTINGS_ID);
      await writeAsServer(db, [{ ...settings, ...fields, communityType, updatedAt: new Date().toISOString() }]);
    });
    await this.directory.save({ ...listing, ...fields, communityType });
    const community = await this.get(code);
    emitCommunityEvent(this.bus, 'CommunityChanged', code, community);
    return community;
  }

  /** Deletes a community for its users: pending registrations declined, the database kept on disk. */
  async archive(code: string, actor: string): Promise<void> {
    const listing = await this.listing(code);
    this.requireManager(code, actor);
    await this.registrations.declineAll(code);
    await this.directory.save({ ...listing, archived: true });
    // Told while its members are still members: afterwards nobody may hear of the group.
    emitCommunityEvent(this.bus, 'CommunityDeleted', code, { code });
    await this.memberships.forgetGroup(code);
  }

  requireManager(code: string, actor: string): void {
    if (this.memberships.roleOf(actor, code) !== 'manager') throw errors.forbidden(`only managers of ${code} may do this`);
  }

  requireMember(code: string, actor: string): void {
    if (!this.memberships.roleOf(actor, code)) throw errors.forbidden(`only members of ${code} may see this`);
  }
}
