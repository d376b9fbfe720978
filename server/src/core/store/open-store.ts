import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { DIRECTORY_DB, groupCodeOfDatabase } from '@mutual/schema';
import type { Logger } from '../logger.js';
import { installAttachmentWrites } from './attachment-writes.js';
import { DatabasePool } from './database-pool.js';
import { pouchdbIn, type Database, type PouchDBConstructor } from './pouchdb.js';
import { compileRulesDesignDoc, installRules, type RulesDesignDoc } from './rules-design-doc.js';
import { installValidation } from './validated-writes.js';

const require = createRequire(import.meta.url);

export type StorePouchDB = PouchDBConstructor & { allDbs(): Promise<string[]> };

export interface Store {
  PouchDB: StorePouchDB;
  pool: DatabasePool;
  directory: Database;
  rules: RulesDesignDoc;
}

/**
 * Opens the embedded store: PouchDB on LevelDB in the data folder, every database validated
 * by its design documents, and the rules installed or upgraded in every group database.
 */
export async function openStore(dataDir: string, maxOpenDatabases: number, log: Logger): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const PouchDB = pouchdbIn(dataDir) as StorePouchDB;
  (require('pouchdb-all-dbs') as (pouch: unknown) => void)(PouchDB);
  const pool = new DatabasePool(PouchDB, maxOpenDatabases, (name, db) => {
    installValidation(name, db);
    installAttachmentWrites(db);
  }, log);
  const rules = await compileRulesDesignDoc();
  const directory = await pool.pin(DIRECTORY_DB);

  const groupDbs = (await PouchDB.allDbs()).filter((name) => groupCodeOfDatabase(name) !== undefined);
  let upgraded = 0;
  for (const name of groupDbs) {
    if (await pool.with(name, (db) => installRules(db, rules))) upgraded += 1;
  }
  log.info({ groups: groupDbs.length, upgraded, rulesHash: rules.mutual.rulesHash.slice(0, 12) }, 'group rules checked');
  return { PouchDB, pool, directory, rules };
}
