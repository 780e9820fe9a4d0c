import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { createKeyAuthHook } from '../auth.js';

/**
 * `GET /metrics` in the Prometheus text format. With `VIGIL_METRICS_KEY_HASH` it answers only
 * the bearer of that key (compared like API keys: hashed, in constant time); without, anyone
 * who reaches the port (docs/security.md, item 6).
 */
export const metricsRoutes = (deps: Deps): FastifyPluginAsync => async (app) => {
  const { keyHash } = deps.config.metricsEndpoint;
  // Scoped to this plugin: the hook guards /metrics alone.
  if (keyHash !== null) app.addHook('onRequest', createKeyAuthHook([{ id: 'metrics', keyHash }], deps.metrics, () => {}));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    const counts = await deps.mfa.queueCounts?.().catch(() => null);
    if (counts) for (const [state, n] of Object.entries(counts)) deps.metrics.emailQueue.set({ state }, n);
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
};
