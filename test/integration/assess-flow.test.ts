import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { BROWSERS, IP } from '../support/logins.js';

/**
 * The whole path on the default GeoIP database (DB-IP Lite from the npm package) and a real
 * Redis: first login → same device (`match`) → Tokyo one hour after London.
 */
const CHROME = BROWSERS.d1;
const CHROME_NEXT = CHROME.replace('Chrome/130', 'Chrome/131');
const FIREFOX_MAC = BROWSERS.d2;

const { london: LONDON, tokyo: TOKYO } = IP;

describe('POST /v1/assess end to end', () => {
  let redis: TestRedis;
  let t: TestApp;
  const base = Date.now() - 2 * 3_600_000;
  const at = (minutes: number) => new Date(base + minutes * 60_000).toISOString();

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  const assess = (body: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/v1/assess', headers: bearer(KEYS.replay), payload: body });

  it('walks initial login → match → impossible travel, committing what is allowed', async () => {
    const first = await assess({ user_id: 'alice', ip: LONDON, user_agent: CHROME, device_id: 'cookie-1', timestamp: at(0) });
    expect(first.statusCode).toBe(200);
    const a1 = first.json();
    expect(a1.risk_assessment.assessments.NewDevice.code).toBe('initial_login');
    expect(a1.risk_assessment.assessments.ImpossibleTravel.code).toBe('initial_login');
    expect(a1.risk_assessment.assessments.UntrustedIP.code).toBe('not_found_on_deny_list');
    expect(a1.decision.action).toBe('allow');
    expect(a1.committed).toBe(true);
    expect(a1.context).toMatchObject({ ip: LONDON, ip_source: 'body', location: { country: 'GB', city: 'London' } });

    // Same cookie, a browser update: still the same device.
    const second = (await assess({ user_id: 'alice', ip: LONDON, user_agent: CHROME_NEXT, device_id: 'cookie-1', timestamp: at(10) })).json();
    expect(second.risk_assessment.assessments.NewDevice).toMatchObject({ code: 'match', confidence: 'high' });
    expect(second.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
    expect(second.risk_assessment.confidence).toBe('high');
    expect(second.score).toBe(0);

    // Tokyo (~9,500 km) an hour later on the known device: one low assessor alone → medium, allowed.
    const travel = (await assess({ user_id: 'alice', ip: TOKYO, user_agent: CHROME, device_id: 'cookie-1', timestamp: at(70), commit: false })).json();
    const it = travel.risk_assessment.assessments.ImpossibleTravel;
    expect(it.code).toBe('impossible_travel_from_last_login');
    expect(it.confidence).toBe('low');
    expect(it.details.distance_km).toBeGreaterThan(9000);
    expect(it.details.from).toMatchObject({ country: 'GB' });
    expect(it.details.to).toMatchObject({ country: 'JP' });
    expect(travel.risk_assessment.confidence).toBe('medium');
    expect(travel.decision.action).toBe('allow');
    expect(travel.committed).toBe(false);

    // The same trip on a new browser and device: two lows → challenge, email verification first.
    const risky = (
      await assess({ user_id: 'alice', email: 'alice@example.com', ip: TOKYO, user_agent: FIREFOX_MAC, device_id: 'cookie-2', timestamp: at(70) })
    ).json();
    expect(risky.risk_assessment.assessments.NewDevice.code).toBe('no_match');
    expect(risky.risk_assessment.confidence).toBe('low');
    expect(risky.decision).toMatchObject({ action: 'challenge', mfa: { enrolled: false, step: 'email_verification' } });
    expect(risky.decision.reasons).toEqual(expect.arrayContaining(['no_match', 'impossible_travel_from_last_login']));
    expect(risky.committed).toBe(false);

    // Without an email there is nowhere to send a code.
    const noEmail = (await assess({ user_id: 'alice', ip: TOKYO, user_agent: FIREFOX_MAC, device_id: 'cookie-2', timestamp: at(71) })).json();
    expect(noEmail.decision.action).toBe('deny');
    expect(noEmail.decision.reasons).toContain('email_required');

    // Completing the allowed-but-uncommitted Tokyo login makes Tokyo the last location.
    const done = await t.app.inject({ method: 'POST', url: `/v1/assessments/${travel.assessment_id}/complete`, headers: bearer(KEYS.replay) });
    expect(done.statusCode).toBe(200);
    const after = (await assess({ user_id: 'alice', ip: TOKYO, user_agent: CHROME, device_id: 'cookie-1', timestamp: at(80) })).json();
    expect(after.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
  });

  it('reports a partial match when only the user agent family is known', async () => {
    await assess({ user_id: 'bob', ip: LONDON, user_agent: CHROME, device_id: 'b-1', timestamp: at(0) });
    const r = (await assess({ user_id: 'bob', ip: LONDON, user_agent: CHROME, device_id: 'b-2', timestamp: at(5) })).json();
    expect(r.risk_assessment.assessments.NewDevice).toMatchObject({ code: 'partial_match', confidence: 'medium' });
  });
});
