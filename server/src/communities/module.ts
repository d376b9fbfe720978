import type { EventBus } from '../core/event-bus.js';
import type { ServerModule } from '../core/module.js';
import { KeyedQueue } from '../core/keyed-queue.js';
import type { Store } from '../core/store/open-store.js';
import { Communities } from './communities.js';
import { Directory } from './directory.js';
import type { MembershipIndex } from './membership-index.js';
import { Memberships } from './memberships.js';
import { registrationIntents } from './registration-intents.js';
import { Registrations } from './registrations.js';
import { communityRoutes } from './routes/community-routes.js';
import { memberRoutes } from './routes/member-routes.js';
import { registrationRoutes } from './routes/registration-routes.js';
import { userRoutes } from './routes/user-routes.js';
import type { CommunityServices } from './services.js';
import { UserDatabases } from './user-databases.js';

/** Communities, members, registrations and users (skoop-server's Communities API). */
export function communitiesModule(store: Store, index: MembershipIndex, bus: EventBus): ServerModule {
  const directory = new Directory(store.directory);
  const memberships = new Memberships(store.pool, index, directory, bus);
  const users = new UserDatabases(store.pool, store.ensureRulesDatabase);
  const registrations = new Registrations(store.pool, memberships, users, bus);
  const communities = new Communities(store.pool, directory, memberships, registrations, store.ensureRulesDatabase, store.allDbs, bus);
  const services: CommunityServices = { communities, memberships, registrations, users, locks: new KeyedQueue() };
  return {
    name: 'communities',
    routes: [...communityRoutes(services), ...memberRoutes(services), ...registrationRoutes(services), ...userRoutes(services)],
    reactions: [registrationIntents(services)],
  };
}
