import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { BROWSERS, IP } from '../support/logins.js';
import { expectError, post } from './helpers.js';

/**
 * Regression (issue 17, item 1): `application` was looked up on the plain config object, so
 * names inherited from `Object.prototype` found a function or the prototype itself: an
 * "application" without a policy. A risky login (London → Tokyo at once, new device) was then
 * allowed and committed, which also made the attacker's device known.
 */
const INHERITED = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];

describe('application names inherited from Object.prototype', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url, file: testFileConfig({ applications: { default: {}, web: {} } }) });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const assess = (body: Record<string, unknown>) => post(t.app, '/v1/assess', KEYS.web, body);

  it.each(INHERITED)('refuses "%s" as unknown_application, and commits nothing', async (name) => {
    const user = `proto-${name}`;
    const home = await assess({ user_id: user, ip: IP.london, device_id: 'home', user_agent: BROWSERS.d1 });
    expect(home.json()).toMatchObject({ decision: { action: 'allow' }, committed: true });

    const attack = { user_id: user, ip: IP.tokyo, device_id: 'attacker', user_agent: BROWSERS.d2 };
    expectError(await assess({ ...attack, application: name }), 400, 'unknown_application', name);

    // The attacker's device and Tokyo stay unknown: the same login under a real application is still risky.
    const after = (await assess({ ...attack, application: 'web' })).json();
    expect(after.risk_assessment.assessments.NewDevice.code).toBe('no_match');
    expect(after.risk_assessment.assessments.ImpossibleTravel.code).toBe('impossible_travel_from_last_login');
    expect(after.decision.action).not.toBe('allow');
  });

  it('still serves configured applications', async () => {
    const res = await assess({ user_id: 'proto-configured', ip: IP.london, application: 'web' });
    expect(res.statusCode).toBe(200);
  });
});
