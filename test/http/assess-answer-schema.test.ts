import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessAnswer } from '../../src/risk/assess-answer.js';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { BROWSERS, IP } from '../support/logins.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { post } from './helpers.js';

/**
 * The answer schema (`src/risk/assess-answer.ts`, strict objects) against real answers of
 * every shape: allowed and committed, challenged with an mfa_token, denied, with history
 * unavailable, and in the `average` mode without evidence. A field the code adds and the schema
 * lacks, or the other way round, fails here.
 */
describe('the assess answer schema against real answers', () => {
  let redis: TestRedis;
  let t: TestApp;
  let average: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    [t, average] = await Promise.all([
      makeTestApp({ redisUrl: redis.url, file: testFileConfig({ combiner: {} }) }),
      makeTestApp({ redisUrl: redis.url, file: testFileConfig({ combiner: { mode: 'average' } }) }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([t?.close(), average?.close()]);
    await redis?.stop();
  });

  const assess = async (app: TestApp, body: Record<string, unknown>) => {
    const res = await post(app.app, '/v1/assess', KEYS.web, body);
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it('parses challenged, allowed, denied and average-mode answers, and refuses an answer with a field it does not know', async () => {
    const home = { user_id: 'schema-1', email: 's@example.com', ip: IP.london, user_agent: BROWSERS.d1, device_id: 's-1' };
    const answers = [
      await assess(t, home), // first login: challenged (cold start), with an mfa_token
      await assess(t, { ...home, user_id: 'schema-2', email: undefined }), // denied: no email to verify
      await assess(average, { ...home, user_id: 'schema-3' }), // average mode: allowed, no evidence
      await assess(average, { ...home, user_id: 'schema-3' }), // a known device, committed
    ];
    expect(answers.map((a) => a.decision.action)).toEqual(['challenge', 'deny', 'allow', 'allow']);
    expect(answers[0].decision.mfa.mfa_token).toEqual(expect.any(String));
    expect(answers[2].evidence).toBeUndefined();
    for (const a of answers) expect(assessAnswer.safeParse(a).error).toBeUndefined();
    expect(assessAnswer.safeParse({ ...answers[0], extra: 1 }).success).toBe(false);
    expect(assessAnswer.safeParse({ ...answers[0], risk_assessment: { ...answers[0].risk_assessment, assessments: {} } }).success).toBe(false);
  });

  it('parses the fail-closed answer of a Redis outage', async () => {
    const down = await startTestRedis();
    await down.stop();
    const off = await makeTestApp({ redisUrl: down.url, waitForRedis: false, env: { VIGIL_ASSESS_DEADLINE_MS: '100' } });
    try {
      const a = await assess(off, { user_id: 'schema-4', ip: IP.london });
      expect(a.context.history).toBe('unavailable');
      expect(assessAnswer.safeParse(a).error).toBeUndefined();
    } finally {
      await off.close();
    }
  });
});
