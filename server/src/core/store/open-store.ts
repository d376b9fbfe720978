import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DIRECTORY_DB, placeOfDatabase } from '@mutual/schema';
import type { Logger } from '../logger.js';
import { installAttachmentWrites } from './attachment-writes.js';
import { ChangeReactions } from './change-reactions.js';
import { DatabasePool } from './database-pool.js';
import { KeyValueStore } from './key-value-store.js';
import { pouchdbIn, type Database, type PouchDBConstructor } from './pouchdb.js';
import { compileRulesDesignDoc, installRules, type RulesDesignDoc } from './rules-design-doc.js';
import { installValidation } from './validated-writes.js';
import { rememberAllDbs } from './remembered-all-dbs.js';

const require = createRequire(import.meta.url);

export type StorePouchDB = PouchDBConstructor & { allDbs(): Promise<string[]> };

export interface Store {
  PouchDB: StorePouchDB;
  pool: DatabasePool;
  directory: Database;
  rules: RulesDesignDoc;
  reactions: ChangeReactions;
  allDbs(): Promise<string[]>;
  /** Whether a database exists: a set kept in step with PouchDB's created/destroyed events. */
  exists(name: string): boolean;
  /** Creates a database with the rules, or upgrades its rules. */
  ensureRulesDatabase(name: string): Promise<void>;
  /** The server's own key-value store of that name in the data folder (see key-value-store.ts), opened once. */
  keyValue<T>(name: string): Promise<KeyValueStore<T>>;
  /** Closes every database and key-value store (shutdown). */
  close(): Promise<void>;
}

/**
 * Opens the embedded store: PouchDB on LevelDB in the data folder, every database validated
 * by its design documents, and the rules installed or upgraded in every group and user database.
 */
export async function openStore(dataDir: string, maxOpenDatabases: number, log: Logger): Promise<Store> {
  await mkdir(dataDir, { recursive: true });
  const PouchDB = pouchdbIn(dataDir) as StorePouchDB;
  (require('pouchdb-all-dbs') as (pouch: unknown) => void)(PouchDB);
  const forgetAllDbs = rememberAllDbs(PouchDB);
  // Which databases exist, answered at once for the guard of every request. Listening before
  // any database opens: a `created` heard only after the first listing would be lost.
  const known = new Set<string>();
  const normal = (name: string) => name.replace(/^_pouch_/, '');
  const created = (name: string) => known.add(normal(name));
  const destroyed = (name: string) => known.delete(normal(name));
  PouchDB.on('created', created);
  PouchDB.on('destroyed', destroyed);
  const pool: DatabasePool = new DatabasePool(PouchDB, maxOpenDatabases, (name, db) => {
    installValidation(name, db, reactions);
    installAttachmentWrites(db);
  }, log);
  const reactions = new ChangeReactions(pool, log);
  const rules = await compileRulesDesignDoc();
  const directory = await pool.pin(DIRECTORY_DB);

  const ruled = (await PouchDB.allDbs()).filter((name) => placeOfDatabase(name) !== undefined);
  let upgraded = 0;
  for (const name of ruled) {
    if (await pool.with(name, (db) => installRules(db, rules))) upgraded += 1;
  }
  const groups = ruled.filter((name) => placeOfDatabase(name)?.kind === 'group').length;
  log.info({ groups, users: ruled.length - groups, upgraded, rulesHash: rules.mutual.rulesHash.slice(0, 12) }, 'database rules checked');
  for (const name of await PouchDB.allDbs()) known.add(name);
  const keyValues = new Map<string, Promise<KeyValueStore<unknown>>>();
  return {
    PouchDB, pool, directory, rules, reactions,
    allDbs: () => PouchDB.allDbs(),
    exists: (name) => known.has(name),
    ensureRulesDatabase: async (name) => {
      await pool.with(name, (db) => installRules(db, rules));
    },
    keyValue: <T>(name: string) => {
      // `.kv`: no database name has a dot, so none can take the folder.
      if (!keyValues.has(name)) keyValues.set(name, KeyValueStore.open(path.join(dataDir, `${name}.kv`)));
      return keyValues.get(name) as Promise<KeyValueStore<T>>;
    },
    close: async () => {
      forgetAllDbs();
      PouchDB.removeListener('created', created);
      PouchDB.removeListener('destroyed', destroyed);
      await pool.closeAll();
      const opened = await Promise.allSettled(keyValues.values());
      keyValues.clear();
      await Promise.all(opened.flatMap((result) => (result.status === 'fulfilled' ? [result.value.close()] : [])));
    },
  };
}
