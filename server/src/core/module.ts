import type { Router } from 'express';
import type { Logger } from './logger.js';
import type { DatabasePool } from './store/database-pool.js';
import type { Database } from './store/pouchdb.js';
import type { RulesDesignDoc } from './store/rules-design-doc.js';

/** What the core hands every feature module. */
export interface ModuleContext {
  pool: DatabasePool;
  directory: Database;
  rules: RulesDesignDoc;
  log: Logger;
  /** Names of every database in the store. */
  allDbs(): Promise<string[]>;
}

/** A feature: its REST routes under `/api/v1` (and, as features grow, its reactions and events). */
export interface ServerModule {
  name: string;
  routes(context: ModuleContext): Router;
}
