import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../../config.js';
import type { MfaRuntime } from '../../mfa/runtime.js';
import type { Metrics } from '../../platform/metrics/metrics.js';
import { withDeadline } from '../../platform/deadline.js';
import { createKeyAuthHook } from '../auth.js';

/**
 * `GET /metrics` in the Prometheus text format. With `VIGIL_METRICS_KEY_HASH` it answers only
 * the bearer of that key (compared like API keys: hashed, in constant time); without, anyone
 * who reaches the port (docs/security.md, item 6).
 *
 * The email queue's counts are the one part read from Redis, within `VIGIL_REDIS_TIMEOUT_MS`;
 * without an answer by then the rest is served without them: a scrape once hung for as long as
 * Redis stalled, failing exactly during the incident it should show (docs/operations.md, "12.
 * /metrics hung while Redis stalled").
 */
/** What the scrape reads: the registry, and the email queue's counts from Redis. */
export interface MetricsRouteDeps {
  config: Pick<Config, 'metricsEndpoint' | 'redis'>;
  metrics: Metrics;
  mfa: Pick<MfaRuntime, 'queueCounts'>;
}

export const metricsRoutes = (deps: MetricsRouteDeps): FastifyPluginAsync => async (app) => {
  const { keyHash } = deps.config.metricsEndpoint;
  // Scoped to this plugin: the hook guards /metrics alone.
  if (keyHash !== null) app.addHook('onRequest', createKeyAuthHook([{ id: 'metrics', keyHash }], deps.metrics, () => {}));
  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    if (deps.mfa.queueCounts) {
      try {
        const counts = await withDeadline(deps.mfa.queueCounts(), deps.config.redis.timeoutMs);
        for (const [state, n] of Object.entries(counts)) deps.metrics.emailQueue.set({ state }, n);
      } catch {
        // No stale counts either: an absent series says "unknown", an old one would lie.
        deps.metrics.emailQueue.reset();
        deps.metrics.emailQueueReadFailures.inc();
      }
    }
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });
};
