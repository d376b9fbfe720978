import { createRequire } from 'node:module';
import type { StorePouchDB } from './open-store.js';

const require = createRequire(import.meta.url);
const wrappers = require('pouchdb-wrappers') as {
  installStaticWrapperMethods(PouchDB: unknown, handlers: Record<string, (orig: () => Promise<string[]>) => Promise<string[]>>): void;
};

/**
 * express-pouchdb asks `PouchDB.allDbs()` on every request to a database (to answer 404 for an
 * unknown one), and each answer is built afresh from the whole list: O(databases) a request
 * (GET /db/x: 767 µs with 6 databases, 1,040 µs with 3,006). Here the list is built once and
 * kept until a database is created or destroyed. Installed before express-pouchdb wraps
 * `allDbs`, so this wrapper is the outermost and keeps the finished answer. Answers the function
 * that stops listening (the store's close).
 */
export function rememberAllDbs(PouchDB: StorePouchDB): () => void {
  let remembered: Promise<string[]> | undefined;
  const forget = () => (remembered = undefined);
  // After pouchdb-all-dbs' own listeners: a listing asked from now on includes the change.
  PouchDB.on('created', forget);
  PouchDB.on('destroyed', forget);
  wrappers.installStaticWrapperMethods(PouchDB, {
    allDbs: (orig) => {
      const listing = (remembered ??= orig().then((names) => Object.freeze(names) as string[]));
      listing.catch(() => {
        if (remembered === listing) remembered = undefined;
      });
      return listing;
    },
  });
  return () => {
    PouchDB.removeListener('created', forget);
    PouchDB.removeListener('destroyed', forget);
  };
}
