import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { BROWSERS, IP } from '../support/logins.js';

/**
 * The whole path on the default GeoIP database (DB-IP Lite from the npm package) and a real
 * Redis: first login → same device (`match`) → the same cookie from Tokyo an hour later (the
 * stolen-cookie escape of the first contract, now challenged).
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

    // Same cookie, a browser update: still the same device, and a familiar login.
    const second = (await assess({ user_id: 'alice', ip: LONDON, user_agent: CHROME_NEXT, device_id: 'cookie-1', timestamp: at(10) })).json();
    expect(second.risk_assessment.assessments.NewDevice).toMatchObject({ code: 'match', confidence: 'high' });
    expect(second.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
    expect(second.risk_assessment.assessments.Familiarity.code).toBe('familiar');
    expect(second.risk_assessment.confidence).toBe('high');
    expect(second.decision.action).toBe('allow');

    // Stolen cookie from abroad: the same cookie and browser from Tokyo (~9,500 km) an hour later.
    // The first contract averaged this to medium and let it in; one strong signal now counts.
    const stolen = (await assess({ user_id: 'alice', email: 'alice@example.com', ip: TOKYO, user_agent: CHROME, device_id: 'cookie-1', timestamp: at(70) })).json();
    const it = stolen.risk_assessment.assessments.ImpossibleTravel;
    expect(stolen.risk_assessment.assessments.NewDevice.code).toBe('match');
    expect(it.code).toBe('impossible_travel_from_last_login');
    expect(it.confidence).toBe('low');
    expect(it.details.distance_km).toBeGreaterThan(9000);
    expect(it.details.from).toMatchObject({ country: 'GB' });
    expect(it.details.to).toMatchObject({ country: 'JP' });
    expect(stolen.evidence.terms).toMatchObject({ impossible_travel_from_last_login: 4, known_device_new_country: 4 });
    expect(stolen.risk_assessment.confidence).toBe('low');
    expect(stolen.decision).toMatchObject({ action: 'challenge', mfa: { enrolled: false, step: 'email_verification' } });
    expect(stolen.decision.reasons).toEqual(expect.arrayContaining(['impossible_travel_from_last_login', 'known_device_new_country']));
    expect(stolen.committed).toBe(false);

    // Without an email there is nowhere to send a code.
    const noEmail = (await assess({ user_id: 'alice', ip: TOKYO, user_agent: FIREFOX_MAC, device_id: 'cookie-2', timestamp: at(71) })).json();
    expect(noEmail.decision.action).toBe('deny');
    expect(noEmail.decision.reasons).toContain('email_required');

    // Nothing of the challenged logins was learned: London is still the last location.
    const home = (await assess({ user_id: 'alice', ip: LONDON, user_agent: CHROME, device_id: 'cookie-1', timestamp: at(100) })).json();
    expect(home.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
    expect(home.decision.action).toBe('allow');
  });

  it('reports a partial match when only the user agent family is known', async () => {
    await assess({ user_id: 'bob', ip: LONDON, user_agent: CHROME, device_id: 'b-1', timestamp: at(0) });
    const r = (await assess({ user_id: 'bob', ip: LONDON, user_agent: CHROME, device_id: 'b-2', timestamp: at(5) })).json();
    expect(r.risk_assessment.assessments.NewDevice).toMatchObject({ code: 'partial_match', confidence: 'medium' });
  });
});
