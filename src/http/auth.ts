import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { ClientConfig } from '../config.js';
import { VigilError } from '../errors.js';
import type { Metrics } from '../metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API client, set by the auth hook on `/v1` routes. */
    client: ClientConfig;
  }
}

/** `sha256:<hex>` of an API key, the form stored in config. */
export function hashApiKey(key: string): string {
  return `sha256:${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}

/**
 * Find the client whose key hash equals the presented key's hash. Every configured hash is
 * compared, with `timingSafeEqual`, so timing tells nothing about which or how much matched.
 */
export function findClient(clients: readonly { client: ClientConfig; digest: Buffer }[], key: string): ClientConfig | null {
  const digest = createHash('sha256').update(key, 'utf8').digest();
  let found: ClientConfig | null = null;
  for (const c of clients) {
    if (timingSafeEqual(c.digest, digest) && found === null) found = c.client;
  }
  return found;
}

/** A fastify `onRequest` hook that admits only requests with a configured API key. */
export function createAuthHook(clients: readonly ClientConfig[], metrics: Metrics) {
  const table = clients.map((client) => ({ client, digest: Buffer.from(client.keyHash.slice('sha256:'.length), 'hex') }));
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) {
      metrics.authFailures.inc({ reason: 'missing' });
      throw new VigilError('unauthorized', 'missing "Authorization: Bearer <api key>" header');
    }
    const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
    const client = match?.[1] ? findClient(table, match[1]) : null;
    if (!client) {
      metrics.authFailures.inc({ reason: match ? 'unknown_key' : 'malformed' });
      throw new VigilError('unauthorized', 'invalid API key');
    }
    request.client = client;
  };
}
