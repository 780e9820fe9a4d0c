import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config.js';
import type { GeoLocator } from '../../intel/geo-locator.js';
import type { IntelFeeds } from '../../intel/intel-feeds.js';
import type { Metrics } from '../../platform/metrics/metrics.js';
import type { RedisConnections } from '../../platform/redis/redis-connections.js';
import type { RedisDataWatch } from '../../redis-data/redis-data-watch.js';
import { withDeadline } from '../../platform/deadline.js';
import { createAdminAuthHook } from '../auth.js';

/**
 * `GET /health/live` (the process answers) and `GET /health/ready` (Redis reachable). Probes
 * get the status alone; the checks behind it (the Redis error, GeoIP database files, each IP
 * list's version and last error, Redis's data marker) go to the admin key only: they name files
 * and internals (docs/security.md, item 6). A wrong key is a 401, not a silent downgrade, so an
 * operator notices the typo.
 *
 * Statuses (docs/operations.md, "Health"): `ready` (200); `degraded` (200: serving, but failing
 * closed on empty histories after Redis lost its data); `shutting_down` (503: a signal came,
 * the listener still serves through the grace period); `not_ready` (503: Redis does not answer).
 */
/** What the health routes look at. */
export interface HealthDeps {
  config: Pick<Config, 'admins' | 'redis'>;
  metrics: Metrics;
  redis: Pick<RedisConnections, 'ping'>;
  /** Set on SIGTERM/SIGINT (src/platform/stop-on-signals.ts). */
  lifecycle: { draining: boolean };
  redisData: Pick<RedisDataWatch, 'status'>;
  feeds: { sync: Pick<IntelFeeds['sync'], 'report'> };
  geo: Pick<GeoLocator, 'info'>;
}

export const healthRoutes = (deps: HealthDeps): FastifyPluginAsync => async (app) => {
  const adminAuth = createAdminAuthHook(deps.config.admins, deps.metrics);
  const adminIfKeyed = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) =>
    request.headers.authorization === undefined ? done() : adminAuth(request, reply, done);

  app.get('/health/live', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { hide: true }, onRequest: adminIfKeyed }, async (request, reply) => {
    let redis: 'ok' | string = 'ok';
    try {
      await withDeadline(deps.redis.ping(), deps.config.redis.timeoutMs);
    } catch (err) {
      redis = `unavailable: ${(err as Error).message}`;
    }
    const ready = redis === 'ok' && !deps.lifecycle.draining;
    deps.metrics.ready.set(ready ? 1 : 0);
    reply.status(ready ? 200 : 503);
    const data = deps.redisData.status();
    const status = deps.lifecycle.draining ? 'shutting_down' : !ready ? 'not_ready' : data.failClosedUntilMs !== null ? 'degraded' : 'ready';
    // Set by the admin auth hook when a valid admin key came with the request.
    if ((request as { admin?: unknown }).admin === undefined) return { status };
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
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    const redisData = { since: iso(data.sinceMs), lost_at: iso(data.lostAtMs), fail_closed_until: iso(data.failClosedUntilMs) };
    return { status, checks: { redis, redis_data: redisData, geoip: deps.geo.info, lists } };
  });
};
