import path from 'node:path';
import { z } from 'zod';

const adminCredentials = z
  .string()
  .regex(/^[^:]+:.+$/, 'must be "user:password"')
  .transform((value) => {
    const at = value.indexOf(':');
    return { user: value.slice(0, at), password: value.slice(at + 1) };
  });

/** `*` or a comma-separated list of origins (`https://app.example.org`), each exactly an origin. */
const corsOrigins = z
  .string()
  .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean))
  .refine((origins) => origins.length > 0, 'must name at least one origin, or *')
  .refine(
    (origins) => origins.every((origin) => origin === '*' || (URL.canParse(origin) && new URL(origin).origin === origin)),
    'must be * or origins such as https://app.example.org (scheme, host and port only, no path or trailing slash)',
  );

/** Every setting of the server, from the environment (and CLI flags that override it). */
export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(5984),
  HOST: z.string().min(1).default('127.0.0.1'),
  MUTUAL_DATA_DIR: z.string().min(1).default('./data'),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  MUTUAL_ADMIN: adminCredentials.optional(),
  /** Browser apps on these origins may call the server (CORS); none when unset. */
  MUTUAL_CORS_ORIGINS: corsOrigins.optional(),
  /** Largest request body accepted, in bytes (CouchDB's max_http_request_size). */
  MUTUAL_MAX_BODY_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  /** Largest single document, in bytes of its JSON (CouchDB's max_document_size). */
  MUTUAL_MAX_DOCUMENT_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** Databases kept open at once (CouchDB's max_dbs_open); LevelDB holds ~4 files each. */
  MUTUAL_MAX_OPEN_DATABASES: z.coerce.number().int().min(4).default(500),
  /** Events kept for WebSocket clients to resume from. */
  MUTUAL_EVENT_LOG_SIZE: z.coerce.number().int().min(10).default(10_000),
  /** How often live WebSocket clients are pinged; one that misses a ping is dropped. */
  MUTUAL_WS_HEARTBEAT_MS: z.coerce.number().int().min(100).default(30_000),
  /** First webhook retry delay, doubled after each failure. */
  MUTUAL_WEBHOOK_RETRY_MS: z.coerce.number().int().min(1).default(1000),
  /** Attempts per webhook delivery before the subscription is disabled. */
  MUTUAL_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  /** The contact push services see in VAPID signatures. */
  MUTUAL_VAPID_SUBJECT: z.string().regex(/^(mailto:|https:)/).default('mailto:operator@mutual.invalid'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = z.infer<typeof configSchema> & { dataDir: string };

export class ConfigError extends Error {}

/** Parses settings; a wrong value stops the server with a message naming the variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable (`HOST=`) means unset, as in most shells' habits.
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = configSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return { ...parsed.data, dataDir: path.resolve(parsed.data.MUTUAL_DATA_DIR) };
}
