import type { Logger } from 'pino';
import type { ClientConfig } from './config.js';

/** The part of a pino logger the services use. */
export type RequestLog = Pick<Logger, 'warn' | 'info' | 'error'>;

/** Who is calling and from where, as the HTTP layer saw it. */
export interface Caller {
  client: ClientConfig;
  connectionIp: string;
  /** The `auth0-forwarded-for` header, if sent. */
  forwardedFor: string | undefined;
  /** The request's logger, so every line carries the request id. */
  log: RequestLog;
}
