import type { ServerModule } from '../core/module.js';
import { Groups } from './groups.js';
import type { MembershipIndex } from './membership-index.js';
import { groupRoutes } from './routes.js';

/** Groups: their databases, first managers and directory entries. */
export function groupsModule(memberships: MembershipIndex): ServerModule {
  return {
    name: 'groups',
    routes: ({ pool, directory, rules, allDbs }) =>
      groupRoutes(new Groups(pool, directory, memberships, rules, allDbs)),
  };
}
