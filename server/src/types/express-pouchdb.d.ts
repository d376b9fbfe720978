declare module 'express-pouchdb' {
  import type { Express } from 'express';

  interface ExpressPouchDBOptions {
    mode?: 'fullCouchDB' | 'minimumForPouchDB' | 'custom';
    overrideMode?: { include?: string[]; exclude?: string[] };
  }

  export default function expressPouchDB(PouchDB: unknown, options?: ExpressPouchDBOptions): Express;
}
