import type { ApiRoute } from './http/api-route.js';
import type { ChangeReactions, Reaction } from './store/change-reactions.js';

/**
 * A feature: its REST routes under `/api/v1` (served and documented from the same
 * declarations) and its reactions to the databases' changes.
 */
export interface ServerModule {
  name: string;
  routes: ApiRoute[];
  reactions: Reaction[];
  /** Background work (timers) that runs while the server listens. */
  start?(): void;
  stop?(): void;
}

export type { ChangeReactions };
