import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { CHROME, IP, UUID, post } from './helpers.js';

/** `POST /v1/assess` (and `/assess`) answering well-formed logins under the configured policy. */

const STEP_UP = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
/** The evidence combiner's score for a sum of `nats` (docs/risk-model.md "Combining"): 0.5 at `bands.lowNats` (1). */
const scoreOf = (nats: number) => Math.round(1000 / (1 + Math.exp(-(nats - 1)))) / 1000;

const policy = {
  applications: {
    default: {},
    strict: { mfaPolicy: 'always', enrollment: 'required' },
    lenient: { mfaPolicy: 'never' },
    guarded: {},
  },
  denyRules: [{ name: 'no_unroutable', allOf: [{ assessor: 'UntrustedIP', category: 'unroutable' }], applications: ['guarded'] }],
};

describe('POST /v1/assess', () => {
  let redis: TestRedis;
  let t: TestApp;
  /** The same policy, plus an operator override of UntrustedIP found_on_deny_list to medium. */
  let overridden: TestApp;

  beforeAll(async () => {
    redis = await startTestRedis();
    t = await makeTestApp({ redisUrl: redis.url, file: testFileConfig(policy) });
    overridden = await makeTestApp({
      redisUrl: redis.url,
      file: testFileConfig({ ...policy, overrides: { UntrustedIP: { found_on_deny_list: 'medium' } } }),
    });
  });
  afterAll(async () => {
    await overridden?.close();
    await t?.close();
    await redis?.stop();
  });

  const assess = (payload: Record<string, unknown>, url = '/v1/assess', app = t) => post(app.app, url, KEYS.web, payload);

  it('allows and commits a clean first login, with the full Auth0-shaped answer', async () => {
    const res = await assess({ user_id: 'happy-1', ip: IP.us, user_agent: CHROME, device_id: 'h1-cookie' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['assessment_id', 'committed', 'context', 'decision', 'evidence', 'risk_assessment', 'score']);
    expect(body.assessment_id).toMatch(UUID);
    // Nothing known of the user and nothing against the address: no signal spoke, so neutral (as Auth0's initial_login).
    expect(body.risk_assessment).toMatchObject({
      version: '1',
      confidence: 'neutral',
      assessments: {
        NewDevice: { code: 'initial_login', confidence: 'neutral' },
        ImpossibleTravel: { code: 'initial_login', confidence: 'neutral' },
        UntrustedIP: { code: 'not_found_on_deny_list', confidence: 'high' },
        Familiarity: { code: 'initial_login', confidence: 'neutral' },
      },
    });
    expect(Object.keys(body.risk_assessment.assessments).sort()).toEqual(['Familiarity', 'ImpossibleTravel', 'NewDevice', 'UntrustedIP']);
    expect(body.evidence).toEqual({ nats: 0, terms: {} });
    expect(body.score).toBe(scoreOf(0));
    expect(body.decision).toEqual({ action: 'allow', reasons: [] });
    expect(body.committed).toBe(true);
    expect(body.context).toEqual({
      ip: IP.us,
      ip_source: 'body',
      ua_family: 'Chrome/Windows',
      location: { country: 'US', city: expect.any(String) },
      history: 'loaded',
    });
  });

  it('serves the same assessment at /assess, on the same history', async () => {
    const first = await assess({ user_id: 'alias-1', ip: IP.london, user_agent: CHROME, device_id: 'alias-cookie' }, '/assess');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ committed: true, decision: { action: 'allow' } });
    // The login committed through the alias is the history the /v1 path sees, and vice versa.
    const second = (await assess({ user_id: 'alias-1', ip: IP.london, user_agent: CHROME, device_id: 'alias-cookie' })).json();
    expect(second.risk_assessment.assessments.NewDevice.code).toBe('match');
    expect(second.risk_assessment.assessments.ImpossibleTravel.code).toBe('minimal_travel_from_last_login');
    const third = (await assess({ user_id: 'alias-1', ip: IP.london, user_agent: CHROME, device_id: 'alias-cookie' }, '/assess')).json();
    expect(third.risk_assessment.assessments.NewDevice.code).toBe('match');
    expect(third.assessment_id).not.toBe(second.assessment_id);
  });

  it('canonicalises an IPv4-mapped IPv6 body ip before GeoIP and lists', async () => {
    const body = (await assess({ user_id: 'mapped-1', ip: `::ffff:${IP.london}` })).json();
    expect(body.context).toMatchObject({ ip: IP.london, ip_source: 'body', location: { country: 'GB', city: 'London' } });
    expect(body.risk_assessment.assessments.UntrustedIP.code).toBe('not_found_on_deny_list');
  });

  describe('deny rules', () => {
    it.each([IP.private, IP.testNet3])('denies an unroutable address (%s) with deny_rule:<name> in an application the rule names', async (ip) => {
      const body = (await assess({ user_id: `deny-${ip}`, ip, email: 'd@example.com', application: 'guarded' })).json();
      expect(body.risk_assessment.assessments.UntrustedIP).toMatchObject({
        code: 'found_on_deny_list',
        details: { ip, source: 'bogons', category: 'unroutable' },
      });
      expect(body.decision).toEqual({ action: 'deny', reasons: ['deny_rule:no_unroutable', 'found_on_deny_list'] });
      expect(body.committed).toBe(false);
    });

    it('does not deny a routable address under the rule', async () => {
      const body = (await assess({ user_id: 'deny-clean', ip: IP.us, application: 'guarded' })).json();
      expect(body.decision).toEqual({ action: 'allow', reasons: [] });
    });

    it('does not apply the rule to an application it does not name', async () => {
      const body = (await assess({ user_id: 'deny-other', ip: IP.private, email: 'd@example.com' })).json();
      expect(body.risk_assessment.assessments.UntrustedIP.code).toBe('found_on_deny_list');
      expect(body.decision.action).toBe('challenge');
      expect(body.decision.reasons).not.toContain('deny_rule:no_unroutable');
    });
  });

  describe('mfa policy', () => {
    it('challenges every login under mfaPolicy "always", sending the unenrolled user to email verification', async () => {
      const body = (await assess({ user_id: 'always-1', ip: IP.us, email: 'a@example.com', application: 'strict' })).json();
      expect(body.risk_assessment.confidence).toBe('neutral');
      expect(body.decision).toEqual({
        action: 'challenge',
        reasons: ['mfa_policy_always'],
        mfa: {
          enrolled: false,
          step: 'email_verification',
          enrollment: 'required',
          factors: ['email'],
          mfa_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        },
      });
      expect(body.committed).toBe(false);
    });

    it('denies under "always" with email_required when there is no email to verify', async () => {
      const body = (await assess({ user_id: 'always-2', ip: IP.us, application: 'strict' })).json();
      expect(body.decision).toEqual({ action: 'deny', reasons: ['mfa_policy_always', 'email_required'] });
    });

    it('allows and commits a risky login under mfaPolicy "never", where "adaptive" challenges it', async () => {
      const login = { ip: IP.private, email: 'n@example.com' };
      const never = (await assess({ user_id: 'never-1', ...login, application: 'lenient' })).json();
      expect(never.risk_assessment.confidence).toBe('low');
      expect(never.decision).toEqual({ action: 'allow', reasons: [] });
      expect(never.committed).toBe(true);

      const adaptive = (await assess({ user_id: 'never-2', ...login })).json();
      expect(adaptive.risk_assessment.confidence).toBe('low');
      expect(adaptive.decision.action).toBe('challenge');
      expect(adaptive.decision.reasons).toContain('found_on_deny_list');
      expect(adaptive.committed).toBe(false);
    });
  });

  describe('step-up', () => {
    it('challenges a clean login whose acr_values ask for multi-factor, with reason step_up_requested', async () => {
      const clean = { ip: IP.us, email: 's@example.com' };
      const plain = (await assess({ user_id: 'step-0', ...clean })).json();
      expect(plain.decision).toEqual({ action: 'allow', reasons: [] });

      const body = (await assess({ user_id: 'step-1', ...clean, acr_values: `openid ${STEP_UP}` })).json();
      expect(body.risk_assessment.confidence).toBe('neutral');
      expect(body.decision).toMatchObject({ action: 'challenge', reasons: ['step_up_requested'], mfa: { step: 'email_verification' } });
      expect(body.committed).toBe(false);
    });

    it('challenges a step-up request even under mfaPolicy "never"', async () => {
      const body = (await assess({ user_id: 'step-2', ip: IP.us, email: 's@example.com', application: 'lenient', acr_values: STEP_UP })).json();
      expect(body.decision).toMatchObject({ action: 'challenge', reasons: ['step_up_requested'] });
    });

    it('does not take a longer ACR value for the multi-factor one', async () => {
      const body = (await assess({ user_id: 'step-3', ip: IP.us, email: 's@example.com', acr_values: `${STEP_UP}-physical` })).json();
      expect(body.decision).toEqual({ action: 'allow', reasons: [] });
    });
  });

  it('applies a per-code confidence override from config, keeping code and details', async () => {
    const login = { user_id: 'override-1', ip: IP.private, email: 'o@example.com' };
    const plain = (await assess(login)).json();
    const over = (await assess({ ...login, user_id: 'override-2' }, '/v1/assess', overridden)).json();

    const before = plain.risk_assessment.assessments;
    const after = over.risk_assessment.assessments;
    expect(before.UntrustedIP).toMatchObject({ code: 'found_on_deny_list', confidence: 'low' });
    expect(after.UntrustedIP).toEqual({ ...before.UntrustedIP, confidence: 'medium' });
    // The other assessors saw the same kind of login and are not overridden.
    expect(after.ImpossibleTravel).toEqual(before.ImpossibleTravel);
    expect(after.NewDevice).toEqual(before.NewDevice);

    // An unroutable address is untrustedIp.lowNats (4) as low, untrustedIp.mediumNats (0.5) as medium: the override moves the evidence and the score.
    expect(plain.evidence).toEqual({ nats: 4, terms: { found_on_deny_list: 4 } });
    expect(over.evidence).toEqual({ nats: 0.5, terms: { found_on_deny_list: 0.5 } });
    expect(plain.score).toBe(scoreOf(4));
    expect(over.score).toBe(scoreOf(0.5));
    expect(plain.decision.action).toBe('challenge');
    expect(over.risk_assessment.confidence).not.toBe('low');
    expect(over.decision).toEqual({ action: 'allow', reasons: [] });
  });

  it('leaves an allowed login uncommitted with commit:false until /complete commits it', async () => {
    const login = { user_id: 'later-1', ip: IP.london, user_agent: CHROME, device_id: 'later-cookie' };
    const first = (await assess({ ...login, commit: false })).json();
    expect(first).toMatchObject({ committed: false, decision: { action: 'allow' } });

    const again = (await assess({ ...login, commit: false })).json();
    expect(again.risk_assessment.assessments.NewDevice.code).toBe('initial_login');

    const done = await post(t.app, `/v1/assessments/${first.assessment_id}/complete`, KEYS.web);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toEqual({ assessment_id: first.assessment_id, committed: true });

    const after = (await assess({ ...login, commit: false })).json();
    expect(after.risk_assessment.assessments.NewDevice.code).toBe('match');
  });
});
