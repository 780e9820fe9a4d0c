import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP, expectError, post } from './helpers.js';

/** `POST /v1/assessments/{id}/complete`: only the client that made an assessment can complete it, or learn it exists. */

describe('POST /v1/assessments/{id}/complete security', () => {
  let redis: TestRedis;
  let t: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url, file: testFileConfig({ applications: { default: {}, strict: { mfaPolicy: 'always' } } }) });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  const assess = async (payload: Record<string, unknown>, key: string = KEYS.web) => {
    const res = await post(t.app, '/v1/assess', key, payload);
    expect(res.statusCode).toBe(200);
    return res.json() as { assessment_id: string; committed: boolean; decision: { action: string } };
  };
  const complete = (id: string, key: string | null, headers: Record<string, string> = {}) =>
    post(t.app, `/v1/assessments/${id}/complete`, key, undefined, headers);
  const notFoundMessage = (id: string) => `assessment ${id} does not exist or expired (records live 10 minutes)`;

  it('answers 401 without a key, or with a wrong or malformed one, and leaves the assessment completable', async () => {
    const a = await assess({ user_id: 'c-sec-1', ip: IP.us, commit: false });
    expectError(await complete(a.assessment_id, null), 401, 'unauthorized');
    expectError(await complete(a.assessment_id, 'vk_test_wrong_0123456789abcdefghijklmnopqrs'), 401, 'unauthorized');
    expectError(await complete(a.assessment_id, null, { authorization: `Basic ${KEYS.web}` }), 401, 'unauthorized');
    expect((await complete(a.assessment_id, KEYS.web)).statusCode).toBe(200);
  });

  it("answers 404 for another client's pending assessment, word for word as for an unknown id, and does not consume it", async () => {
    const a = await assess({ user_id: 'c-sec-2', ip: IP.us, commit: false });
    const res = await complete(a.assessment_id, KEYS.ropg);
    expectError(res, 404, 'not_found');
    expect(res.json().error.message).toBe(notFoundMessage(a.assessment_id));
    expectError(await complete(a.assessment_id, KEYS.replay), 404, 'not_found');
    // The owner is unaffected by the probes.
    const own = await complete(a.assessment_id, KEYS.web);
    expect(own.statusCode).toBe(200);
    expect(own.json()).toEqual({ assessment_id: a.assessment_id, committed: true });
  });

  // Regression: the already-committed check ran before the client check, so another client got
  // 409 already_completed and learned that the id exists.
  it("answers 404, not 409, for another client's already committed assessment", async () => {
    const auto = await assess({ user_id: 'c-sec-3', ip: IP.us });
    expect(auto.committed).toBe(true);
    const res = await complete(auto.assessment_id, KEYS.ropg);
    expectError(res, 404, 'not_found');
    expect(res.json().error.message).toBe(notFoundMessage(auto.assessment_id));

    const manual = await assess({ user_id: 'c-sec-4', ip: IP.us, commit: false });
    expect((await complete(manual.assessment_id, KEYS.web)).statusCode).toBe(200);
    expectError(await complete(manual.assessment_id, KEYS.ropg), 404, 'not_found');
    // The owner still gets the truth.
    expectError(await complete(manual.assessment_id, KEYS.web), 409, 'already_completed');
  });

  it("answers 404, not 409 not_committable, for another client's challenged assessment", async () => {
    const a = await assess({ user_id: 'c-sec-5', ip: IP.us, email: 's@example.com', application: 'strict' });
    expect(a.decision.action).toBe('challenge');
    expectError(await complete(a.assessment_id, KEYS.ropg), 404, 'not_found');
    expectError(await complete(a.assessment_id, KEYS.web), 409, 'not_committable');
  });

  it('does not let a probe with a wrong key reveal whether an id exists', async () => {
    const a = await assess({ user_id: 'c-sec-6', ip: IP.us, commit: false });
    const real = await complete(a.assessment_id, 'vk_test_wrong_0123456789abcdefghijklmnopqrs');
    const fake = await complete('00000000-0000-4000-8000-000000000000', 'vk_test_wrong_0123456789abcdefghijklmnopqrs');
    expect(real.statusCode).toBe(401);
    expect(fake.statusCode).toBe(401);
    expect(real.json().error.message).toBe(fake.json().error.message);
  });
});
