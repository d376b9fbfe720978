import type { ServerModule } from './core/module.js';
import { groupsModule } from './groups/module.js';
import type { MembershipIndex } from './groups/membership-index.js';

/** The one list of the features this server runs. */
export function serverModules(memberships: MembershipIndex): ServerModule[] {
  return [groupsModule(memberships)];
}
