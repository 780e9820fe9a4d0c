import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assessLogin, type AssessLoginDeps } from '../../risk/assess-login.js';
import { callerOf } from '../caller.js';
import { assessBody, assessResponse, errorResponse } from '../schemas.js';

/** `POST /v1/assess`, also served as `POST /assess` (the path login services already know). */
export const assessRoutes = (deps: AssessLoginDeps): FastifyPluginAsyncZod => async (app) => {
  for (const url of ['/v1/assess', '/assess']) {
    app.post(url, {
      schema: {
        summary: 'Assess a login after the first factor',
        tags: ['assess'],
        security: [{ bearer: [] }],
        body: assessBody,
        response: { 200: assessResponse, '4xx': errorResponse },
        hide: url === '/assess',
      },
      handler: (request) => assessLogin(deps, request.body, callerOf(request)),
    });
  }
};

