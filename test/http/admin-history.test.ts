import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, bearer, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP } from '../support/logins.js';

const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

const { london: LONDON } = IP;

describe('/v1/admin/users/{userId}/history', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.stop();
  });

  const assess = async (userId: string) =>
    (
      await t.app.inject({
        method: 'POST',
        url: '/v1/assess',
        headers: bearer(KEYS.web),
        payload: { user_id: userId, ip: LONDON, user_agent: CHROME, device_id: `${userId}-cookie` },
      })
    ).json();
  const admin = (method: 'GET' | 'DELETE', path: string, key: string = KEYS.admin) =>
    t.app.inject({ method, url: `/v1/admin/users/${path}`, headers: bearer(key) });

  it('shows a coarse view of history without device hashes', async () => {
    await assess('ann');
    const res = await admin('GET', 'ann/history');
    expect(res.statusCode).toBe(200);
    const view = res.json();
    expect(view).toMatchObject({
      user_id: 'ann',
      known: true,
      devices: { count: 1 },
      user_agents: [{ family: 'Chrome/Windows' }],
      last_location: { country: 'GB', city: 'London' },
    });
    expect(res.body).not.toContain('ann-cookie');
    // The familiarity profile as counts: one value a feature, the raw country, one place; no hashes.
    expect(view.familiarity).toEqual({
      logins: 1,
      values: { ip: 1, subnet: 1, asn: 1, city: 1, country: 1, ua: 1, browser: 1, os: 1, deviceType: 1, device: 1 },
      countries: ['GB'],
      places: 1,
    });
    expect(res.body).not.toContain(LONDON);
    expect((await admin('GET', 'nobody/history')).json()).toMatchObject({ known: false, devices: { count: 0 }, familiarity: { logins: 0, places: 0 } });
  });

  it('clears what Familiarity learned: the next login is a cold start for it, NewDevice still knows the device', async () => {
    await assess('dan');
    expect((await assess('dan')).risk_assessment.assessments.Familiarity.code).toBe('familiar');
    expect((await admin('DELETE', 'dan/history?assessor=Familiarity')).json()).toEqual({ user_id: 'dan', cleared: 'Familiarity' });
    expect((await admin('GET', 'dan/history')).json().familiarity).toMatchObject({ logins: 0, places: 1 });
    const after = await assess('dan');
    expect(after.risk_assessment.assessments.Familiarity.code).toBe('initial_login');
    expect(after.risk_assessment.assessments.NewDevice.code).toBe('match');
  });

  it('clears what NewDevice learned: the next login from the same device is no longer a match', async () => {
    await assess('ben');
    expect((await assess('ben')).risk_assessment.assessments.NewDevice.code).toBe('match');
    const res = await admin('DELETE', 'ben/history?assessor=NewDevice');
    expect(res.json()).toEqual({ user_id: 'ben', cleared: 'NewDevice' });
    const after = await assess('ben');
    expect(after.risk_assessment.assessments.NewDevice.code).toBe('no_device_history');
    // The location was kept: ImpossibleTravel still compares against London.
    expect(after.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
  });

  it('clears the location for ImpossibleTravel, and erases a user entirely', async () => {
    await assess('cat');
    await admin('DELETE', 'cat/history?assessor=ImpossibleTravel');
    // The familiar places go with the last location.
    expect((await admin('GET', 'cat/history')).json().familiarity.places).toBe(0);
    const after = await assess('cat');
    expect(after.risk_assessment.assessments.ImpossibleTravel.code).toBe('location_history_not_found');
    expect(after.risk_assessment.assessments.NewDevice.code).toBe('match');

    expect((await admin('DELETE', 'cat/history')).json()).toEqual({ user_id: 'cat', cleared: 'all' });
    // Erased entirely: history, profile and places (docs/privacy.md).
    expect((await admin('GET', 'cat/history')).json()).toMatchObject({ known: false, familiarity: { logins: 0, places: 0 } });
    expect(await redis.client().exists(`vigil:{u:cat}`, `vigil:{u:cat}:fam`)).toBe(0);
    expect((await assess('cat')).risk_assessment.assessments.NewDevice.code).toBe('initial_login');
  });

  it('refuses API client keys, wrong keys and no key; rejects unknown assessors', async () => {
    expect((await admin('GET', 'ann/history', KEYS.web)).statusCode).toBe(401);
    expect((await admin('GET', 'ann/history', 'vk_wrong')).statusCode).toBe(401);
    const none = await t.app.inject({ method: 'GET', url: '/v1/admin/users/ann/history' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('unauthorized');
    const bad = await admin('DELETE', 'ann/history?assessor=UntrustedIP');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_request');
  });

  it('does not let an admin key call client routes', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/assess', headers: bearer(KEYS.admin), payload: { user_id: 'x' } });
    expect(res.statusCode).toBe(401);
  });
});
