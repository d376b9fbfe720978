import type { ServerModule } from './core/module.js';
import type { Store } from './core/store/open-store.js';
import { accountingModule } from './accounting/module.js';
import { communitiesModule } from './communities/module.js';
import type { EventBus } from './core/event-bus.js';
import type { Logger } from './core/logger.js';
import type { MembershipIndex } from './communities/membership-index.js';
import { socialModule } from './social/module.js';

/** The one list of the features this server runs. */
export function serverModules(store: Store, memberships: MembershipIndex, log: Logger, bus: EventBus): ServerModule[] {
  return [communitiesModule(store, memberships), accountingModule(store, log), socialModule(store, bus, log)];
}
