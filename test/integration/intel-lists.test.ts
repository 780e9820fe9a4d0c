import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metricValue, post, IP } from '../http/helpers.js';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { eventually, startListServer, type ListServer } from '../support/list-server.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * IP lists end to end: a list named in the config answers on /v1/assess; instances share new
 * versions through Redis; a broken source keeps serving its last good version; manual entries
 * reach every instance and lapse by themselves; anonymizer lists feed ImpossibleTravel.
 */

const T0 = Date.UTC(2026, 5, 1, 12);
// Fast polling; no scheduled refresh racing the ones the tests ask for (intel-refresh tests the schedule).
const SYNC = { VIGIL_INTEL_SYNC_MS: '50', VIGIL_INTEL_WORKER: 'false' };

describe('IP lists across instances', () => {
  let redis: TestRedis;
  let feed: ListServer;
  let dir: string;
  let a: TestApp;
  let b: TestApp;
  let clock = T0;
  const now = () => clock;

  const assess = async (t: TestApp, ip: string, user_id = `u-${Math.random()}`, extra: Record<string, unknown> = {}) => {
    const res = await post(t.app, '/v1/assess', KEYS.web, { user_id, ip, ...extra });
    expect(res.statusCode).toBe(200);
    return res.json().risk_assessment.assessments;
  };
  const admin = (t: TestApp, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) =>
    t.app.inject({ method, url, headers: bearer(KEYS.admin), ...(payload ? { payload } : {}) });
  const listsOf = async (t: TestApp) => (await admin(t, 'GET', '/health/ready')).json().checks.lists;

  beforeAll(async () => {
    redis = await startTestRedis();
    feed = await startListServer();
    dir = await mkdtemp(join(tmpdir(), 'vigil-lists-'));
    await writeFile(join(dir, 'blocklist.txt'), '# my blocklist\n198.51.100.0/24\n2001:db8:bad::/48\nnot-an-ip\n');
    feed.set('/feed.txt', '1.0.16.0/24\n');
    await writeFile(join(dir, 'vpn.txt'), '1.0.16.0/20\n');
    const file = testFileConfig({
      lists: [
        { name: 'my-blocklist', path: join(dir, 'blocklist.txt'), category: 'abuse' },
        { name: 'feed', url: feed.url('/feed.txt'), category: 'reputation' },
        { name: 'vpn', path: join(dir, 'vpn.txt'), category: 'anonymizer' },
      ],
    });
    a = await makeTestApp({ redisUrl: redis.url, file, env: SYNC, now });
    b = await makeTestApp({ redisUrl: redis.url, file, env: SYNC, now });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await feed?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers found_on_deny_list for an address on a list file named in the config, with its network, source and category', async () => {
    for (const t of [a, b]) {
      expect((await assess(t, '198.51.100.77')).UntrustedIP).toEqual({
        confidence: 'low',
        code: 'found_on_deny_list',
        details: {
          ip: '198.51.100.77',
          // The bogons hold 198.51.100.0/24 (TEST-NET-2) too; abuse is named first.
          matches: [
            { network: '198.51.100.0/24', source: 'my-blocklist', category: 'abuse' },
            { network: '198.51.100.0/24', source: 'bogons', category: 'unroutable' },
          ],
          source: 'my-blocklist',
          category: 'abuse',
        },
      });
      expect((await assess(t, '2001:db8:bad::1')).UntrustedIP).toMatchObject({ code: 'found_on_deny_list', details: { source: 'my-blocklist' } });
    }
    expect(await metricValue(a.app, 'vigil_intel_matches_total', { category: 'abuse', source: 'my-blocklist' })).toBe(2);
    expect(await metricValue(a.app, 'vigil_intel_list_networks', { source: 'my-blocklist', category: 'abuse' })).toBe(2);
  });

  it('loads every source at boot, and shows versions and sizes in /health/ready', async () => {
    const lists = await listsOf(b);
    expect(lists).toEqual(
      expect.arrayContaining([
        { name: 'bogons', category: 'unroutable', status: 'ok', version: 0, size: expect.any(Number) },
        { name: 'my-blocklist', category: 'abuse', status: 'ok', version: 1, size: 2 },
        { name: 'feed', category: 'reputation', status: 'ok', version: 1, size: 1 },
        { name: 'manual', category: null, status: expect.any(String), version: expect.any(Number), size: expect.any(Number) },
      ]),
    );
  });

  it('two instances converge on a new version of a feed without a restart', async () => {
    feed.set('/feed.txt', '1.0.16.0/24\n8.8.4.0/24\n');
    const refreshed = await admin(a, 'POST', '/v1/admin/intel/sources/feed/refresh');
    expect(refreshed.json()).toEqual({ name: 'feed', outcome: 'updated', version: 2 });
    // The instance that refreshed serves the new version at once ...
    expect((await assess(a, '8.8.4.4')).UntrustedIP).toMatchObject({ code: 'found_on_deny_list', details: { source: 'feed', category: 'reputation' } });
    // ... and the other one within a sync interval, without answering any request worse meanwhile.
    await eventually(async () => (await assess(b, '8.8.4.4')).UntrustedIP.code === 'found_on_deny_list', 5000, 'instance b to load version 2');
    expect(await metricValue(b.app, 'vigil_intel_list_version', { source: 'feed' })).toBe(2);
    expect(await metricValue(b.app, 'vigil_intel_swap_seconds_count')).toBeGreaterThan(0);
  });

  it('a broken feed keeps its last good version on every instance, and shows in /health/ready and the metrics', async () => {
    feed.set('/feed.txt', 'upstream down', 503);
    const res = await admin(a, 'POST', '/v1/admin/intel/sources/feed/refresh');
    expect(res.json()).toMatchObject({ name: 'feed', outcome: 'failed', version: 2, error: expect.stringContaining('HTTP 503') });
    for (const t of [a, b]) expect((await assess(t, '8.8.4.4')).UntrustedIP.code).toBe('found_on_deny_list');
    await eventually(async () => (await listsOf(b)).some((l: { name: string; status: string }) => l.name === 'feed' && l.status === 'failing'), 5000, 'b to see the failure');
    const health = await admin(b, 'GET', '/health/ready');
    expect(health.statusCode).toBe(200);
    expect(health.json().checks.lists).toContainEqual({
      name: 'feed',
      category: 'reputation',
      status: 'failing',
      version: 2,
      size: 2,
      error: expect.stringContaining('HTTP 503'),
      failures: 1,
    });
    expect(await metricValue(a.app, 'vigil_intel_refreshes_total', { source: 'feed', result: 'failed' })).toBe(1);
    expect(await metricValue(b.app, 'vigil_intel_list_consecutive_failures', { source: 'feed' })).toBe(1);
    feed.set('/feed.txt', '1.0.16.0/24\n8.8.4.0/24\n');
  });

  it('manual entries reach every instance and lapse by themselves', async () => {
    const added = await admin(a, 'POST', '/v1/admin/intel/entries', { network: '9.9.9.0/24', reason: 'incident 12', expires_in_hours: 1 });
    expect(added.statusCode).toBe(201);
    expect((await assess(a, '9.9.9.9')).UntrustedIP).toMatchObject({
      code: 'found_on_deny_list',
      details: { matches: [{ network: '9.9.9.0/24', source: 'manual', category: 'abuse', reason: 'incident 12' }] },
    });
    await eventually(async () => (await assess(b, '9.9.9.9')).UntrustedIP.code === 'found_on_deny_list', 5000, 'b to load the manual entry');

    clock = T0 + 3_600_000; // the entry's expiry
    for (const t of [a, b]) await eventually(async () => (await assess(t, '9.9.9.9')).UntrustedIP.code === 'not_found_on_deny_list', 5000, 'the entry to lapse');
    expect((await admin(b, 'GET', '/v1/admin/intel/entries')).json()).toEqual({ entries: [] });
    clock = T0;
  });

  it('an anonymizer list makes ImpossibleTravel answer anonymous_proxy, and the hop is not remembered as a location', async () => {
    const user = 'traveller';
    expect((await assess(a, IP.london, user)).ImpossibleTravel.code).toBe('initial_login');
    // 1.0.16.1 is in Tokyo per DB-IP, minutes after London: impossible, unless it is a VPN exit.
    expect((await assess(a, IP.tokyo, user)).ImpossibleTravel).toEqual({
      confidence: 'low',
      code: 'anonymous_proxy',
      details: { source: 'vpn', network: '1.0.16.0/20' },
    });
    // Back home: compared with London, not with the VPN exit.
    expect((await assess(a, IP.london, user)).ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
  });
});
