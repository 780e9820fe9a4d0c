import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { adminDelete, adminForgetBrowsers, adminList, adminReset } from '../../mfa/authenticators.js';
import type { MfaDeps } from '../../mfa/mfa-deps.js';
import { authenticatorView } from '../mfa-schemas.js';
import { errorResponse } from '../schemas.js';
import { wellFormed } from '../well-formed.js';

const user = z.strictObject({ userId: wellFormed().min(1).max(256) });
const errors = { '4xx': errorResponse, '5xx': errorResponse };
const common = { tags: ['admin'], security: [{ bearer: [] }] };

/** Admin: list and delete a user's authenticators, reset a user's MFA, forget their remembered browsers. */
export const adminMfaRoutes = (deps: Pick<MfaDeps, 'mfa'>): FastifyPluginAsyncZod => async (app) => {
  app.get('/v1/admin/users/:userId/authenticators', {
    schema: { ...common, summary: "A user's authenticators", params: user, response: { 200: z.array(authenticatorView), ...errors } },
    handler: (request) => adminList(deps, request.params.userId),
  });

  app.delete('/v1/admin/users/:userId/authenticators/:authenticatorId', {
    schema: {
      ...common,
      summary: 'Remove one authenticator',
      params: z.strictObject({ userId: wellFormed().min(1).max(256), authenticatorId: z.uuid() }),
      response: { 200: z.object({ deleted: z.string() }), ...errors },
    },
    handler: (request) => {
      request.log.info({ admin: request.admin.id, user: request.params.userId }, 'admin removed an authenticator');
      return adminDelete(deps, request.params.userId, request.params.authenticatorId);
    },
  });

  app.delete('/v1/admin/users/:userId/mfa', {
    schema: { ...common, summary: "Reset a user's MFA (all authenticators and remembered browsers)", params: user, response: { 200: z.object({ reset: z.literal(true) }), ...errors } },
    handler: (request) => {
      request.log.info({ admin: request.admin.id, user: request.params.userId }, 'admin reset MFA');
      return adminReset(deps, request.params.userId);
    },
  });

  app.delete('/v1/admin/users/:userId/remembered-browsers', {
    schema: { ...common, summary: "Forget a user's remembered browsers", params: user, response: { 200: z.object({ forgotten: z.number() }), ...errors } },
    handler: (request) => {
      request.log.info({ admin: request.admin.id, user: request.params.userId }, 'admin forgot remembered browsers');
      return adminForgetBrowsers(deps, request.params.userId);
    },
  });
};
