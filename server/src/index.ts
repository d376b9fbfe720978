export { startServer, DEFAULT_AUDIENCE, type RunningServer } from './server.js';
export { loadConfig, type Config } from './config.js';
export { loadDevIssuer, DEV_ISSUER } from './core/auth/dev-issuer.js';
export { createLogger } from './core/logger.js';
