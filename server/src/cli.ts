import { Command } from 'commander';
import { ConfigError, loadConfig } from './config.js';
import { loadDevIssuer } from './core/auth/dev-issuer.js';
import { createLogger } from './core/logger.js';
import { DEFAULT_AUDIENCE, startServer } from './server.js';
import { version } from './version.js';

/** Flags win over the environment; both go through the same zod schema. */
function configFrom(flags: { port?: string; host?: string; dataDir?: string }) {
  return loadConfig({
    ...process.env,
    ...(flags.port !== undefined && { PORT: flags.port }),
    ...(flags.host !== undefined && { HOST: flags.host }),
    ...(flags.dataDir !== undefined && { MUTUAL_DATA_DIR: flags.dataDir }),
  });
}

async function start(flags: { port?: string; host?: string; dataDir?: string }) {
  const config = configFrom(flags);
  const log = createLogger(config.LOG_LEVEL);
  // express-pouchdb has promise chains without a catch (an unknown `_changes` filter used to
  // kill the process): log them and keep serving.
  process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled rejection'));
  const server = await startServer(config, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close().then(() => process.exit(0), (error: unknown) => {
      log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function token(sub: string, flags: { dataDir?: string; expiresIn: string }) {
  const config = configFrom(flags);
  if (config.OIDC_ISSUER) throw new ConfigError('OIDC_ISSUER is set: tokens come from your OpenID Provider, not `mutual token`.');
  const issuer = await loadDevIssuer(config.dataDir);
  const jwt = await issuer.issueToken(sub, { audience: config.OIDC_AUDIENCE ?? DEFAULT_AUDIENCE, expiresIn: flags.expiresIn });
  process.stdout.write(`${jwt}\n`);
}

const program = new Command('mutual').version(version).description('Mutual: an offline-first server for exchange communities');
program
  .command('start')
  .description('run the server (settings from the environment: PORT, HOST, MUTUAL_DATA_DIR, OIDC_ISSUER, ...)')
  .option('-p, --port <port>', 'port to listen on (PORT, default 5984)')
  .option('-H, --host <host>', 'address to bind (HOST, default 127.0.0.1)')
  .option('-d, --data-dir <dir>', 'data folder (MUTUAL_DATA_DIR, default ./data)')
  .action(start);
program
  .command('token <sub>')
  .description('print a development token for a user, valid for the dev issuer of the data folder')
  .option('-d, --data-dir <dir>', 'data folder (MUTUAL_DATA_DIR, default ./data)')
  .option('-e, --expires-in <duration>', 'lifetime, e.g. 1h, 7d', '24h')
  .action(token);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
