import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/http/auth.js';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP, expectError, post } from './helpers.js';

/** `POST /v1/assess` refusing bad input: exact status and code, a message naming the field, never a 500. */

// A leap year's 1 March, so the day before is a real leap day.
const NOW = Date.parse('2028-03-01T12:00:00.000Z');
const DAY_MS = 86_400_000;
const SKEW_MS = 5 * 60_000;
const BODY_LIMIT = 2048;
const PARTNER_KEY = 'vk_test_partner_0123456789abcdefghijklmnopq';

describe('POST /v1/assess errors', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    const base = testFileConfig();
    t = await makeTestApp({
      redisUrl: redis.url,
      env: { VIGIL_BODY_LIMIT_BYTES: String(BODY_LIMIT) },
      now: () => NOW,
      file: {
        ...base,
        clients: [...(base.clients as unknown[]), { id: 'partner', keyHash: hashApiKey(PARTNER_KEY), applications: ['other'] }],
        applications: { default: {}, other: {} },
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const assess = (payload: unknown, key: string = KEYS.web) => post(t.app, '/v1/assess', key, payload);
  const raw = (body: string, contentType: string) =>
    post(t.app, '/v1/assess', KEYS.web, body, { 'content-type': contentType });

  describe('body', () => {
    it('answers invalid_json for malformed JSON', async () => {
      expectError(await raw('{"user_id": ', 'application/json'), 400, 'invalid_json', 'JSON');
    });

    it('answers invalid_json for an empty JSON body', async () => {
      expectError(await raw('', 'application/json'), 400, 'invalid_json');
    });

    it.each(['application/x-www-form-urlencoded', 'application/xml', 'text/plain', 'multipart/form-data; boundary=x'])(
      'answers 415 unsupported_media_type for %s',
      async (type) => {
        expectError(await raw('user_id=alice', type), 415, 'unsupported_media_type');
      },
    );

    it('accepts application/json with a charset', async () => {
      const res = await raw('{"user_id":"alice"}', 'application/json; charset=utf-8');
      expect(res.statusCode).toBe(200);
    });

    it('answers invalid_request naming user_id when it is missing', async () => {
      expectError(await assess({ ip: IP.us }), 400, 'invalid_request', 'user_id');
    });

    it('answers invalid_request when there is no body at all', async () => {
      expectError(await post(t.app, '/v1/assess', KEYS.web), 400, 'invalid_request', 'body');
    });

    it('answers invalid_request naming every field of the wrong type', async () => {
      const res = await assess({ user_id: 42, commit: 'no', ip: 8888 });
      expectError(res, 400, 'invalid_request', 'user_id', 'commit', 'ip');
    });

    it.each([
      ['user_id', { user_id: '' }],
      ['user_id', { user_id: 'u'.repeat(257) }],
      ['email', { user_id: 'alice', email: 'not-an-email' }],
      ['device_id', { user_id: 'alice', device_id: '' }],
      ['application', { user_id: 'alice', application: '' }],
    ])('answers invalid_request naming %s when it breaks its limits', async (field, body) => {
      expectError(await assess(body), 400, 'invalid_request', field);
    });

    it('answers invalid_request naming an unknown extra field', async () => {
      expectError(await assess({ user_id: 'alice', is_admin: true }), 400, 'invalid_request', 'is_admin');
    });

    it('answers invalid_request for a JSON array or string instead of an object', async () => {
      expectError(await raw('["alice"]', 'application/json'), 400, 'invalid_request');
      expectError(await raw('"alice"', 'application/json'), 400, 'invalid_request');
    });

    it(`answers 413 payload_too_large one byte over VIGIL_BODY_LIMIT_BYTES (${BODY_LIMIT}) and accepts the limit itself`, async () => {
      const sized = (n: number) => {
        const head = JSON.stringify({ user_id: 'alice', user_agent: '' });
        const body = JSON.stringify({ user_id: 'alice', user_agent: 'x'.repeat(n - head.length) });
        expect(Buffer.byteLength(body)).toBe(n);
        return body;
      };
      expectError(await raw(sized(BODY_LIMIT + 1), 'application/json'), 413, 'payload_too_large');
      expect((await raw(sized(BODY_LIMIT), 'application/json')).statusCode).toBe(200);
    });
  });

  describe('ip', () => {
    it.each(['1.2.3.999', 'not-an-ip', '1.2.3.4:80', '[::1]', 'fe80::1%eth0', '::ffff:1.2.3.4.5', '8.8.8.8, 1.1.1.1'])(
      'answers invalid_ip_address for "%s"',
      async (ip) => {
        expectError(await assess({ user_id: 'alice', ip }), 400, 'invalid_ip_address', '"ip"', ip);
      },
    );
  });

  describe('timestamp', () => {
    const at = (ms: number) => new Date(ms).toISOString();
    const replay = (timestamp: string) => assess({ user_id: 'replayer', ip: IP.us, timestamp }, KEYS.replay);

    it.each([
      '2028-03-01 12:00:00Z',
      '2028-03-01T12:00:00',
      String(NOW),
      'yesterday',
      '2028-03-01',
      '2027-13-01T00:00:00Z',
      '2027-06-01T24:30:00Z',
    ])('answers invalid_timestamp for "%s"', async (ts) => {
      expectError(await replay(ts), 400, 'invalid_timestamp', '"timestamp"');
    });

    // Regression: Date.parse rolls 2028-02-30 over to 1 March, so a day past the month's end passed.
    it.each(['2028-02-30T10:00:00Z', '2027-04-31T10:00:00Z', '2027-06-31T00:00:00+02:00', '2027-11-31T23:59:59Z'])(
      'answers invalid_timestamp for the impossible date %s',
      async (ts) => {
        expectError(await replay(ts), 400, 'invalid_timestamp', '"timestamp"', ts);
      },
    );

    it('accepts a real leap day, the last day of a 30-day month and an offset time zone', async () => {
      expect((await replay('2028-02-29T10:00:00Z')).statusCode).toBe(200);
      expect((await replay('2027-04-30T10:00:00Z')).statusCode).toBe(200);
      expect((await replay('2027-12-31T23:30:00-01:00')).statusCode).toBe(200);
    });

    it('answers invalid_timestamp for a time beyond the allowed clock skew, and accepts the skew itself', async () => {
      expectError(await replay(at(NOW + SKEW_MS + 1000)), 400, 'invalid_timestamp', 'future');
      expect((await replay(at(NOW + SKEW_MS))).statusCode).toBe(200);
    });

    it('answers invalid_timestamp for a time older than VIGIL_MAX_TIMESTAMP_AGE_DAYS (365), and accepts just inside it', async () => {
      expectError(await replay(at(NOW - 365 * DAY_MS - 1000)), 400, 'invalid_timestamp', '365 days');
      expect((await replay(at(NOW - 365 * DAY_MS + 1000))).statusCode).toBe(200);
    });

    it('answers 403 timestamp_not_allowed to a client without allowTimestamp, even for a valid time', async () => {
      const res = await assess({ user_id: 'alice', ip: IP.us, timestamp: at(NOW - 60_000) }, KEYS.web);
      expectError(res, 403, 'timestamp_not_allowed', '"web"', 'timestamp');
    });
  });

  describe('application', () => {
    it('answers unknown_application naming it', async () => {
      expectError(await assess({ user_id: 'alice', application: 'nope' }), 400, 'unknown_application', '"nope"');
    });

    it('answers 403 forbidden to a client restricted to other applications, named or defaulted', async () => {
      expectError(await assess({ user_id: 'alice', application: 'default' }, PARTNER_KEY), 403, 'forbidden', '"partner"', '"default"');
      expectError(await assess({ user_id: 'alice' }, PARTNER_KEY), 403, 'forbidden', '"default"');
    });

    it('lets the restricted client assess for its own application, and others for any', async () => {
      expect((await assess({ user_id: 'alice', ip: IP.us, application: 'other' }, PARTNER_KEY)).statusCode).toBe(200);
      expect((await assess({ user_id: 'alice', ip: IP.us, application: 'other' }, KEYS.web)).statusCode).toBe(200);
    });
  });

  describe('routes', () => {
    it('answers 404 not_found for an unknown route, naming it', async () => {
      expectError(await post(t.app, '/v1/assessx', KEYS.web, { user_id: 'alice' }), 404, 'not_found', '/v1/assessx');
      expectError(await t.app.inject({ method: 'GET', url: '/v1/nothing?x=1' }), 404, 'not_found', 'GET /v1/nothing');
    });

    it('answers 404 not_found for the wrong method on a known path', async () => {
      expectError(await t.app.inject({ method: 'GET', url: '/v1/assess' }), 404, 'not_found', 'GET /v1/assess');
    });
  });
});
