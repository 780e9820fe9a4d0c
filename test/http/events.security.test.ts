import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficKeys } from '../../src/stores/traffic/traffic-keys.js';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP, dumpRedis, expectError, metricValue, post } from './helpers.js';

/** `POST /v1/events`: only API clients report failures, and only against the address they may name. */

const THRESHOLD = 3;

describe('POST /v1/events security', () => {
  let redis: TestRedis;
  let t: TestApp;
  let client: Redis;
  let keys: ReturnType<typeof trafficKeys>;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({
      redisUrl: redis.url,
      file: testFileConfig({ assessors: { traffic: { failedLoginsThreshold: THRESHOLD } } }),
    });
    client = redis.client();
    keys = trafficKeys(t.config.redis.keyPrefix);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const event = (payload: Record<string, unknown>, key: string | null = KEYS.web, headers: Record<string, string> = {}) =>
    post(t.app, '/v1/events', key, payload, headers);
  const recorded = async (ip: string) => (await client.exists(keys.ipFailures(ip))) === 1;

  it('answers 401 without a key, or with a wrong or malformed one, and records nothing', async () => {
    const body = { type: 'login_failed', ip: '9.9.9.30' };
    expectError(await event(body, null), 401, 'unauthorized', 'Authorization');
    expectError(await event(body, 'vk_test_wrong_0123456789abcdefghijklmnopqrs'), 401, 'unauthorized');
    expectError(await event(body, null, { authorization: 'Bearer' }), 401, 'unauthorized');
    expectError(await event(body, null, { authorization: `Basic ${KEYS.web}` }), 401, 'unauthorized');
    expect(await recorded('9.9.9.30')).toBe(false);
    // The same event with the key is recorded, so the check above is not vacuous.
    expect((await event(body)).statusCode).toBe(202);
    expect(await recorded('9.9.9.30')).toBe(true);
  });

  it('ignores auth0-forwarded-for from an untrusted client, counts it, and records the body ip', async () => {
    const before = await metricValue(t.app, 'vigil_forwarded_for_ignored_total', { client: 'web' });
    const res = await event({ type: 'login_failed', ip: '9.9.9.31' }, KEYS.web, { 'auth0-forwarded-for': '9.9.9.32' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ recorded: true, ip: '9.9.9.31' });
    expect(await metricValue(t.app, 'vigil_forwarded_for_ignored_total', { client: 'web' })).toBe(before + 1);
    expect(await recorded('9.9.9.31')).toBe(true);
    expect(await recorded('9.9.9.32')).toBe(false);
  });

  it('does not accept auth0-forwarded-for in place of the body ip from an untrusted client', async () => {
    const res = await event({ type: 'login_failed' }, KEYS.web, { 'auth0-forwarded-for': '9.9.9.33' });
    expectError(res, 400, 'invalid_request', 'ip');
    expect(await recorded('9.9.9.33')).toBe(false);
  });

  it('cannot get an account flagged: failures count against the IP, never the user', async () => {
    const attacker = IP.tokyo;
    for (let i = 0; i < THRESHOLD; i++) {
      expect((await event({ type: 'login_failed', ip: attacker, user_id: 'victim' })).statusCode).toBe(202);
    }
    const victim = await post(t.app, '/v1/assess', KEYS.web, { user_id: 'victim', ip: IP.london });
    expect(victim.json().risk_assessment.assessments.UntrustedIP).toEqual({ confidence: 'high', code: 'not_found_on_deny_list' });
    // The attacker's own address is what got flagged.
    const fromAttacker = await post(t.app, '/v1/assess', KEYS.web, { user_id: 'someone', ip: attacker });
    expect(fromAttacker.json().risk_assessment.assessments.UntrustedIP).toMatchObject({ code: 'found_on_deny_list', details: { source: 'traffic' } });
  });

  it('keeps user ids and user agents of events out of Redis', async () => {
    await event({ type: 'login_failed', ip: '9.9.9.34', user_id: 'secret-user-5f2a', user_agent: 'SecretAgent/9.1', reason: 'pw-7c1e' });
    const stored = await dumpRedis(client);
    expect(stored.some((s) => s.includes('9.9.9.34'))).toBe(true);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((s) => /secret-user-5f2a|SecretAgent|pw-7c1e/.test(s))).toEqual([]);
  });
});
