import type { ServerModule } from './core/module.js';
import type { Store } from './core/store/open-store.js';
import { communitiesModule } from './communities/module.js';
import type { MembershipIndex } from './communities/membership-index.js';

/** The one list of the features this server runs. */
export function serverModules(store: Store, memberships: MembershipIndex): ServerModule[] {
  return [communitiesModule(store, memberships)];
}
