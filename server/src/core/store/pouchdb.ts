import PouchDB from 'pouchdb';

export type Database = PouchDB.Database;
export type PouchDBConstructor = PouchDB.Static;

/** PouchDB on LevelDB with every database under the data folder. */
export function pouchdbIn(dataDir: string): PouchDBConstructor {
  const prefix = dataDir.endsWith('/') ? dataDir : `${dataDir}/`;
  return PouchDB.defaults({ prefix }) as unknown as PouchDBConstructor;
}
