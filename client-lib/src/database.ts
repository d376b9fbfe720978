import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBDevModePlugin, disableWarnings } from 'rxdb/plugins/dev-mode';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import { wrappedValidateAjvStorage } from 'rxdb/plugins/validate-ajv';
import type { CollectionName } from './schema/collection-layout.js';
import type { LocalData } from './schema/local-document.js';
import { rxSchemaOf } from './schema/rx-json-schema.js';

export type LocalCollection = RxCollection<LocalData>;
export type LocalCollections = Partial<Record<CollectionName, LocalCollection>>;
export type MutualDatabase = RxDatabase<LocalCollections>;

/**
 * Any RxDB storage: memory in Node tests, Dexie (IndexedDB) in browsers. RxDB's storages
 * differ in their internals and creation options, which the client never touches.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's own convention for "any storage"
export type AnyRxStorage = RxStorage<any, any>;

let localDocumentsAdded = false;
let devModeAdded = false;

/**
 * Opens the client's RxDB database with the given collections. Dev-mode (RxDB's own checks
 * of schemas, queries and writes) needs a schema validator, so it wraps the storage with ajv.
 */
export async function openDatabase(options: {
  name: string;
  storage: AnyRxStorage;
  collections: readonly CollectionName[];
  devMode: boolean;
}): Promise<MutualDatabase> {
  if (!localDocumentsAdded) {
    addRxPlugin(RxDBLocalDocumentsPlugin);
    localDocumentsAdded = true;
  }
  if (options.devMode && !devModeAdded) {
    disableWarnings();
    addRxPlugin(RxDBDevModePlugin);
    devModeAdded = true;
  }
  const database = await createRxDatabase<LocalCollections>({
    name: options.name,
    storage: options.devMode ? wrappedValidateAjvStorage({ storage: options.storage }) : options.storage,
    multiInstance: false,
    eventReduce: true,
    localDocuments: true,
    closeDuplicates: true,
  });
  try {
    await database.addCollections(Object.fromEntries(options.collections.map((name) => [name, { schema: rxSchemaOf(name) }])));
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}
