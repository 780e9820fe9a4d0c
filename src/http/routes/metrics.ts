import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';

/** `GET /metrics` in the Prometheus text format. */
export const metricsRoutes = (deps: Deps): FastifyPluginAsync => async (app) => {
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const counts = await deps.mfa.queueCounts?.().catch(() => null);
    if (counts) for (const [state, n] of Object.entries(counts)) deps.metrics.emailQueue.set({ state }, n);
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
};
