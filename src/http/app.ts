import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, validatorCompiler } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { AdminIntelDeps } from '../intel/admin-intel.js';
import type { MfaDeps } from '../mfa/mfa-deps.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { AdminHistoryDeps } from '../risk/admin-history.js';
import type { AssessLoginDeps } from '../risk/assess-login.js';
import type { CompleteAssessmentDeps } from '../risk/complete-assessment.js';
import type { RecordEventDeps } from '../risk/record-event.js';
import { createAdminAuthHook, createAuthHook } from './auth.js';
import { lazyChildLogger } from './lazy-logger.js';
import { frameworkErrorHandler, installErrorHandling } from './error-handler.js';
import { adminHistoryRoutes } from './routes/admin-history.js';
import { adminMfaRoutes } from './routes/admin-mfa.js';
import { adminIntelRoutes } from './routes/admin-intel.js';
import { assessRoutes } from './routes/assess.js';
import { completeRoutes } from './routes/complete.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes, type HealthDeps } from './routes/health.js';
import { metricsRoutes, type MetricsRouteDeps } from './routes/metrics.js';
import { jwksRoutes, mfaRoutes } from './routes/mfa.js';
import { slowClientLimits } from './slow-client-limits.js';

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/**
 * Longest path parameter, in characters as sent. User ids may be 256 characters (the /v1/assess
 * schema), up to 3× that percent-encoded in an admin route's path; fastify's default of 100
 * refused longer ones.
 */
const MAX_PARAM_LENGTH = 1024;

/**
 * What the app hands its routes: the union of what each declares, and the logger, config and
 * metrics of its own hooks. The composition root's `Deps` (src/deps.ts) is one.
 */
export type AppDeps = HealthDeps &
  MetricsRouteDeps &
  AssessLoginDeps &
  CompleteAssessmentDeps &
  RecordEventDeps &
  MfaDeps &
  AdminHistoryDeps &
  AdminIntelDeps & { config: Config; logger: Logger; metrics: Metrics };

/** Build the HTTP app over already-built infrastructure. Routes stay thin: they call use cases. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    childLoggerFactory: lazyChildLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    ...slowClientLimits(deps.config.requestTimeoutMs),
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: frameworkErrorHandler(MAX_PARAM_LENGTH, (request, reply) =>
      deps.metrics.httpDuration.observe({ route: 'unmatched', method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000),
    ),
    // Keep a caller's request id when it is sane, so one id follows the login through systems.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Per-request lines cost real time on the hot path; production logs errors and events only.
    logController: new LogController({
      disableRequestLogging: (req) =>
        deps.config.env === 'production' || req.url.startsWith('/health/') || req.url === '/metrics',
    }),
  });

  // Bodies are JSON only (docs/api.md, "Requests and errors"): fastify's built-in text/plain parser
  // would hand the schema a string and answer a puzzling 400 instead of 415 unsupported_media_type.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  // Responses are built by our own code from typed values; schemas there are documentation.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  installErrorHandling(app);

  // Callback hooks, not async ones: no promise and microtask per request for two lines.
  app.addHook('onRequest', (request, reply, done) => {
    // No cache may keep an answer (mfa_tokens, TOTP secrets, recovery codes, result tokens, user
    // data) unless its route says so, as the JWKS does (docs/security.md, item 7).
    reply.header('x-request-id', request.id).header('cache-control', 'no-store');
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    deps.metrics.httpDuration.observe(
      { route: request.routeOptions.url ?? 'unmatched', method: request.method, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // VIGIL_DOCS: on by default, off in production (docs/security.md, item 6).
  if (deps.config.docs) {
    await app.register(fastifySwagger, {
      openapi: {
        info: {
          title: 'Vigil',
          description: 'Adaptive authentication: risk assessment of logins, with Auth0-compatible answers.',
          version: '1',
        },
        components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      },
      transform: jsonSchemaTransform,
    });
    await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  }

  await app.register(healthRoutes(deps));
  // With VIGIL_METRICS_PORT, /metrics lives on a listener of its own (src/http/metrics-app.ts).
  if (deps.config.metricsEndpoint.port === null) await app.register(metricsRoutes(deps));
  await app.register(jwksRoutes(deps));
  await app.register(async (api) => {
    api.addHook('onRequest', createAuthHook(deps.config.clients, deps.metrics));
    await api.register(assessRoutes(deps));
    await api.register(completeRoutes(deps));
    await api.register(eventRoutes(deps));
    await api.register(mfaRoutes(deps));
  });
  await app.register(async (admin) => {
    admin.addHook('onRequest', createAdminAuthHook(deps.config.admins, deps.metrics));
    await admin.register(adminHistoryRoutes(deps));
    await admin.register(adminMfaRoutes(deps));
    await admin.register(adminIntelRoutes(deps));
  });
  return app;
}
