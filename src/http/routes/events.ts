import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { recordEvent, type RecordEventDeps } from '../../risk/record-event.js';
import { callerOf } from '../caller.js';
import { errorResponse, eventBody, eventResponse } from '../schemas.js';

/** `POST /v1/events`: failed logins that feed IP reputation. */
export const eventRoutes = (deps: RecordEventDeps): FastifyPluginAsyncZod => async (app) => {
  app.post('/v1/events', {
    schema: {
      summary: 'Report a failed login',
      tags: ['events'],
      security: [{ bearer: [] }],
      body: eventBody,
      response: { 202: eventResponse, '4xx': errorResponse, '5xx': errorResponse },
    },
    handler: async (request, reply) => {
      const result = await recordEvent(deps, request.body, callerOf(request));
      reply.status(202);
      return result;
    },
  });
};
