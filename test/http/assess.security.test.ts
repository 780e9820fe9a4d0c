import { Agent, request } from 'node:http';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceHash } from '../../src/risk/context/device.js';
import { KEYS, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { CHROME, IP, UUID, dumpRedis, expectError, metricValue, post } from './helpers.js';

/** `POST /v1/assess` against callers who are not who they say, or say too much. */

describe('POST /v1/assess security', () => {
  let redis: TestRedis;
  let t: TestApp;
  let client: Redis;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url });
    client = redis.client();
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const assess = (payload: unknown, headers: Record<string, string> = {}, key: string | null = KEYS.web) =>
    post(t.app, '/v1/assess', key, payload, headers);

  describe('API key', () => {
    it('answers 401 unauthorized without an Authorization header, on both paths', async () => {
      const before = await metricValue(t.app, 'vigil_auth_failures_total', { reason: 'missing' });
      expectError(await assess({ user_id: 'alice' }, {}, null), 401, 'unauthorized', 'Authorization: Bearer');
      expectError(await post(t.app, '/assess', null, { user_id: 'alice' }), 401, 'unauthorized');
      expect(await metricValue(t.app, 'vigil_auth_failures_total', { reason: 'missing' })).toBe(before + 2);
    });

    it('answers 401 for a key nobody holds, counted as unknown_key', async () => {
      const before = await metricValue(t.app, 'vigil_auth_failures_total', { reason: 'unknown_key' });
      expectError(await assess({ user_id: 'alice' }, {}, 'vk_test_wrong_0123456789abcdefghijklmnopqrs'), 401, 'unauthorized', 'invalid API key');
      // A real key with one character changed, and a real key's prefix, are no better.
      expectError(await assess({ user_id: 'alice' }, {}, `${KEYS.web.slice(0, -1)}w`), 401, 'unauthorized');
      expectError(await assess({ user_id: 'alice' }, {}, KEYS.web.slice(0, 20)), 401, 'unauthorized');
      expect(await metricValue(t.app, 'vigil_auth_failures_total', { reason: 'unknown_key' })).toBe(before + 3);
    });

    it.each([
      ['Basic credentials', `Basic ${Buffer.from(`web:${KEYS.web}`).toString('base64')}`],
      ['the key without a scheme', KEYS.web],
      ['"Bearer" with no key', 'Bearer'],
      ['"Bearer " with an empty key', 'Bearer '],
      ['two spaces', `Bearer  ${KEYS.web}`],
      ['a trailing word', `Bearer ${KEYS.web} extra`],
      ['a key over 512 characters', `Bearer ${'k'.repeat(513)}`],
    ])('answers 401 for a malformed header: %s', async (_name, authorization) => {
      const before = await metricValue(t.app, 'vigil_auth_failures_total', { reason: 'malformed' });
      expectError(await assess({ user_id: 'alice' }, { authorization }, null), 401, 'unauthorized');
      expect(await metricValue(t.app, 'vigil_auth_failures_total', { reason: 'malformed' })).toBe(before + 1);
    });

    it('checks the key before the body, so strangers learn nothing about validation', async () => {
      const res = await post(t.app, '/v1/assess', null, '{not json', { 'content-type': 'application/json' });
      expectError(res, 401, 'unauthorized');
      expectError(await assess({ nonsense: true }, {}, 'vk_wrong'), 401, 'unauthorized');
    });

    it('judges each request on one keep-alive connection by its own key (the connection remembers only what it was admitted with)', async () => {
      const address = await t.app.listen({ host: '127.0.0.1', port: 0 });
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (key: string) =>
        new Promise<{ status: number; body: { context?: { ip_source: string } }; reused: boolean }>((resolve, reject) => {
          const req = request(`${address}/v1/assess`, {
            method: 'POST',
            agent,
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'auth0-forwarded-for': IP.tokyo },
          });
          req.on('response', (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), reused: req.reusedSocket }));
          });
          req.on('error', reject);
          req.end(JSON.stringify({ user_id: 'keep-alive', ip: IP.us }));
        });
      try {
        // Only the ropg client is trusted with auth0-forwarded-for: the answer tells who was admitted.
        const seen = [];
        for (const key of [KEYS.web, KEYS.ropg, KEYS.web, `${KEYS.web.slice(0, -1)}w`, 'vk_nobody', KEYS.web]) seen.push(await send(key));
        expect(seen.map((s) => [s.status, s.body.context?.ip_source ?? null])).toEqual([
          [200, 'body'],
          [200, 'forwarded_for'],
          [200, 'body'],
          [401, null],
          [401, null],
          [200, 'body'],
        ]);
        expect(seen.slice(1).every((s) => s.reused)).toBe(true);
      } finally {
        agent.destroy();
      }
    });

    it('admits the right key, with the scheme in any case', async () => {
      expect((await assess({ user_id: 'alice', ip: IP.us })).statusCode).toBe(200);
      expect((await assess({ user_id: 'alice', ip: IP.us }, { authorization: `bearer ${KEYS.web}` }, null)).statusCode).toBe(200);
    });
  });

  describe('auth0-forwarded-for', () => {
    const ignored = (client: string) => metricValue(t.app, 'vigil_forwarded_for_ignored_total', { client });

    it('ignores the header from an untrusted client in favour of the body ip, and counts it', async () => {
      const before = await ignored('web');
      const res = await assess({ user_id: 'fwd-web', ip: IP.us }, { 'auth0-forwarded-for': IP.tokyo });
      expect(res.statusCode).toBe(200);
      expect(res.json().context).toMatchObject({ ip: IP.us, ip_source: 'body', location: { country: 'US' } });
      expect(await ignored('web')).toBe(before + 1);
    });

    it('falls back to the connection address, not the header, when an untrusted client sends no body ip', async () => {
      const before = await ignored('web');
      const res = await t.app.inject({
        method: 'POST',
        url: '/v1/assess',
        remoteAddress: IP.london,
        headers: { authorization: `Bearer ${KEYS.web}`, 'auth0-forwarded-for': IP.tokyo },
        payload: { user_id: 'fwd-web-conn' },
      });
      expect(res.statusCode).toBe(200);
      expect(res.json().context).toMatchObject({ ip: IP.london, ip_source: 'connection', location: { country: 'GB' } });
      expect(await ignored('web')).toBe(before + 1);
    });

    it('does not let an untrusted client dodge a deny list with the header', async () => {
      const res = await assess({ user_id: 'fwd-web-bogon', ip: IP.private }, { 'auth0-forwarded-for': IP.us });
      expect(res.json().risk_assessment.assessments.UntrustedIP).toMatchObject({
        code: 'found_on_deny_list',
        details: { ip: IP.private, category: 'unroutable' },
      });
    });

    it('lets the header win over the body ip for the trusted ropg client, without counting it as ignored', async () => {
      const before = await ignored('ropg');
      const res = await assess({ user_id: 'fwd-ropg', ip: IP.us }, { 'auth0-forwarded-for': IP.tokyo }, KEYS.ropg);
      expect(res.statusCode).toBe(200);
      expect(res.json().context).toMatchObject({ ip: IP.tokyo, ip_source: 'forwarded_for', location: { country: 'JP' } });
      expect(await ignored('ropg')).toBe(before);
    });

    it('takes the first entry of a forwarded-for list from the trusted client', async () => {
      const res = await assess({ user_id: 'fwd-ropg-list' }, { 'auth0-forwarded-for': `${IP.london}, ${IP.private}` }, KEYS.ropg);
      expect(res.json().context).toMatchObject({ ip: IP.london, ip_source: 'forwarded_for' });
      expect(res.json().risk_assessment.assessments.UntrustedIP.code).toBe('not_found_on_deny_list');
    });

    it.each(['not-an-ip', '1.2.3.999', `${IP.us}:443`])(
      'turns an invalid header value "%s" from the trusted client into UntrustedIP invalid_ip_address (low), not a 500',
      async (value) => {
        const res = await assess({ user_id: 'fwd-ropg-bad', ip: IP.us }, { 'auth0-forwarded-for': value }, KEYS.ropg);
        expect(res.statusCode).toBe(200);
        const body = res.json();
        expect(body.risk_assessment.assessments.UntrustedIP).toMatchObject({ code: 'invalid_ip_address', confidence: 'low' });
        // It neither falls back to the body ip nor to the connection address.
        expect(body.context).toMatchObject({ ip: value, ip_source: 'forwarded_for', location: null });
      },
    );
  });

  describe('device id', () => {
    it('never appears in the answer or in Redis in clear, only as its keyed hash', async () => {
      const device = 'dev-cookie-Zq8x3LmN0pRsT7uV';
      const user = 'device-privacy';
      const first = await assess({ user_id: user, ip: IP.us, user_agent: CHROME, device_id: device });
      const second = await assess({ user_id: user, ip: IP.us, user_agent: CHROME, device_id: device, commit: false });
      expect(first.json().committed).toBe(true);
      // The device was stored and recognised, so its absence below is not for want of storing it.
      expect(second.json().risk_assessment.assessments.NewDevice.code).toBe('match');
      for (const res of [first, second]) expect(res.body).not.toContain(device);

      const stored = await dumpRedis(client);
      const hash = deviceHash(t.config.deviceSecret, user, device);
      expect(stored.some((s) => s.includes(hash))).toBe(true);
      expect(stored.filter((s) => s.includes(device))).toEqual([]);
      expect(stored.filter((s) => s.includes(device.slice(4)))).toEqual([]);
    });
  });

  describe('x-request-id', () => {
    it('echoes a sane incoming id in the header, on success and in the error body', async () => {
      const ok = await assess({ user_id: 'alice', ip: IP.us }, { 'x-request-id': 'login-svc:42.a_b-c' });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['x-request-id']).toBe('login-svc:42.a_b-c');
      const bad = await assess({}, { 'x-request-id': 'login-svc-43' });
      expectError(bad, 400, 'invalid_request');
      expect(bad.json().error.request_id).toBe('login-svc-43');
      const unauth = await assess({}, { 'x-request-id': 'login-svc-44' }, null);
      expectError(unauth, 401, 'unauthorized');
      expect(unauth.json().error.request_id).toBe('login-svc-44');
    });

    it.each([
      ['spaces', 'a b'],
      ['markup', '<script>alert(1)</script>'],
      ['a newline-like escape', 'id\\r\\nset-cookie:x'],
      ['129 characters', 'r'.repeat(129)],
      ['non-ASCII', 'idé'],
    ])('replaces an insane incoming id (%s) with a fresh uuid', async (_name, given) => {
      const res = await assess({}, { 'x-request-id': given });
      expectError(res, 400, 'invalid_request');
      expect(res.headers['x-request-id']).not.toBe(given);
      expect(res.headers['x-request-id']).toMatch(UUID);
      expect(res.body).not.toContain(given);
    });

    it('gives every request without an id its own uuid', async () => {
      const a = await assess({ user_id: 'alice', ip: IP.us });
      const b = await assess({ user_id: 'alice', ip: IP.us });
      expect(a.headers['x-request-id']).toMatch(UUID);
      expect(b.headers['x-request-id']).toMatch(UUID);
      expect(a.headers['x-request-id']).not.toBe(b.headers['x-request-id']);
    });
  });
});
