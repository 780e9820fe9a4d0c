import { hash, timingSafeEqual } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientConfig } from '../config.js';
import { VigilError } from '../errors.js';
import { safeEqual } from '../mfa/crypto/codes.js';
import type { Metrics } from '../platform/metrics/metrics.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API client, set by the auth hook on `/v1` routes. */
    client: ClientConfig;
    /** The admin, set by the admin auth hook on `/v1/admin` routes. */
    admin: { id: string };
  }
}

interface Keyed {
  id: string;
  keyHash: string;
}

/** `sha256:<hex>` of an API key, the form stored in config. */
export function hashApiKey(key: string): string {
  return `sha256:${hash('sha256', key, 'hex')}`;
}

/**
 * Find the holder whose key hash equals the presented key's hash. Every configured hash is
 * compared, with `timingSafeEqual`, so timing tells nothing about which or how much matched.
 */
export function findByKey<T>(table: readonly { holder: T; digest: Buffer }[], key: string): T | null {
  // One-shot hash: no Hash object per request (about half the cost of createHash here).
  const digest = hash('sha256', key, 'buffer');
  let found: T | null = null;
  for (const row of table) {
    if (timingSafeEqual(row.digest, digest) && found === null) found = row.holder;
  }
  return found;
}

/**
 * A fastify `onRequest` hook admitting only requests whose bearer key belongs to one of
 * `holders`; `assign` puts the holder on the request.
 *
 * A keep-alive connection sends the same header request after request: each connection keeps
 * the last header it was admitted with, and a request bearing that same header (compared in
 * constant time, as a connection shared by a proxy may carry other clients' keys) skips the
 * regex, the SHA-256 and the table: ~1 µs a request, timed natively, of an assessment's ~77.
 * The header is held only while its connection lives (a WeakMap entry of the socket).
 */
export function createKeyAuthHook<T extends Keyed>(
  holders: readonly T[],
  metrics: Metrics,
  assign: (request: FastifyRequest, holder: T) => void,
) {
  const table = holders.map((holder) => ({ holder, digest: Buffer.from(holder.keyHash.slice('sha256:'.length), 'hex') }));
  const admitted = new WeakMap<Socket, { header: string; holder: T }>();
  // A callback hook: fastify awaits nothing for the (synchronous) check.
  return (request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
    const header = request.headers.authorization;
    if (!header) {
      metrics.authFailures.inc({ reason: 'missing' });
      return done(new VigilError('unauthorized', 'missing "Authorization: Bearer <api key>" header'));
    }
    const socket = request.raw.socket;
    const last = admitted.get(socket);
    if (last !== undefined && safeEqual(header, last.header)) {
      assign(request, last.holder);
      return done();
    }
    const match = /^Bearer ([\x21-\x7e]{1,512})$/i.exec(header);
    const holder = match?.[1] ? findByKey(table, match[1]) : null;
    if (!holder) {
      metrics.authFailures.inc({ reason: match ? 'unknown_key' : 'malformed' });
      return done(new VigilError('unauthorized', 'invalid API key'));
    }
    admitted.set(socket, { header, holder });
    assign(request, holder);
    done();
  };
}

/** Auth for API client routes. */
export const createAuthHook = (clients: readonly ClientConfig[], metrics: Metrics) =>
  createKeyAuthHook(clients, metrics, (request, client) => {
    request.client = client;
  });

/** Auth for `/v1/admin` routes: admin keys only, never client keys. */
export const createAdminAuthHook = (admins: readonly Keyed[], metrics: Metrics) =>
  createKeyAuthHook(admins, metrics, (request, admin) => {
    request.admin = { id: admin.id };
  });
