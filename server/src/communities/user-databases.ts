import {
  ownerRole, userDatabaseName, type OutcomeDocument, type ProfileDocument, type RegistrationDocument,
  type UserContext,
} from '@mutual/schema';
import { userKey } from '../core/auth/user-key.js';
import type { DatabasePool } from '../core/store/database-pool.js';
import { serverStamp, writeAsServer } from '../core/store/write-as-server.js';

export type StoredRegistration = RegistrationDocument & { _id: string; _rev?: string };
type StoredProfile = ProfileDocument & { _id: string; _rev?: string };

const PROFILE_ID = 'profile:me';

export function userDatabaseOf(user: string): string {
  return userDatabaseName(userKey(user));
}

/**
 * Each user's own database (`user-<hash of sub>`): their profile and skills, their copies of
 * registrations, the registration intents they write offline and the server's outcomes.
 */
export class UserDatabases {
  constructor(
    private readonly pool: DatabasePool,
    private readonly ensureRulesDatabase: (name: string) => Promise<void>,
  ) {}

  async ensure(user: string): Promise<string> {
    const name = userDatabaseOf(user);
    await this.ensureRulesDatabase(name);
    return name;
  }

  /** Writes the user's copy of a registration (created or updated). */
  async mirror(registration: StoredRegistration): Promise<void> {
    const name = await this.ensure(registration.user);
    await this.pool.with(name, async (db) => {
      const current = (await db.get(registration._id).catch(() => undefined)) as StoredRegistration | undefined;
      const { _rev: _groupRev, ...copy } = registration;
      await writeAsServer(db, [{ ...copy, ...(current?._rev && { _rev: current._rev }) }]);
    });
  }

  async registrations(user: string): Promise<StoredRegistration[]> {
    return this.pool.with(await this.ensure(user), async (db) => {
      const result = await db.allDocs({ startkey: 'registration:', endkey: 'registration:\uffff', include_docs: true });
      return result.rows.map((row) => row.doc as unknown as StoredRegistration);
    });
  }

  async skills(user: string): Promise<ProfileDocument['skills']> {
    return this.pool.with(await this.ensure(user), async (db) => {
      const profile = (await db.get(PROFILE_ID).catch(() => undefined)) as StoredProfile | undefined;
      return profile?.skills ?? [];
    });
  }

  /** Saves the user's skills as the user: the same rules as a write from their replica. */
  async setSkills(user: string, skills: ProfileDocument['skills']): Promise<void> {
    const owner: UserContext = { name: user, roles: [ownerRole(userKey(user))] };
    await this.pool.with(await this.ensure(user), async (db) => {
      const current = (await db.get(PROFILE_ID).catch(() => undefined)) as StoredProfile | undefined;
      const now = new Date().toISOString();
      const profile: StoredProfile = current
        ? { ...current, skills, updatedAt: now }
        : { _id: PROFILE_ID, type: 'profile', schema: 1, createdAt: now, updatedAt: now, author: user, skills };
      await db.put(profile as never, { userCtx: owner } as never);
    });
  }

  async hasOutcome(dbName: string, outcomeId: string): Promise<boolean> {
    return this.pool.with(dbName, async (db) => (await db.get(outcomeId).catch(() => undefined)) !== undefined);
  }

  async writeOutcome(dbName: string, outcome: Omit<OutcomeDocument, keyof ReturnType<typeof serverStamp> | 'type'> & { _id: string }) {
    await this.pool.with(dbName, (db) => writeAsServer(db, [{ ...outcome, type: 'outcome', ...serverStamp() }]));
  }
}
