import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IP, post } from '../http/helpers.js';
import { KEYS, bearer, makeTestApp, testFileConfig, waitForRedis, type TestApp } from '../support/app.js';
import { eventually, startListServer, type ListServer } from '../support/list-server.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * Item 16 (docs/operations.md, "Redis faults"): an instance that booted while Redis was down
 * loaded its IP lists only from Redis, so in the first second after Redis came back a
 * deny-listed address was allowed. A list file is served from the file until Redis has it.
 */
describe('16. boot during a Redis outage', () => {
  let redis: TestRedis;
  let dir: string;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    await redis.stop();
    dir = await mkdtemp(join(tmpdir(), 'vigil-boot-'));
    await writeFile(join(dir, 'denied.txt'), '8.8.8.0/24\n');
    const file = testFileConfig({ lists: [{ name: 'denied', path: join(dir, 'denied.txt'), category: 'abuse' }] });
    // A slow sync: nothing but the boot loads the list before the assertions.
    t = await makeTestApp({ redisUrl: redis.url, file, env: { VIGIL_INTEL_SYNC_MS: '60000', VIGIL_INTEL_WORKER: 'false' }, waitForRedis: false });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const untrusted = async () => {
    const res = await post(t.app, '/v1/assess', KEYS.web, { user_id: `u-${Math.random()}`, ip: IP.us });
    expect(res.statusCode).toBe(200);
    return res.json().risk_assessment.assessments.UntrustedIP;
  };

  it('a deny-listed IP is found while Redis is down and in the first moment after it returns', async () => {
    // Was not_found_on_deny_list: the list was empty until Redis gave it.
    expect(await untrusted()).toMatchObject({ code: 'found_on_deny_list', details: { source: 'denied', category: 'abuse' } });
    const lists = (await t.app.inject({ url: '/health/ready', headers: bearer(KEYS.admin) })).json().checks.lists;
    expect(lists).toContainEqual(expect.objectContaining({ name: 'denied', status: 'local', version: 0, size: 1 }));

    await redis.start();
    await waitForRedis(t.deps, 10_000);
    expect(await untrusted()).toMatchObject({ code: 'found_on_deny_list', details: { source: 'denied' } });
  });
});

/**
 * An instance booting with Redis down and one list, `feed`, from a URL Redis never stored;
 * no refresh worker. `redisBackAfterMs`: Redis starts again that long into the boot.
 */
function bootWithFeed(syncMs: number, redisBackAfterMs?: number): { redis: TestRedis; feed: ListServer; t: TestApp } {
  const s = {} as { redis: TestRedis; feed: ListServer; t: TestApp };
  beforeAll(async () => {
    s.redis = await startTestRedis();
    await s.redis.stop();
    s.feed = await startListServer();
    s.feed.set('/deny.txt', '9.9.9.0/24\n');
    const file = testFileConfig({ lists: [{ name: 'feed', url: s.feed.url('/deny.txt'), category: 'abuse' }] });
    if (redisBackAfterMs !== undefined) setTimeout(() => void s.redis.start(), redisBackAfterMs);
    const env = { VIGIL_INTEL_SYNC_MS: String(syncMs), VIGIL_INTEL_WORKER: 'false' };
    s.t = await makeTestApp({ redisUrl: s.redis.url, file, env, waitForRedis: false });
  });
  afterAll(async () => {
    await s.t?.close();
    await s.feed?.close();
    await s.redis?.stop();
  });
  return s;
}

/**
 * A source Redis never stored was fetched only by the boot and by a refresh worker's first run:
 * an instance without a worker that booted while Redis was down never fetched it.
 */
describe('boot during a Redis outage, no refresh worker', () => {
  const s = bootWithFeed(200);

  it('fetches a URL source Redis never stored once Redis is back', async () => {
    expect(s.t.deps.intel.version('feed')).toBe(0);
    await s.redis.start();
    await eventually(async () => s.t.deps.intel.version('feed') > 0, 15_000, 'the feed fetched and loaded');
    expect(s.feed.hits('/deny.txt')).toBeGreaterThanOrEqual(1);
  });
});

/**
 * The boot's list load went out on the first connection attempt: when that attempt failed, every
 * command queued behind it failed too, and a source Redis had not stored stayed unloaded until a
 * later retry. A CI machine busy enough to outlast the connect timeout hit it.
 */
describe('Redis back while the instance boots', () => {
  // Redis returns within the boot's wait for it; no sync or worker loads the list afterwards.
  const s = bootWithFeed(60_000, 1000);

  it('loads the lists as soon as the boot is done', () => {
    expect(s.t.deps.intel.version('feed')).toBe(1);
  });
});
