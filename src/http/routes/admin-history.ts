import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CLEARABLE, clearUserHistory, viewUserHistory, type AdminHistoryDeps } from '../../risk/admin-history.js';
import { clearHistoryResponse, errorResponse, userHistoryResponse } from '../schemas.js';
import { wellFormed } from '../well-formed.js';

const params = z.strictObject({ userId: wellFormed().min(1).max(256) });

/** `GET|DELETE /v1/admin/users/{userId}/history`: look at or clear a user's risk history. */
export const adminHistoryRoutes = (deps: AdminHistoryDeps): FastifyPluginAsyncZod => async (app) => {
  app.get('/v1/admin/users/:userId/history', {
    schema: {
      summary: "A user's risk history, coarse: counts, user-agent families, last location",
      tags: ['admin'],
      security: [{ bearer: [] }],
      params,
      response: { 200: userHistoryResponse, '4xx': errorResponse, '5xx': errorResponse },
    },
    handler: (request) => viewUserHistory(deps, request.params.userId),
  });

  app.delete('/v1/admin/users/:userId/history', {
    schema: {
      summary: "Clear what one assessor learned about a user, or erase the user's history",
      tags: ['admin'],
      security: [{ bearer: [] }],
      params,
      querystring: z.strictObject({ assessor: z.enum(CLEARABLE).optional() }),
      response: { 200: clearHistoryResponse, '4xx': errorResponse, '5xx': errorResponse },
    },
    handler: (request) => {
      request.log.info({ admin: request.admin.id, user: request.params.userId, assessor: request.query.assessor }, 'admin cleared history');
      return clearUserHistory(deps, request.params.userId, request.query.assessor);
    },
  });
};
