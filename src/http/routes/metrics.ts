import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';

/** `GET /metrics` in the Prometheus text format. */
export const metricsRoutes = (deps: Deps): FastifyPluginAsync => async (app) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
};
