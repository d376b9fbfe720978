import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { errors, groupDatabaseName, placeOfDatabase } from '@mutual/schema';
import type { Config } from './config.js';
import { authenticate } from './core/auth/authenticate.js';
import { loadDevIssuer } from './core/auth/dev-issuer.js';
import { devTokenVerifier, oidcTokenVerifier, rememberingVerifier, type TokenVerifier } from './core/auth/token-verifier.js';
import { couchFace } from './core/couch/couch-face.js';
import { EventBus } from './core/event-bus.js';
import { loadServerKey } from './core/auth/server-key.js';
import type { JWK } from 'jose';
import { crossOrigin } from './core/http/cross-origin.js';
import { couchErrors, restErrors } from './core/http/error-handlers.js';
import type { Logger } from './core/logger.js';
import { openStore } from './core/store/open-store.js';
import { MEMBERSHIPS_DB, MembershipIndex } from './communities/membership-index.js';
import { OpenRequests } from './core/couch/open-requests.js';
import { ChangeWaits } from './core/couch/change-waits.js';
import { SequenceWatchers } from './core/couch/sequence-watchers.js';
import { changesWaitRoute } from './core/couch/changes-wait-route.js';
import { routerFor } from './core/http/api-route.js';
import { openApiDocument } from './core/http/openapi.js';
import { serverModules } from './modules.js';
import { version } from './version.js';

/** The audience tokens must name when `OIDC_AUDIENCE` is not set. */
export const DEFAULT_AUDIENCE = 'mutual';

export interface RunningServer {
  url: string;
  /** The express app, for white-box tests of what it routes. */
  app: express.Express;
  close(): Promise<void>;
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const store = await openStore(config.dataDir, config.MUTUAL_MAX_OPEN_DATABASES, log);
  const memberships = await MembershipIndex.load(await store.pool.pin(MEMBERSHIPS_DB));
  const audience = config.OIDC_AUDIENCE ?? DEFAULT_AUDIENCE;

  const serverKey = await loadServerKey(config.dataDir);
  // The server's own key (webhook signatures), and in development the dev issuer's.
  const jwks: { keys: JWK[] } = { keys: [serverKey.publicJwk] };
  let verify: TokenVerifier;
  if (config.OIDC_ISSUER) {
    verify = rememberingVerifier(oidcTokenVerifier(config.OIDC_ISSUER, audience));
    log.info({ issuer: config.OIDC_ISSUER, audience }, 'auth: tokens from the OpenID Provider');
  } else {
    const devIssuer = await loadDevIssuer(config.dataDir);
    verify = rememberingVerifier(devTokenVerifier(devIssuer, audience));
    jwks.keys.push(...devIssuer.jwks.keys);
    log.warn({ issuer: devIssuer.issuer, audience }, 'auth: DEVELOPMENT issuer (tokens from `mutual token <sub>`); set OIDC_ISSUER in production');
  }

  const app = express();
  app.disable('x-powered-by');
  if (config.MUTUAL_CORS_ORIGINS) {
    app.use(crossOrigin(config.MUTUAL_CORS_ORIGINS));
    log.info({ origins: config.MUTUAL_CORS_ORIGINS }, 'CORS: browser apps of these origins may call the server');
  }
  app.get('/health', (_req, res, next) => {
    store.directory.info().then(
      () => res.json({ status: 'ok', version, databases: store.pool.size }),
      () => next(errors.serviceUnavailable()),
    );
  });
  app.get('/.well-known/jwks.json', (_req, res) => res.json(jwks));

  const bus = new EventBus(log);
  const identity = {
    userOf: async (token: string) => {
      const { sub } = await verify(token);
      return { name: sub, roles: memberships.rolesOf(sub) };
    },
    rolesOf: (sub: string) => memberships.rolesOf(sub),
  };
  const modules = await serverModules({ store, memberships, bus, identity, serverKey, config, log });
  for (const module of modules) module.reactions.forEach((reaction) => store.reactions.register(reaction));

  const openRequests = new OpenRequests();
  const watchers = new SequenceWatchers();
  const changeWaits = new ChangeWaits(store.pool, watchers, store.exists);
  // A member who leaves or is removed is cut off at once, live feeds and waits included.
  memberships.on('change', ({ group, user, role }) => {
    if (role !== undefined) return;
    openRequests.closeAll(groupDatabaseName(group), user, `you are no longer a member of ${group}`);
    changeWaits.cutOff(groupDatabaseName(group), user);
  });

  const authenticated = authenticate(verify, memberships, config.MUTUAL_ADMIN);
  app.use('/db', authenticated, couchFace({
    PouchDB: store.PouchDB,
    pool: store.pool,
    openRequests,
    watchers,
    exists: store.exists,
    createUserDatabase: store.ensureRulesDatabase,
    log,
    version,
    maxBodyBytes: config.MUTUAL_MAX_BODY_BYTES,
    maxDocumentBytes: config.MUTUAL_MAX_DOCUMENT_BYTES,
  }), couchErrors(log));

  const routes = [...modules.flatMap((module) => module.routes), changesWaitRoute(changeWaits)];
  const openApi = openApiDocument(routes, version);
  const api = express.Router();
  api.get('/openapi.json', (_req, res) => res.json(openApi));
  // Komunitin's name for the same resource.
  api.all(/^\/groups(\/.*)?$/, (req, res) => res.redirect(308, req.originalUrl.replace('/api/v1/groups', '/api/v1/communities')));
  api.use(authenticated, express.json({ limit: config.MUTUAL_MAX_BODY_BYTES }), routerFor(routes));
  app.use('/api/v1', api);
  app.use((_req, _res, next) => next(errors.notFound()));
  app.use(restErrors(log));

  const server = await listen(app, config.PORT, config.HOST);
  server.on('upgrade', (req, socket, head) => {
    if (!modules.some((module) => module.upgrade?.(req, socket, head))) socket.destroy();
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`;
  log.info({ url, dataDir: config.dataDir, version }, 'Mutual is listening');
  for (const module of modules) module.start?.();
  // Intents that arrived while the server was down (or mid-way when it stopped).
  const catchingUp = store.allDbs()
    .then((names) => store.reactions.catchUp(names.filter((name) => placeOfDatabase(name) !== undefined)))
    .catch((error: unknown) => log.error({ err: error }, 'catching up on changes failed'));

  return {
    url,
    app,
    async close() {
      for (const module of modules) module.stop?.();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.reactions.stop();
      await catchingUp;
      await store.close();
    },
  };
}

function listen(app: express.Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}
