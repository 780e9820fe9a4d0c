import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { eventually, startListServer, type ListServer } from '../support/list-server.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { expectError, post } from './helpers.js';

/** `/v1/admin/intel/*`: sources, one address looked up, manual entries. Happy, error and security cases. */

const T0 = Date.UTC(2026, 5, 1, 12);
const HOUR = 3_600_000;

describe('/v1/admin/intel', () => {
  let redis: TestRedis;
  let feed: ListServer;
  let dir: string;
  let t: TestApp;
  let clock = T0;

  beforeAll(async () => {
    redis = await startTestRedis();
    feed = await startListServer();
    feed.set('/drop.txt', '5.6.0.0/16\n');
    dir = await mkdtemp(join(tmpdir(), 'vigil-admin-intel-'));
    await writeFile(join(dir, 'list.txt'), '192.0.2.0/24\nbroken line\n');
    t = await makeTestApp({
      redisUrl: redis.url,
      now: () => clock,
      // No scheduled refresh may race the ones this test asks for (intel-refresh tests the schedule).
      env: { VIGIL_INTEL_WORKER: 'false' },
      file: testFileConfig({
        assessors: { traffic: { failedLoginsThreshold: 3 } },
        lists: [
          { name: 'local', path: join(dir, 'list.txt'), category: 'abuse' },
          { name: 'drop', url: `${feed.url('/drop.txt')}?license_key=SECRET123`, category: 'reputation', refreshMinutes: 30 },
        ],
      }),
    });
    // The boot loads both sources; one whose load Redis did not answer loads on the boot's retry
    // (src/intel/intel-feeds.ts).
    await eventually(async () => t.deps.intel.version('local') > 0 && t.deps.intel.version('drop') > 0, 15_000, 'both sources loaded');
  });
  afterAll(async () => {
    await t?.close();
    await feed?.close();
    await redis?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>, key: string | null = KEYS.admin) =>
    t.app.inject({ method, url, headers: key === null ? {} : bearer(key), ...(payload ? { payload } : {}) });
  const ok = (res: LightMyRequestResponse, status = 200) => {
    expect({ status: res.statusCode, body: res.json() }).toMatchObject({ status });
    return res.json();
  };

  describe('happy', () => {
    it('GET /sources lists the configured and built-in sources with version, size, refreshes and errors', async () => {
      const { sources } = ok(await admin('GET', '/v1/admin/intel/sources'));
      expect(sources.map((s: { name: string }) => s.name)).toEqual(['bogons', 'local', 'drop', 'manual']);
      expect(sources[1]).toEqual({
        name: 'local',
        category: 'abuse',
        format: 'netset',
        origin: join(dir, 'list.txt'),
        refresh_minutes: 60,
        status: 'ok',
        version: 1,
        loaded_version: 1,
        size: 1,
        skipped: 1,
        changed_at: new Date(T0).toISOString(),
        refreshed_at: new Date(T0).toISOString(),
        last_error: null,
        consecutive_failures: 0,
      });
      expect(sources[0]).toMatchObject({ name: 'bogons', origin: 'built-in', status: 'ok', format: null });
    });

    it('POST /sources/{name}/refresh refreshes now and says how it went', async () => {
      expect(ok(await admin('POST', '/v1/admin/intel/sources/drop/refresh'))).toEqual({ name: 'drop', outcome: 'unchanged', version: 1 });
      feed.set('/drop.txt', '5.6.0.0/16\n5.7.0.0/16\n');
      expect(ok(await admin('POST', '/v1/admin/intel/sources/drop/refresh'))).toEqual({ name: 'drop', outcome: 'updated', version: 2 });
    });

    it('GET /ips/{ip} says which lists hold an address, since when, and its traffic counters', async () => {
      clock = T0 + HOUR;
      ok(await admin('POST', '/v1/admin/intel/entries', { network: '5.6.7.0/24', category: 'reputation', reason: 'ticket 9', expires_in_hours: 2 }), 201);
      for (let i = 0; i < 3; i++) await post(t.app, '/v1/events', KEYS.web, { type: 'login_failed', ip: '5.6.7.8', user_id: `target-${i}` });
      const view = ok(await admin('GET', '/v1/admin/intel/ips/5.6.7.8'));
      expect(view).toEqual({
        ip: '5.6.7.8',
        listed: true,
        matches: [
          { network: '5.6.0.0/16', source: 'drop', category: 'reputation', listed_since: new Date(T0).toISOString(), expires_at: null },
          {
            network: '5.6.7.0/24',
            source: 'manual',
            category: 'reputation',
            reason: 'ticket 9',
            listed_since: new Date(T0 + HOUR).toISOString(),
            expires_at: new Date(T0 + 3 * HOUR).toISOString(),
          },
        ],
        traffic: {
          failed_logins: 3,
          failed_logins_threshold: 3,
          window_hours: 24,
          distinct_accounts: 3,
          distinct_accounts_threshold: 20,
          distinct_accounts_window_minutes: 60,
          accounts_with_failures: 3,
          account_failures_threshold: 10,
          flagged_until: new Date(T0 + HOUR + 24 * HOUR).toISOString(),
        },
      });
      // Canonical forms: an IPv4-mapped address is its IPv4 address.
      expect(ok(await admin('GET', '/v1/admin/intel/ips/::ffff:5.6.7.8')).ip).toBe('5.6.7.8');
      expect(ok(await admin('GET', '/v1/admin/intel/ips/2001:4860::1'))).toMatchObject({ ip: '2001:4860::1', listed: false, matches: [] });
      clock = T0;
    });

    it('adds, lists and removes manual entries; the network is stored in canonical form', async () => {
      const added = ok(await admin('POST', '/v1/admin/intel/entries', { network: '2001:DB8:AA::1/48', reason: 'abuse report' }), 201);
      expect(added).toEqual({
        network: '2001:db8:aa::/48',
        category: 'abuse',
        reason: 'abuse report',
        added_by: 'ops',
        added_at: new Date(T0).toISOString(),
        expires_at: new Date(T0 + 24 * HOUR).toISOString(),
      });
      expect(ok(await admin('GET', '/v1/admin/intel/entries')).entries).toContainEqual(added);
      expect(ok(await admin('GET', '/v1/admin/intel/ips/2001:db8:aa::5')).matches).toContainEqual(expect.objectContaining({ source: 'manual' }));
      expect(ok(await admin('DELETE', `/v1/admin/intel/entries?network=${encodeURIComponent('2001:db8:aa::/48')}`))).toEqual({
        network: '2001:db8:aa::/48',
        removed: true,
      });
      expect(ok(await admin('GET', '/v1/admin/intel/ips/2001:db8:aa::5')).matches).not.toContainEqual(expect.objectContaining({ source: 'manual' }));
    });
  });

  describe('error', () => {
    it('400 for an address or network that is not one, or a network too broad for a manual entry', async () => {
      expectError(await admin('GET', '/v1/admin/intel/ips/1.2.3.999'), 400, 'invalid_ip_address', '1.2.3.999');
      expectError(await admin('POST', '/v1/admin/intel/entries', { network: '10.0.0.0/33', reason: 'x' }), 400, 'invalid_network');
      expectError(await admin('POST', '/v1/admin/intel/entries', { network: '0.0.0.0/0', reason: 'x' }), 400, 'invalid_network', 'too broad');
      expectError(await admin('POST', '/v1/admin/intel/entries', { network: '2000::/3', reason: 'x' }), 400, 'invalid_network', 'too broad');
      expectError(await admin('DELETE', '/v1/admin/intel/entries?network=nope'), 400, 'invalid_network');
    });

    it('400 for a malformed body: unknown fields, a missing reason, an expiry out of range, an unknown category', async () => {
      for (const body of [
        { network: '1.2.3.4', reason: 'x', extra: 1 },
        { network: '1.2.3.4' },
        { network: '1.2.3.4', reason: 'x', expires_in_hours: 0 },
        { network: '1.2.3.4', reason: 'x', expires_in_hours: 8761 },
        { network: '1.2.3.4', reason: 'x', category: 'evil' },
      ]) {
        expectError(await admin('POST', '/v1/admin/intel/entries', body), 400, 'invalid_request');
      }
    });

    it('404 for removing an entry that is not there and for refreshing an unknown source', async () => {
      expectError(await admin('DELETE', '/v1/admin/intel/entries?network=8.8.8.0/24'), 404, 'not_found', '8.8.8.0/24');
      expectError(await admin('POST', '/v1/admin/intel/sources/bogons/refresh'), 404, 'not_found', 'bogons');
    });
  });

  describe('security', () => {
    it('answers 401 without a key and to API client keys', async () => {
      for (const [method, url] of [
        ['GET', '/v1/admin/intel/sources'],
        ['GET', '/v1/admin/intel/ips/1.2.3.4'],
        ['GET', '/v1/admin/intel/entries'],
        ['POST', '/v1/admin/intel/entries'],
        ['DELETE', '/v1/admin/intel/entries?network=1.2.3.4'],
        ['POST', '/v1/admin/intel/sources/local/refresh'],
      ] as const) {
        expectError(await admin(method, url, { network: '1.2.3.4', reason: 'x' }, null), 401, 'unauthorized');
        expectError(await admin(method, url, { network: '1.2.3.4', reason: 'x' }, KEYS.web), 401, 'unauthorized');
      }
      expect(ok(await admin('GET', '/v1/admin/intel/entries')).entries.map((e: { network: string }) => e.network)).not.toContain('1.2.3.4/32');
    });

    it('never shows the query of a source URL (a license key), in the listing or after a failure', async () => {
      feed.set('/drop.txt', 'down', 500);
      ok(await admin('POST', '/v1/admin/intel/sources/drop/refresh'));
      const res = await admin('GET', '/v1/admin/intel/sources');
      expect(res.body).not.toContain('SECRET123');
      expect(res.json().sources[2]).toMatchObject({ origin: `${feed.url('/drop.txt')}?…`, status: 'failing', last_error: { message: expect.stringContaining('HTTP 500') } });
      expect((await admin('GET', '/health/ready')).body).not.toContain('SECRET123');
    });
  });
});
