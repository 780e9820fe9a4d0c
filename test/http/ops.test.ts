import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP, metricValue, post } from './helpers.js';

/** Operations: health probes, Prometheus metrics, the OpenAPI document and its UI. No API key needed. */

describe('operations routes', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const get = (url: string) => t.app.inject({ method: 'GET', url });

  describe('health', () => {
    it('GET /health/live answers 200 ok', async () => {
      const res = await get('/health/live');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('GET /health/ready answers 200 with Redis, GeoIP and list checks for the admin key, and sets vigil_ready', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/health/ready', headers: bearer(KEYS.admin) });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ status: 'ready', checks: { redis: 'ok' } });
      expect(body.checks.geoip).toBeTruthy();
      expect(body.checks.lists).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'bogons', category: 'unroutable' })]));
      expect(await metricValue(t.app, 'vigil_ready')).toBe(1);
    });
  });

  describe('metrics', () => {
    it('serves the Prometheus text format with Vigil metrics and default process metrics', async () => {
      const res = await get('/metrics');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of [
        'vigil_assessments_total counter',
        'vigil_http_request_duration_seconds histogram',
        'vigil_forwarded_for_ignored_total counter',
        'vigil_auth_failures_total counter',
        'vigil_process_cpu_user_seconds_total counter',
      ]) {
        expect(res.body).toContain(`# TYPE ${name}`);
      }
      expect(await metricValue(t.app, 'vigil_intel_list_networks', { source: 'bogons', category: 'unroutable' })).toBeGreaterThan(0);
    });

    it('counts an assessment under its application, confidence and action, and its request by route template', async () => {
      const labels = { application: 'default', confidence: 'neutral', action: 'allow' };
      const http = { route: '/v1/assess', method: 'POST', status: '200' };
      const before = await metricValue(t.app, 'vigil_assessments_total', labels);
      const httpBefore = await metricValue(t.app, 'vigil_http_request_duration_seconds_count', http);
      const res = await post(t.app, '/v1/assess', KEYS.web, { user_id: 'ops-metrics-user', ip: IP.us });
      expect(res.json()).toMatchObject({ risk_assessment: { confidence: 'neutral' }, decision: { action: 'allow' } });
      expect(await metricValue(t.app, 'vigil_assessments_total', labels)).toBe(before + 1);
      expect(await metricValue(t.app, 'vigil_http_request_duration_seconds_count', http)).toBe(httpBefore + 1);
    });

    it('labels by route template, never by raw path, and carries no user data', async () => {
      await post(t.app, '/v1/assessments/00000000-0000-4000-8000-00000000abcd/complete', KEYS.web);
      await post(t.app, '/v1/assess', KEYS.web, { user_id: 'ops-secret-user-9d3', ip: IP.us, device_id: 'ops-cookie-4e1' });
      const body = (await get('/metrics')).body;
      expect(body).toContain('route="/v1/assessments/:id/complete"');
      expect(body).not.toContain('00000000-0000-4000-8000-00000000abcd');
      expect(body).not.toContain('ops-secret-user-9d3');
      expect(body).not.toContain('ops-cookie-4e1');
      expect(body).not.toContain(KEYS.web);
    });
  });

  describe('OpenAPI', () => {
    it('GET /docs/json lists the v1 routes with bearer security, and hides the alias and operations routes', async () => {
      const res = await get('/docs/json');
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.components.securitySchemes.bearer).toEqual({ type: 'http', scheme: 'bearer' });
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/v1/admin/intel/entries',
        '/v1/admin/intel/ips/{ip}',
        '/v1/admin/intel/sources',
        '/v1/admin/intel/sources/{name}/refresh',
        '/v1/admin/users/{userId}/authenticators',
        '/v1/admin/users/{userId}/authenticators/{authenticatorId}',
        '/v1/admin/users/{userId}/history',
        '/v1/admin/users/{userId}/mfa',
        '/v1/admin/users/{userId}/remembered-browsers',
        '/v1/assess',
        '/v1/assessments/{id}/complete',
        '/v1/events',
        '/v1/mfa/associate',
        '/v1/mfa/associate/confirm',
        '/v1/mfa/authenticators',
        '/v1/mfa/challenge',
        '/v1/mfa/email-verification',
        '/v1/mfa/email-verification/verify',
        '/v1/mfa/recovery-codes/regenerate',
        '/v1/mfa/verify',
      ]);
      expect(doc.paths['/v1/admin/users/{userId}/history'].delete.security).toEqual([{ bearer: [] }]);
      for (const path of ['/v1/assess', '/v1/assessments/{id}/complete', '/v1/events']) {
        expect(doc.paths[path].post.security).toEqual([{ bearer: [] }]);
      }
      const assessBody = doc.paths['/v1/assess'].post.requestBody.content['application/json'].schema;
      expect(assessBody.required).toEqual(['user_id']);
      expect(assessBody.additionalProperties).toBe(false);
      expect(Object.keys(assessBody.properties)).toEqual(
        expect.arrayContaining(['user_id', 'ip', 'device_id', 'application', 'acr_values', 'timestamp', 'commit']),
      );
      expect(doc.paths['/v1/assessments/{id}/complete'].post.parameters).toEqual([
        expect.objectContaining({ in: 'path', name: 'id', required: true }),
      ]);
      expect(doc.paths['/v1/events'].post.responses).toHaveProperty('202');
    });

    it('GET /docs serves the UI as HTML', async () => {
      const res = await get('/docs');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toMatch(/<html/i);
      expect(res.body).toContain('swagger-ui');
    });
  });

  // Last: stops this file's Redis.
  it('GET /health/ready answers 503 not_ready while Redis is down; live stays 200', async () => {
    await redis.stop();
    expect((await get('/health/ready')).json()).toEqual({ status: 'not_ready' });
    const res = await t.app.inject({ method: 'GET', url: '/health/ready', headers: bearer(KEYS.admin) });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'not_ready', checks: { redis: expect.stringMatching(/^unavailable: /) } });
    expect(await metricValue(t.app, 'vigil_ready')).toBe(0);
    expect((await get('/health/live')).statusCode).toBe(200);
  });
});
