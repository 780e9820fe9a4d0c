import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { eventually } from '../support/list-server.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { dumpRedis, metricValue, post } from './helpers.js';

/**
 * Traffic reputation through the API, under a fake clock: thresholds crossing and lapsing by
 * themselves, brute force on one account, success not whitewashing an IP, and no way to get a
 * victim flagged by failing logins against them.
 */

const T0 = Date.UTC(2026, 5, 1, 12);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe('traffic reputation', () => {
  let redis: TestRedis;
  let t: TestApp;
  let client: Redis;
  let clock = T0;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({
      redisUrl: redis.url,
      now: () => clock,
      env: { VIGIL_INTEL_SYNC_MS: '50' },
      file: testFileConfig({
        applications: { default: {}, trusted: { mfaPolicy: 'never' } },
        assessors: { traffic: { failedLoginsThreshold: 5, distinctAccountsThreshold: 3, accountFailuresThreshold: 3 } },
      }),
    });
    client = redis.client();
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const fail = async (ip: string, user_id?: string) => {
    const res = await post(t.app, '/v1/events', KEYS.web, { type: 'login_failed', ip, ...(user_id ? { user_id } : {}) });
    expect(res.statusCode).toBe(202);
  };
  const untrusted = async (user_id: string, ip: string, application?: string) => {
    const res = await post(t.app, '/v1/assess', KEYS.web, { user_id, ip, ...(application ? { application } : {}) });
    expect(res.statusCode).toBe(200);
    return res.json().risk_assessment.assessments.UntrustedIP;
  };
  const reasons = async (user_id: string, ip: string) =>
    ((await untrusted(user_id, ip)).details?.matches ?? []).filter((m: { source: string }) => m.source === 'traffic').map((m: { reason: string }) => m.reason);

  it('distinct accounts failing from one IP within the hour flag it for every account, until the oldest leave the window', async () => {
    clock = T0;
    const ip = '8.8.8.8';
    await fail(ip, 'ann');
    clock = T0 + 20 * MINUTE;
    await fail(ip, 'bob');
    expect(await reasons('someone', ip)).toEqual([]);
    clock = T0 + 30 * MINUTE;
    await fail(ip, 'cat');
    expect(await untrusted('someone', ip)).toMatchObject({
      confidence: 'low',
      code: 'found_on_deny_list',
      details: { source: 'traffic', category: 'abuse', traffic: { distinct_accounts: 3, failed_logins: 3 } },
    });
    expect(await reasons('someone-else', ip)).toEqual(['distinct_accounts']);
    await eventually(async () => (await metricValue(t.app, 'vigil_traffic_flagged_ips')) === 1, 5000, 'the flagged gauge');
    // An hour after ann's failure, two accounts remain in the window: the flag has lapsed by itself.
    clock = T0 + 61 * MINUTE;
    expect(await reasons('someone', ip)).toEqual([]);
    await eventually(async () => (await metricValue(t.app, 'vigil_traffic_flagged_ips')) === 0, 5000, 'the gauge to drop');
  });

  it('failed logins over the day threshold flag an IP for 24 hours after they happened', async () => {
    clock = T0;
    const ip = '8.8.4.4';
    for (let i = 0; i < 5; i++) await fail(ip);
    expect(await reasons('anyone', ip)).toEqual(['failed_logins']);
    clock = T0 + 23 * HOUR;
    expect(await reasons('anyone', ip)).toEqual(['failed_logins']);
    clock = T0 + 24 * HOUR;
    expect(await reasons('anyone', ip)).toEqual([]);
  });

  it('brute force on one account flags that account from that IP only; its success resets it, and leaves the IP counters alone', async () => {
    clock = T0 + 2 * 24 * HOUR;
    const attacker = '9.9.9.9';
    for (let i = 0; i < 3; i++) await fail(attacker, 'alice');
    expect(await reasons('alice', attacker)).toEqual(['account_failures']);
    expect(await reasons('bob', attacker)).toEqual([]);
    expect(await reasons('alice', '9.9.9.10')).toEqual([]);

    // alice logs in from there (an application that never asks for MFA allows and commits it).
    const ok = await post(t.app, '/v1/assess', KEYS.web, { user_id: 'alice', ip: attacker, application: 'trusted' });
    expect(ok.json()).toMatchObject({ decision: { action: 'allow' }, committed: true });
    expect(await reasons('alice', attacker)).toEqual([]);
    const view = await t.app.inject({ method: 'GET', url: `/v1/admin/intel/ips/${attacker}`, headers: bearer(KEYS.admin) });
    expect(view.json().traffic).toMatchObject({ failed_logins: 3 });

    // Success on alice does not whitewash the IP attacking others.
    await fail(attacker, 'bob');
    await fail(attacker, 'cat');
    expect(await reasons('dan', attacker)).toEqual(['failed_logins', 'distinct_accounts']);
  });

  it('a flood of failures for one victim from many IPs never flags the victim from their own address', async () => {
    clock = T0 + 3 * 24 * HOUR;
    for (let i = 1; i <= 60; i++) await fail(`77.0.${i}.1`, 'victim-7e1');
    // Even heavy brute force from one address flags only that address.
    for (let i = 0; i < 10; i++) await fail('77.1.1.1', 'victim-7e1');
    // The events keyed nothing on the account: its id is nowhere in Redis.
    expect((await dumpRedis(client)).filter((s) => s.includes('victim-7e1'))).toEqual([]);
    expect(await untrusted('victim-7e1', '81.2.69.142')).toEqual({ confidence: 'high', code: 'not_found_on_deny_list' });
    expect(await reasons('victim-7e1', '77.1.1.1')).toEqual(['failed_logins', 'account_failures']);
  });
});
