import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { parseIp, resolveClientIp } from '../../context/ip.js';
import type { Deps } from '../../deps.js';
import { VigilError } from '../../errors.js';
import { recordEvent } from '../../service/record-event.js';
import { errorResponse, eventBody, eventResponse } from '../schemas.js';

/** `POST /v1/events`: failed logins that feed IP reputation. */
export const eventRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
  app.post('/v1/events', {
    schema: {
      summary: 'Report a failed login',
      tags: ['events'],
      security: [{ bearer: [] }],
      body: eventBody,
      response: { 202: eventResponse, '4xx': errorResponse, '5xx': errorResponse },
    },
    handler: async (request, reply) => {
      const forwarded = request.headers['auth0-forwarded-for'];
      // An empty header names no address: then the body must, or the failure would land on our caller.
      const trusted = request.client.trustForwardedFor && typeof forwarded === 'string' && forwarded.trim() !== '';
      if (!trusted && request.body.ip === undefined) {
        throw new VigilError('invalid_request', 'body: ip is required (the end user\'s address, not the login service\'s)');
      }
      if (request.body.ip !== undefined && !parseIp(request.body.ip)) {
        throw new VigilError('invalid_ip_address', `"ip" must be an IPv4 or IPv6 address, got "${request.body.ip.slice(0, 64)}"`);
      }
      const resolved = resolveClientIp({
        forwardedFor: typeof forwarded === 'string' ? forwarded : undefined,
        trustForwardedFor: request.client.trustForwardedFor,
        bodyIp: request.body.ip,
        connectionIp: request.ip,
      });
      if (resolved.ignoredForwardedFor) deps.metrics.forwardedForIgnored.inc({ client: request.client.id });
      if (!resolved.ip) throw new VigilError('invalid_ip_address', `auth0-forwarded-for is not an IP address: "${resolved.invalidIp}"`);
      reply.status(202);
      return recordEvent(deps, request.body, resolved.ip);
    },
  });
};
