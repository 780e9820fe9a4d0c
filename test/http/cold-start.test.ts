import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { CHROME, IP, post } from './helpers.js';

/**
 * What happens to a user Vigil has never seen (docs/risk-model.md "Cold start"): by default the
 * first login is challenged (`combiner.evidence.coldStartNats` 1 reaches the low band); at 0 it
 * is neutral and allowed, as Auth0 treats `initial_login`.
 */
describe('cold start', () => {
  let redis: TestRedis;
  let byDefault: TestApp;
  let auth0Like: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    [byDefault, auth0Like] = await Promise.all([
      makeTestApp({ redisUrl: redis.url, file: testFileConfig({ combiner: {} }) }),
      makeTestApp({ redisUrl: redis.url, file: testFileConfig({ combiner: { evidence: { coldStartNats: 0 } } }) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([byDefault?.close(), auth0Like?.close()]);
    await redis?.stop();
  });

  const login = (user: string, extra: Record<string, unknown> = {}) => ({ user_id: user, ip: IP.london, user_agent: CHROME, device_id: `${user}-c`, ...extra });

  it('challenges a first login by default, with email verification for a user with no factor, and commits nothing yet', async () => {
    const body = (await post(byDefault.app, '/v1/assess', KEYS.web, login('cold-1', { email: 'c1@example.com' }))).json();
    expect(body.risk_assessment.assessments.Familiarity).toEqual({ confidence: 'neutral', code: 'initial_login' });
    expect(body.evidence).toEqual({ nats: 1, terms: { initial_login: 1 } });
    expect(body.risk_assessment.confidence).toBe('low');
    expect(body.decision).toMatchObject({ action: 'challenge', reasons: ['initial_login'], mfa: { step: 'email_verification' } });
    expect(body.committed).toBe(false);
    // Still a first login: the challenge has not been passed.
    const again = (await post(byDefault.app, '/v1/assess', KEYS.web, login('cold-1', { email: 'c1@example.com' }))).json();
    expect(again.risk_assessment.assessments.NewDevice.code).toBe('initial_login');
  });

  it('denies a first login with no email to verify, by default', async () => {
    const body = (await post(byDefault.app, '/v1/assess', KEYS.web, login('cold-2'))).json();
    expect(body.decision).toEqual({ action: 'deny', reasons: ['initial_login', 'email_required'] });
  });

  it('allows and commits a first login with coldStartNats 0, neutral', async () => {
    const body = (await post(auth0Like.app, '/v1/assess', KEYS.web, login('cold-3'))).json();
    expect(body.evidence).toEqual({ nats: 0, terms: {} });
    expect(body.risk_assessment.confidence).toBe('neutral');
    expect(body.decision).toEqual({ action: 'allow', reasons: [] });
    expect(body.committed).toBe(true);
    const next = (await post(auth0Like.app, '/v1/assess', KEYS.web, login('cold-3'))).json();
    expect(next.risk_assessment.assessments.Familiarity.code).toBe('familiar');
  });
});
