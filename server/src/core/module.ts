import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
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
  /** Takes an HTTP upgrade (WebSocket) it serves; false leaves it to others. */
  upgrade?(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Background work (timers) that runs while the server listens. */
  start?(): void;
  stop?(): void;
}

export type { ChangeReactions };
