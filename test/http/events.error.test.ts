import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trafficKeys } from '../../src/stores/traffic/traffic-keys.js';
import { KEYS, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { expectError, post } from './helpers.js';

/** `POST /v1/events` refusing bad events, and recording nothing for them. */

describe('POST /v1/events errors', () => {
  let redis: TestRedis;
  let t: TestApp;
  let client: Redis;
  let keys: ReturnType<typeof trafficKeys>;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url });
    client = redis.client();
    keys = trafficKeys(t.config.redis.keyPrefix);
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const event = (payload: unknown, key: string = KEYS.web, headers: Record<string, string> = {}) =>
    post(t.app, '/v1/events', key, payload, headers);
  const recorded = async (ip: string) => (await client.exists(keys.ipFailures(ip))) === 1;

  it('answers 400 invalid_request naming ip when it is missing', async () => {
    expectError(await event({ type: 'login_failed', user_id: 'alice' }), 400, 'invalid_request', 'ip');
  });

  it.each([
    ['a wrong type', { type: 'login_succeeded', ip: '9.9.9.20' }],
    ['no type', { ip: '9.9.9.20' }],
    ['a type of the wrong kind', { type: 1, ip: '9.9.9.20' }],
  ])('answers 400 invalid_request naming type for %s, recording nothing', async (_name, body) => {
    expectError(await event(body), 400, 'invalid_request', 'type');
    expect(await recorded('9.9.9.20')).toBe(false);
  });

  it.each([
    ['user_id', { user_id: '' }],
    ['reason', { reason: 'r'.repeat(129) }],
    ['ip', { ip: 9999 }],
    ['severity', { severity: 'high' }],
  ])('answers 400 invalid_request naming %s when it is wrong or unknown', async (field, extra) => {
    expectError(await event({ type: 'login_failed', ip: '9.9.9.21', ...extra }), 400, 'invalid_request', field);
    expect(await recorded('9.9.9.21')).toBe(false);
  });

  it.each(['1.2.3.999', 'example.com', '9.9.9.22:443', 'fe80::1%eth0', '9.9.9.22, 9.9.9.23'])(
    'answers 400 invalid_ip_address for "%s"',
    async (ip) => {
      expectError(await event({ type: 'login_failed', ip }), 400, 'invalid_ip_address', '"ip"');
      expect(await recorded('9.9.9.22')).toBe(false);
    },
  );

  it('answers 400 invalid_ip_address for an invalid auth0-forwarded-for from the trusted client', async () => {
    const res = await event({ type: 'login_failed' }, KEYS.ropg, { 'auth0-forwarded-for': 'not-an-ip' });
    expectError(res, 400, 'invalid_ip_address', 'auth0-forwarded-for', 'not-an-ip');
  });

  // Regression: an empty header counted as "sent", so the failure landed on the connection
  // address (the login service itself) and enough of them flagged every login it relays.
  it.each(['', '   '])('answers 400 for the trusted client sending an empty auth0-forwarded-for (%j) and no ip', async (header) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/events',
      remoteAddress: '9.9.9.24',
      headers: { authorization: `Bearer ${KEYS.ropg}`, 'auth0-forwarded-for': header },
      payload: { type: 'login_failed' },
    });
    expectError(res, 400, 'invalid_request', 'ip');
    expect(await recorded('9.9.9.24')).toBe(false);
  });

  it('answers invalid_json, unsupported_media_type and payload_too_large like /v1/assess', async () => {
    expectError(await event('{"type":', KEYS.web, { 'content-type': 'application/json' }), 400, 'invalid_json');
    expectError(await event('type=login_failed', KEYS.web, { 'content-type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    const big = JSON.stringify({ type: 'login_failed', ip: '9.9.9.25', reason: 'x'.repeat(t.config.bodyLimitBytes) });
    expectError(await event(big, KEYS.web, { 'content-type': 'application/json' }), 413, 'payload_too_large');
    expect(await recorded('9.9.9.25')).toBe(false);
  });

  // Last: stops this file's Redis.
  it('answers 503 store_unavailable, not a 500 or a silent 202, while Redis is down', async () => {
    await redis.stop();
    expectError(await event({ type: 'login_failed', ip: '9.9.9.26' }), 503, 'store_unavailable', 'retry');
  });
});
