import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { CHROME, IP, metricValue, post } from './helpers.js';

/** `POST /v1/assessments/{id}/complete` committing an allowed login assessed with `commit: false`. */

describe('POST /v1/assessments/{id}/complete', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const assess = (payload: Record<string, unknown>, key: string = KEYS.web) => post(t.app, '/v1/assess', key, payload);
  const complete = (id: string, key: string = KEYS.web) => post(t.app, `/v1/assessments/${id}/complete`, key);

  it('commits the login: device and location become known', async () => {
    const login = { user_id: 'c-happy-1', ip: IP.london, user_agent: CHROME, device_id: 'c1-cookie' };
    const pending = (await assess({ ...login, commit: false })).json();
    expect(pending).toMatchObject({ committed: false, decision: { action: 'allow' } });

    const okBefore = await metricValue(t.app, 'vigil_commits_total', { via: 'complete', result: 'ok' });
    const res = await complete(pending.assessment_id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({ assessment_id: pending.assessment_id, committed: true });
    expect(await metricValue(t.app, 'vigil_commits_total', { via: 'complete', result: 'ok' })).toBe(okBefore + 1);

    const next = (await assess({ ...login, commit: false })).json();
    expect(next.risk_assessment.assessments.NewDevice).toMatchObject({ code: 'match', confidence: 'high' });
    expect(next.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
  });

  it('commits the location of the completed login, so travel is measured from it', async () => {
    const user = 'c-happy-2';
    const london = (await assess({ user_id: user, ip: IP.london, user_agent: CHROME, device_id: 'c2', commit: false })).json();
    // Until London is committed, the user has no history at all.
    const tokyoFirst = (await assess({ user_id: user, ip: IP.tokyo, user_agent: CHROME, device_id: 'c2', commit: false })).json();
    expect(tokyoFirst.risk_assessment.assessments.ImpossibleTravel.code).toBe('initial_login');

    expect((await complete(london.assessment_id)).statusCode).toBe(200);
    const tokyo = (await assess({ user_id: user, ip: IP.tokyo, user_agent: CHROME, device_id: 'c2', commit: false })).json();
    expect(tokyo.risk_assessment.assessments.ImpossibleTravel).toMatchObject({
      code: 'impossible_travel_from_last_login',
      details: { from: { country: 'GB' }, to: { country: 'JP' } },
    });
  });

  it('completes through the client that made the assessment, whichever it is', async () => {
    const pending = (await assess({ user_id: 'c-happy-3', ip: IP.us, commit: false }, KEYS.ropg)).json();
    const res = await complete(pending.assessment_id, KEYS.ropg);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ assessment_id: pending.assessment_id, committed: true });
  });
});
