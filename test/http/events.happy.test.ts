import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP, metricValue, post } from './helpers.js';

/** `POST /v1/events`: failed logins feed the IP reputation that UntrustedIP reads. */

const THRESHOLD = 5;

describe('POST /v1/events', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({
      redisUrl: redis.url,
      file: testFileConfig({ assessors: { traffic: { failedLoginsThreshold: THRESHOLD } } }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const event = (payload: Record<string, unknown>, key: string = KEYS.web, headers: Record<string, string> = {}) =>
    post(t.app, '/v1/events', key, payload, headers);
  const untrustedIp = async (user_id: string, ip: string) => {
    const res = await post(t.app, '/v1/assess', KEYS.web, { user_id, ip });
    expect(res.statusCode).toBe(200);
    return res.json().risk_assessment.assessments.UntrustedIP;
  };

  it('accepts a login_failed event with 202 and the address it counted', async () => {
    const before = await metricValue(t.app, 'vigil_events_total', { type: 'login_failed' });
    const res = await event({ type: 'login_failed', ip: '9.9.9.9', user_id: 'alice', user_agent: 'curl/8', reason: 'wrong_password' });
    expect(res.statusCode).toBe(202);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ recorded: true, ip: '9.9.9.9' });
    expect(await metricValue(t.app, 'vigil_events_total', { type: 'login_failed' })).toBe(before + 1);
  });

  it.each([
    ['::ffff:9.9.9.10', '9.9.9.10'],
    ['2001:4860:4860:0:0:0:0:8888', '2001:4860:4860::8888'],
    [' 9.9.9.11 ', '9.9.9.11'],
  ])('counts %s under its canonical form %s', async (given, canonical) => {
    const res = await event({ type: 'login_failed', ip: given });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ recorded: true, ip: canonical });
  });

  it(`flags an IP on UntrustedIP (traffic/abuse) once it reaches ${THRESHOLD} failures, and no other IP`, async () => {
    const attacker = IP.tokyo;
    const bystander = IP.london;
    for (let i = 1; i < THRESHOLD; i++) {
      expect((await event({ type: 'login_failed', ip: attacker, user_id: `victim-${i}` })).statusCode).toBe(202);
    }
    // One short of the threshold: still clean.
    expect(await untrustedIp('traffic-1', attacker)).toEqual({ confidence: 'high', code: 'not_found_on_deny_list' });

    expect((await event({ type: 'login_failed', ip: attacker })).statusCode).toBe(202);
    expect(await untrustedIp('traffic-2', attacker)).toEqual({
      confidence: 'low',
      code: 'found_on_deny_list',
      details: {
        ip: attacker,
        matches: [{ network: attacker, source: 'traffic', category: 'abuse', reason: 'failed_logins' }],
        source: 'traffic',
        category: 'abuse',
        traffic: { failed_logins: THRESHOLD, distinct_accounts: THRESHOLD - 1, account_failures: 0 },
      },
    });
    expect(await untrustedIp('traffic-3', bystander)).toEqual({ confidence: 'high', code: 'not_found_on_deny_list' });
  });

  it('counts failures reported as IPv4-mapped IPv6 against the IPv4 address the assessment sees', async () => {
    const ip = IP.us;
    for (let i = 0; i < THRESHOLD; i++) expect((await event({ type: 'login_failed', ip: `::ffff:${ip}` })).statusCode).toBe(202);
    expect(await untrustedIp('mapped-traffic', ip)).toMatchObject({ code: 'found_on_deny_list', details: { source: 'traffic' } });
  });

  it('takes the address from auth0-forwarded-for for the trusted ropg client', async () => {
    const res = await event({ type: 'login_failed' }, KEYS.ropg, { 'auth0-forwarded-for': '9.9.9.12' });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ recorded: true, ip: '9.9.9.12' });
    // The header wins over the body for a trusted client.
    const both = await event({ type: 'login_failed', ip: '9.9.9.13' }, KEYS.ropg, { 'auth0-forwarded-for': '9.9.9.14, 10.0.0.1' });
    expect(both.json()).toEqual({ recorded: true, ip: '9.9.9.14' });
  });
});
