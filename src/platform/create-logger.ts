import { pino, type Logger } from 'pino';
import type { Config } from '../config.js';

/** The process's logger, at `LOG_LEVEL`. */
export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({
    level: config.logLevel,
    // Secrets never reach the log, whatever logs a request.
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  });
}
