import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/http/auth.js';
import { buildMetricsApp } from '../../src/http/metrics-app.js';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { expectError } from './helpers.js';

/**
 * Regression (issue 17, item 6): `/metrics` was open and could not be protected (client ids,
 * application names, counters, and the costliest unauthenticated route); `/health/ready` showed
 * absolute file paths and list internals to anyone; `/docs` could not be switched off in
 * production. Now: an optional bearer key and an optional listener of its own for `/metrics`,
 * status only from `/health/ready` without the admin key, and `VIGIL_DOCS`.
 */
const METRICS_KEY = 'vk_test_metrics_0123456789abcdefghijklmnopq';

describe('operations routes exposure', () => {
  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  describe('defaults', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ redisUrl: redis.url });
    });
    afterAll(async () => {
      await t?.close();
    });
    const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers });

    it('answers /health/ready with its status only to callers without a key', async () => {
      const res = await get('/health/ready');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready' });
      expect(res.body).not.toContain('/');
    });

    it('shows the checks (GeoIP files, lists, Redis) to the admin key only', async () => {
      const res = await get('/health/ready', bearer(KEYS.admin));
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ready', checks: { redis: 'ok', geoip: expect.anything(), lists: expect.any(Array) } });
      for (const key of [KEYS.web, 'vk_test_wrong_0123456789abcdefghijklmnopqrs']) {
        expectError(await get('/health/ready', bearer(key)), 401, 'unauthorized');
      }
    });

    it('keeps /metrics open and /docs on when nothing is configured (development and test)', async () => {
      expect((await get('/metrics')).statusCode).toBe(200);
      expect((await get('/docs/json')).statusCode).toBe(200);
    });
  });

  describe('VIGIL_METRICS_KEY_HASH', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ redisUrl: redis.url, env: { VIGIL_METRICS_KEY_HASH: hashApiKey(METRICS_KEY) } });
    });
    afterAll(async () => {
      await t?.close();
    });
    const metrics = (headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url: '/metrics', headers });

    it('serves /metrics to the bearer of that key', async () => {
      const res = await metrics(bearer(METRICS_KEY));
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('# TYPE vigil_assessments_total counter');
    });

    it('refuses every other caller with 401, and shows no metric', async () => {
      for (const headers of [{}, bearer(KEYS.web), bearer(KEYS.admin), bearer(`${METRICS_KEY.slice(0, -1)}x`), { authorization: METRICS_KEY }]) {
        const res = await metrics(headers);
        expectError(res, 401, 'unauthorized');
        expect(res.body).not.toContain('vigil_');
      }
    });
  });

  describe('VIGIL_METRICS_PORT', () => {
    let t: TestApp;
    let side: FastifyInstance;
    let url: string;
    beforeAll(async () => {
      t = await makeTestApp({ redisUrl: redis.url, env: { VIGIL_METRICS_PORT: '9464' } });
      side = await buildMetricsApp(t.deps);
      // The port from config is what main.ts listens on; here any free one.
      url = await side.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await side?.close();
      await t?.close();
    });

    it('serves /metrics on its own listener and not on the API port', async () => {
      expect(t.config.metricsEndpoint.port).toBe(9464);
      expectError(await t.app.inject({ method: 'GET', url: '/metrics' }), 404, 'not_found');
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('# TYPE vigil_assessments_total counter');
      // Nothing else lives there.
      expect((await fetch(`${url}/v1/assess`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${url}/health/ready`)).status).toBe(404);
    });
  });

  describe('VIGIL_DOCS', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ redisUrl: redis.url, env: { VIGIL_DOCS: 'false' } });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('switches the OpenAPI UI and document off', async () => {
      for (const url of ['/docs', '/docs/json', '/docs/static/index.html']) {
        expectError(await t.app.inject({ method: 'GET', url }), 404, 'not_found');
      }
      expect((await t.app.inject({ method: 'POST', url: '/v1/assess', headers: bearer(KEYS.web), payload: { user_id: 'docs-off' } })).statusCode).toBe(200);
    });
  });
});
