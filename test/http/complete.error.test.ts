import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { IP, expectError, post } from './helpers.js';

/** `POST /v1/assessments/{id}/complete` refusing what cannot be completed. */

describe('POST /v1/assessments/{id}/complete errors', () => {
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

  const assess = (payload: Record<string, unknown>) => post(t.app, '/v1/assess', KEYS.web, payload);
  const complete = (id: string) => post(t.app, `/v1/assessments/${id}/complete`, KEYS.web);
  const pending = async (payload: Record<string, unknown>) => {
    const res = await assess(payload);
    expect(res.statusCode).toBe(200);
    return res.json() as { assessment_id: string; committed: boolean; decision: { action: string } };
  };

  it('answers 409 already_completed the second time', async () => {
    const a = await pending({ user_id: 'c-err-1', ip: IP.us, commit: false });
    expect((await complete(a.assessment_id)).statusCode).toBe(200);
    expectError(await complete(a.assessment_id), 409, 'already_completed', a.assessment_id);
    expectError(await complete(a.assessment_id), 409, 'already_completed');
  });

  it('answers 409 already_completed for an allowed login that /assess committed itself', async () => {
    const a = await pending({ user_id: 'c-err-2', ip: IP.us });
    expect(a.committed).toBe(true);
    expectError(await complete(a.assessment_id), 409, 'already_completed', a.assessment_id);
  });

  it('answers 404 not_found for an assessment committed at once more than 10 minutes ago, as for an expired record', async () => {
    let nowMs = Date.UTC(2026, 10, 22, 12);
    const clocked = await makeTestApp({ redisUrl: redis.url, now: () => nowMs });
    try {
      const res = await post(clocked.app, '/v1/assess', KEYS.web, { user_id: 'c-err-3', ip: IP.us });
      const { assessment_id: id, committed } = res.json() as { assessment_id: string; committed: boolean };
      expect(committed).toBe(true);
      nowMs += 10 * 60_000;
      expectError(await post(clocked.app, `/v1/assessments/${id}/complete`, KEYS.web), 409, 'already_completed');
      nowMs += 1;
      expectError(await post(clocked.app, `/v1/assessments/${id}/complete`, KEYS.web), 404, 'not_found', id);
    } finally {
      await clocked.close();
    }
  });

  it('answers 404 not_found for an unknown uuid', async () => {
    const id = randomUUID();
    expectError(await complete(id), 404, 'not_found', id);
  });

  it.each(['not-a-uuid', '123', `${randomUUID()}x`, 'a'.repeat(36)])('answers 400 invalid_request naming id for "%s"', async (id) => {
    expectError(await complete(id), 400, 'invalid_request', 'id');
  });

  it('answers 409 not_committable for a challenged assessment, every time', async () => {
    const a = await pending({ user_id: 'c-err-3', ip: IP.us, email: 'c@example.com', application: 'strict' });
    expect(a.decision.action).toBe('challenge');
    expectError(await complete(a.assessment_id), 409, 'not_committable', a.assessment_id, '"challenge"');
    // The refusal leaves the record as it was: still not committable, not "already completed".
    expectError(await complete(a.assessment_id), 409, 'not_committable');
  });

  it('answers 409 not_committable for a denied assessment', async () => {
    const a = await pending({ user_id: 'c-err-4', ip: IP.us, application: 'strict' });
    expect(a.decision.action).toBe('deny');
    expectError(await complete(a.assessment_id), 409, 'not_committable', '"deny"');
  });

  it('answers 400 invalid_request naming id for an empty id', async () => {
    expectError(await post(t.app, '/v1/assessments//complete', KEYS.web), 400, 'invalid_request', 'id');
  });

  it('answers 404 not_found for another method or a path beside the route', async () => {
    const id = randomUUID();
    const get = await t.app.inject({ method: 'GET', url: `/v1/assessments/${id}/complete`, headers: { authorization: `Bearer ${KEYS.web}` } });
    expectError(get, 404, 'not_found', `GET /v1/assessments/${id}/complete`);
    expectError(await post(t.app, `/v1/assessments/${id}`, KEYS.web), 404, 'not_found');
  });

  // Last: stops this file's Redis.
  it('answers 503 store_unavailable, not a 500, while Redis is down', async () => {
    const a = await pending({ user_id: 'c-err-5', ip: IP.us, commit: false });
    await redis.stop();
    expectError(await complete(a.assessment_id), 503, 'store_unavailable', 'retry');
  });
});
