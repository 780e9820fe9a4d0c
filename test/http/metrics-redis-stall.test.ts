import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * Item 12 (docs/operations.md, "Redis faults"): `GET /metrics` hung for as long as Redis
 * stalled (15.0 s during a 15 s pause), because it waited for the email queue's counts. The
 * scrape must work exactly during the incident it should show.
 */
describe('12. /metrics hung while Redis stalled', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url, env: { VIGIL_REDIS_TIMEOUT_MS: '200' } });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const scrape = async () => {
    const started = performance.now();
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    return { ms: performance.now() - started, body: res.body };
  };

  it('serves every other metric within the Redis timeout, without the queue counts, and counts the miss', async () => {
    const calm = await scrape();
    expect(calm.body).toMatch(/^vigil_email_queue_jobs\{state="waiting"\} 0$/m);

    const stalled = redis.client().call('DEBUG', 'SLEEP', '1');
    await new Promise((r) => setTimeout(r, 50));
    const during = await scrape();
    await stalled;
    // Was: as long as the stall.
    expect(during.ms).toBeLessThan(t.config.redis.timeoutMs + 300);
    expect(during.body).toMatch(/^vigil_process_cpu_user_seconds_total \d/m);
    expect(during.body).toMatch(/^# TYPE vigil_http_request_duration_seconds histogram$/m);
    // No stale counts: the series is gone until Redis answers again.
    expect(during.body).not.toMatch(/^vigil_email_queue_jobs\{/m);
    expect(during.body).toMatch(/^vigil_email_queue_read_failures_total 1$/m);

    const after = await scrape();
    expect(after.body).toMatch(/^vigil_email_queue_jobs\{state="waiting"\} 0$/m);
  });
});
