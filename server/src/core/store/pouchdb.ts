import PouchDB from 'pouchdb';

export type Database = PouchDB.Database;
export type PouchDBConstructor = PouchDB.Static;

/** For `db.get(…).catch(missingAsUndefined)`: a document that is not there is undefined; any other failure stays one. */
export function missingAsUndefined(error: unknown): undefined {
  if ((error as { status?: number }).status === 404) return undefined;
  throw error;
}

/** PouchDB on LevelDB with every database under the data folder. */
export function pouchdbIn(dataDir: string): PouchDBConstructor {
  const prefix = dataDir.endsWith('/') ? dataDir : `${dataDir}/`;
  return PouchDB.defaults({ prefix }) as unknown as PouchDBConstructor;
}
