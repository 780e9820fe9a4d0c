import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROME, IP, expectError, post } from '../http/helpers.js';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { useMfaApp } from '../support/mfa.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

/**
 * What an assessment answers when Redis is slow or away (docs/operations.md, "Redis faults",
 * items 10 and 11): within the deadline, and either something the login service can act on —
 * a challenge with its mfa_token, an allow it can complete later — or an explicit deny that says
 * why. Never a challenge without a token, and never an id that `/complete` refuses unexplained.
 */

const PRODUCTION_DEADLINES = { VIGIL_REDIS_TIMEOUT_MS: '200', VIGIL_ASSESS_DEADLINE_MS: '250', VIGIL_ASSESSOR_DEADLINE_MS: '50' };
/** What a slow answer may add to the deadline on a loaded 2-core box: the event loop, the inject round trip. */
const SLACK_MS = 100;

describe('10. challenged logins overran the deadline when Redis writes were slow', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    // Every login challenged: each one needs its mfa_token stored, a write.
    t = await makeTestApp({ redisUrl: redis.url, env: PRODUCTION_DEADLINES, file: testFileConfig({ applications: { default: { mfaPolicy: 'always' } } }) });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('during a write pause a challenged login answers within the deadline: a challenge with its mfa_token, or an explicit deny', async () => {
    const pauser = redis.client();
    await pauser.call('CLIENT', 'PAUSE', '3000', 'WRITE');
    try {
      const answers: { ms: number; decision: { action: string; reasons: string[]; mfa?: { mfa_token?: string } } }[] = [];
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const res = await post(t.app, '/v1/assess', KEYS.web, { user_id: `paused-${i}`, email: `p${i}@example.com`, ip: IP.london, user_agent: CHROME });
        answers.push({ ms: performance.now() - started, decision: res.json().decision });
      }
      for (const a of answers) {
        // Was 446–454 ms: the token waited for its own Redis timeout after the deadline.
        expect(a.ms).toBeLessThan(t.config.assessDeadlineMs + SLACK_MS);
        if (a.decision.action === 'challenge') expect(a.decision.mfa?.mfa_token).toEqual(expect.any(String));
        else expect(a.decision).toEqual({ action: 'deny', reasons: ['mfa_policy_always', 'mfa_unavailable'] });
      }
      // The writes were paused throughout: no token could be stored.
      expect(answers.filter((a) => a.decision.action === 'deny')).toHaveLength(3);
    } finally {
      await pauser.call('CLIENT', 'UNPAUSE');
    }
    const after = (await post(t.app, '/v1/assess', KEYS.web, { user_id: 'after', email: 'a@example.com', ip: IP.london })).json();
    expect(after.decision).toMatchObject({ action: 'challenge', mfa: { step: 'email_verification', mfa_token: expect.any(String) } });
  });
});

describe('11. a fail-closed challenge could not be completed', () => {
  describe('an enrolled user while Redis is away', () => {
    const { redis, t, mfa } = useMfaApp();

    it('is denied with mfa_unavailable, not challenged without a token as if unenrolled', async () => {
      const login = { user_id: 'enrolled', email: 'enrolled@example.com', ip: IP.london, user_agent: CHROME, device_id: 'e1' };
      await mfa.enrollTotp(login);
      const before = await mfa.challenged(login);
      expect(before.decision.mfa).toMatchObject({ enrolled: true, step: 'challenge', factors: expect.arrayContaining(['otp']) });

      await redis.stop();
      const res = await t.app.inject({ method: 'POST', url: '/v1/assess', headers: bearer(KEYS.web), payload: login });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.context.history).toBe('unavailable');
      // Was: challenge, mfa.enrolled false, step email_verification, no mfa_token.
      expect(body.decision).toEqual({ action: 'deny', reasons: ['mfa_policy_always', 'mfa_unavailable'] });
      expect(body.committed).toBe(false);
    });
  });

  describe('an allow whose commit missed the deadline', () => {
    let redis: TestRedis;
    let t: TestApp;

    beforeAll(async () => {
      redis = await startTestRedis();
      t = await makeTestApp({ redisUrl: redis.url, env: PRODUCTION_DEADLINES });
    });
    afterAll(async () => {
      await t?.close();
      await redis?.stop();
    });

    it('answers committed: false with an id /complete commits once Redis takes writes again', async () => {
      const login = { user_id: 'late-commit', ip: IP.london, user_agent: CHROME, device_id: 'l1' };
      const pauser = redis.client();
      await pauser.call('CLIENT', 'PAUSE', '5000', 'WRITE');
      let answer;
      try {
        answer = (await post(t.app, '/v1/assess', KEYS.web, login)).json();
      } finally {
        await pauser.call('CLIENT', 'UNPAUSE');
      }
      expect(answer.decision.action).toBe('allow');
      expect(answer.committed).toBe(false);

      // Was 404: the id named nothing stored (186 of them in one fault run).
      const done = await post(t.app, `/v1/assessments/${answer.assessment_id}/complete`, KEYS.web);
      expect(done.statusCode, done.body).toBe(200);
      expect(done.json()).toEqual({ assessment_id: answer.assessment_id, committed: true });
      const again = (await post(t.app, '/v1/assess', KEYS.web, login)).json();
      expect(again.risk_assessment.assessments.NewDevice.code).toBe('match');
      expectError(await post(t.app, `/v1/assessments/${answer.assessment_id}/complete`, KEYS.web), 409, 'already_completed');
    });

    it('an assessment made without Redis gets an id /complete refuses as not committable, saying why', async () => {
      const dead = await startTestRedis();
      await dead.stop();
      const open = await makeTestApp({ redisUrl: dead.url, env: { ...PRODUCTION_DEADLINES, VIGIL_FAIL_OPEN: 'true' }, waitForRedis: false });
      try {
        const answer = (await post(open.app, '/v1/assess', KEYS.web, { user_id: 'no-redis', ip: IP.london })).json();
        expect(answer).toMatchObject({ committed: false, decision: { action: 'allow' }, context: { history: 'unavailable' } });
        // Was a 503 while Redis was away and a 404 after: the id named nothing.
        expectError(await post(open.app, `/v1/assessments/${answer.assessment_id}/complete`, KEYS.web), 409, 'not_committable', 'Redis did not answer');
        // Another client's id stays as unknown as any other.
        expectError(await post(open.app, `/v1/assessments/${answer.assessment_id}/complete`, KEYS.ropg), 404, 'not_found');
      } finally {
        await open.close();
      }
    });
  });
});
