import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mutual' },
    // Tokens and passwords never reach the log, whatever a caller passes.
    redact: ['req.headers.authorization', '*.authorization', '*.password', '*.token'],
  });
}
