import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { assessLogin, type AssessResponse } from '../../service/assess-login.js';
import { assessJson } from '../assess-json.js';
import { callerOf } from '../caller.js';
import { assessBody, assessResponse, errorResponse } from '../schemas.js';

/** `POST /v1/assess`, also served as `POST /assess` (the path login services already know). */
export const assessRoutes = (deps: Deps): FastifyPluginAsyncZod => async (app) => {
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
      // The answer has one shape, written by its own serializer; errors keep JSON.stringify.
      serializerCompiler: ({ httpStatus }) => (httpStatus === '200' ? (data) => assessJson(data as AssessResponse) : (data) => JSON.stringify(data)),
      handler: (request) => assessLogin(deps, request.body, callerOf(request)),
    });
  }
};

