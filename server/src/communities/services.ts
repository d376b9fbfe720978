import type { KeyedQueue } from '../core/keyed-queue.js';
import type { Communities } from './communities.js';
import type { Memberships } from './memberships.js';
import type { Registrations } from './registrations.js';
import type { UserDatabases } from './user-databases.js';

/** The communities feature's services, shared by its routes and its reactions. */
export interface CommunityServices {
  communities: Communities;
  memberships: Memberships;
  registrations: Registrations;
  users: UserDatabases;
  /** Serialises decisions about one community (key: its code; '(names)' for names). */
  locks: KeyedQueue;
}

export const NAMES_LOCK = '(names)';
