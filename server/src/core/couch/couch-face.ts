import express, { type Request, type RequestHandler, type Router } from 'express';
import expressPouchDB from 'express-pouchdb';
import { errors, placeOfDatabase } from '@mutual/schema';
import type { Logger } from '../logger.js';
import type { DatabasePool } from '../store/database-pool.js';
import type { PouchDBConstructor } from '../store/pouchdb.js';
import { asyncRoute } from '../http/async-route.js';
import { couchErrors } from '../http/error-handlers.js';
import { allows, canRead, requiredAccess } from './access-policy.js';
import { serveChanges } from './changes-feed.js';
import { LongpollWaiters } from './longpoll-waiters.js';
import type { SequenceWatchers } from './sequence-watchers.js';
import { securityObjectOf } from './security-object.js';
import { limitBodies, limitDocuments } from './size-limits.js';
import type { OpenRequests } from './open-requests.js';

export interface CouchFaceOptions {
  PouchDB: PouchDBConstructor & { allDbs(): Promise<string[]> };
  pool: DatabasePool;
  openRequests: OpenRequests;
  /** The one live feed per database that longpolls (and the REST waits) share. */
  watchers: SequenceWatchers;
  exists(dbName: string): boolean;
  /** Creates the caller's own user database on first use. */
  createUserDatabase(dbName: string): Promise<void>;
  log: Logger;
  version: string;
  maxBodyBytes: number;
  maxDocumentBytes: number;
}

/**
 * The parts of express-pouchdb Mutual serves. Left out: its `_changes` (replaced), root,
 * `_all_dbs` and `_session` stub (replaced; the stub calls everyone `_admin`), temp views
 * (arbitrary code), config, replicator, users and the other server-wide parts.
 */
const EXPRESS_POUCHDB_PARTS = [
  'compression',
  'routes/all-docs',
  'routes/attachments',
  'routes/bulk-docs',
  'routes/bulk-get',
  'routes/compact',
  'routes/db',
  'routes/documents',
  'routes/find',
  'routes/revs-diff',
  'routes/view-cleanup',
  'routes/views',
  'routes/404',
];

function dbNameOf(req: Request): string {
  return decodeURIComponent(String(req.params.db));
}

/** The replication face at `/db/`: CouchDB's protocol, guarded by membership and the rules. */
export function couchFace(options: CouchFaceOptions): Router {
  const { PouchDB, pool, log } = options;
  const pouchApp = expressPouchDB(PouchDB, { mode: 'custom', overrideMode: { include: EXPRESS_POUCHDB_PARTS } });
  const router = express.Router();
  const longpolls = new LongpollWaiters(options.watchers);

  router.get('/', (_req, res) => {
    res.json({ couchdb: 'Welcome', version: options.version, vendor: { name: 'Mutual', version: options.version } });
  });

  router.get('/_session', (req, res) => {
    res.json({ ok: true, userCtx: { name: req.userCtx.name, roles: req.userCtx.roles }, info: {} });
  });

  router.get('/_all_dbs', asyncRoute(async (req, res) => {
    if (req.userCtx.name === null) throw errors.unauthorized();
    const names = await PouchDB.allDbs();
    res.json(names.filter((name) => canRead(req.userCtx, name)).sort());
  }));

  const guard: RequestHandler = asyncRoute(async (req, res, next) => {
    const dbName = dbNameOf(req);
    // Decoded before splitting: `_design%2Fx` is the design document `_design/x`.
    const rest = decodeURIComponent(req.path).split('/').filter(Boolean);
    const access = requiredAccess(req.method, rest);
    if (!allows(req.userCtx, dbName, access)) {
      if (req.userCtx.name === null) throw errors.unauthorized();
      throw errors.forbidden(`you may not ${access === 'read' ? 'read' : 'change'} ${dbName}`);
    }
    const createsDatabase = rest.length === 0 && req.method === 'PUT';
    let exists = options.exists(dbName);
    if (!exists && !createsDatabase && placeOfDatabase(dbName)?.kind === 'user') {
      await options.createUserDatabase(dbName);
      exists = true;
    }
    if (exists && !createsDatabase) {
      // Held until the response ends, so the pool never closes a database in use.
      const { release } = await pool.lease(dbName);
      res.on('close', release);
    }
    if (req.userCtx.name !== null) options.openRequests.track(dbName, req.userCtx.name, res);
    next();
  });

  router.use('/:db', guard, limitBodies(options.maxBodyBytes), limitDocuments(options.maxDocumentBytes));

  router.all('/:db/_changes', asyncRoute(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'POST') throw errors.methodNotAllowed();
    const dbName = dbNameOf(req);
    if (!options.exists(dbName)) throw errors.notFound(`no database ${dbName}`);
    await pool.with(dbName, (db) => serveChanges(req, res, db, longpolls));
  }));

  router.get('/:db/_security', (req, res) => {
    res.json(securityObjectOf(dbNameOf(req)));
  });

  router.use((req, _res, next) => {
    // A fresh object per request: express-pouchdb writes the database name into it.
    req.couchSession = { ok: true, userCtx: { name: req.userCtx.name, roles: [...req.userCtx.roles] }, info: {} };
    next();
  });
  router.use(pouchApp);
  router.use(couchErrors(log));
  return router;
}
