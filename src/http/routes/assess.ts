import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Deps } from '../../deps.js';
import { assessLogin } from '../../service/assess-login.js';
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
      handler: (request) =>
        assessLogin(deps, request.body, {
          client: request.client,
          connectionIp: request.socket.remoteAddress ?? request.ip,
          forwardedFor: headerValue(request.headers['auth0-forwarded-for']),
          log: request.log,
        }),
    });
  }
};

function headerValue(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}
