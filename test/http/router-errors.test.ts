import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { expectError, metricValue } from './helpers.js';

/**
 * Regression (issue 17, item 4): errors the router raises before any route runs (bad
 * percent-encoding, a path parameter over 1,024 characters) answered fastify's own 400 and 414
 * bodies, without a request id and with the path echoed back. They answer Vigil's error shape.
 */
describe('router errors', () => {
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

  const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ method: 'GET', url, headers: { ...bearer(KEYS.admin), ...headers } });

  it.each([
    ['a bad escape in a route parameter', '/v1/admin/users/%zz-SECRET/history'],
    ['a truncated escape', '/v1/admin/users/abc%E0%A4%A/history'],
    ['an escaped lone surrogate', '/v1/admin/users/%ED%A0%80/history'],
    ['a bad escape on no route at all', '/no-such/%zz-SECRET'],
  ])('answers %s with 400 invalid_request in Vigil shape, without echoing the path', async (_name, url) => {
    const res = await get(url);
    expectError(res, 400, 'invalid_request', 'percent-encoding');
    expect(res.body).not.toContain('SECRET');
    expect(res.body).not.toContain('%');
  });

  it('answers a path parameter over 1,024 characters with 400 invalid_request, without echoing it', async () => {
    const res = await get(`/v1/admin/users/${'SECRET'.repeat(200)}/history`);
    expectError(res, 400, 'invalid_request', '1024');
    expect(res.body).not.toContain('SECRET');
  });

  it("keeps the caller's request id, and counts the answer in the metrics", async () => {
    const before = await metricValue(t.app, 'vigil_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status: '400' });
    const res = await get('/v1/admin/users/%zz/history', { 'x-request-id': 'trace-abc.123' });
    expectError(res, 400, 'invalid_request');
    expect(res.json().error.request_id).toBe('trace-abc.123');
    expect(await metricValue(t.app, 'vigil_http_request_duration_seconds_count', { route: 'unmatched', method: 'GET', status: '400' })).toBe(before + 1);
  });
});
