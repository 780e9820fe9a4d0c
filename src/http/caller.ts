import type { FastifyRequest } from 'fastify';
import type { Caller } from '../caller.js';

/** The service-level view of an authenticated request. */
export function callerOf(request: FastifyRequest): Caller {
  const forwarded = request.headers['auth0-forwarded-for'];
  return {
    client: request.client,
    connectionIp: request.socket.remoteAddress ?? request.ip,
    forwardedFor: Array.isArray(forwarded) ? forwarded[0] : forwarded,
    log: request.log,
  };
}
