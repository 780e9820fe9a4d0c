import type { FastifyPluginAsync } from 'fastify';
import type { Deps } from '../../deps.js';
import { withDeadline } from '../../service/deadline.js';

/** `GET /health/live` (the process answers) and `GET /health/ready` (Redis reachable; GeoIP and IP lists reported). */
export const healthRoutes = (deps: Deps): FastifyPluginAsync => async (app) => {
  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { hide: true } }, async (_request, reply) => {
    let redis: 'ok' | string = 'ok';
    try {
      await withDeadline(deps.redis.ping(), deps.config.redis.timeoutMs);
    } catch (err) {
      redis = `unavailable: ${(err as Error).message}`;
    }
    const ready = redis === 'ok';
    deps.metrics.ready.set(ready ? 1 : 0);
    reply.status(ready ? 200 : 503);
    // A failing list source keeps its last good version and does not make the instance unready:
    // refusing logins because a third-party feed is down would be worse. It shows here instead.
    const lists = deps.feeds.sync.report().map(({ name, category, status, loadedVersion, size, state }) => ({
      name,
      category,
      status,
      version: loadedVersion,
      size,
      ...(status === 'failing' && state?.error ? { error: state.error, failures: state.failures } : {}),
    }));
    return { status: ready ? 'ready' : 'not_ready', checks: { redis, geoip: deps.geo.info, lists } };
  });
};
