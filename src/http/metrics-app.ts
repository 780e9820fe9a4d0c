import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { installErrorHandling } from './error-handler.js';
import { metricsRoutes, type MetricsRouteDeps } from './routes/metrics.js';
import { slowClientLimits } from './slow-client-limits.js';

/**
 * The listener of `VIGIL_METRICS_PORT`: `/metrics` alone, so the scrape can live on a port the
 * API's clients never reach (docs/security.md, item 6). `main.ts` listens on it beside the API
 * and closes it with the API. A `VIGIL_METRICS_KEY_HASH` applies here too.
 */
export async function buildMetricsApp(deps: MetricsRouteDeps & { logger: Logger; config: Pick<Config, 'requestTimeoutMs'> }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    disableRequestLogging: true,
    genReqId: () => randomUUID(),
    ...slowClientLimits(deps.config.requestTimeoutMs),
  });
  installErrorHandling(app);
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id).header('cache-control', 'no-store');
    done();
  });
  await app.register(metricsRoutes(deps));
  return app;
}
