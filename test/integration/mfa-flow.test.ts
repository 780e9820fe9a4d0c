import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAtStep, timeStep } from '../../src/mfa/otp/totp.js';
import { KEYS, bearer, makeTestApp, testFileConfig, type TestApp } from '../support/app.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { codeOf, startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { BROWSERS, IP } from '../support/logins.js';

/**
 * The whole flow over HTTP, with a real Redis and a real SMTP server:
 * assess (low, unenrolled) → email verification → TOTP enrollment with recovery codes →
 * next risky login challenged → verified → JWT checked against the JWKS endpoint.
 */
const EMAIL = 'alice@example.com';

const { london: LONDON, tokyo: TOKYO, us: US, stockholm: STOCKHOLM, southAfrica: SOUTH_AFRICA } = IP;

describe('MFA flow end to end', () => {
  let redis: TestRedis;
  let smtp: SmtpSink;
  let t: TestApp;

  beforeAll(async () => {
    [redis, smtp] = await Promise.all([startTestRedis(), startSmtpSink()]);
    t = await makeTestApp({
      redisUrl: redis.url,
      env: { SMTP_URL: smtp.url },
      file: testFileConfig({ applications: { default: { enrollment: 'required' } } }),
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([redis.stop(), smtp.close()]);
  });

  const post = async (url: string, payload: Record<string, unknown>, expected = 200) => {
    const res = await t.app.inject({ method: 'POST', url, headers: bearer(KEYS.web), payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(expected);
    return res.json();
  };
  const assess = (ip: string, device: keyof typeof BROWSERS) =>
    post('/v1/assess', { user_id: 'alice', email: EMAIL, ip, device_id: device, user_agent: BROWSERS[device] });
  const totp = (secret: string, offsetSteps = 0) => codeAtStep(secret, timeStep(Date.now()) + offsetSteps);

  async function verifyJwt(token: string) {
    const jwks = (await t.app.inject({ url: '/.well-known/jwks.json' })).json();
    return (await jwtVerify(token, createLocalJWKSet(jwks), { issuer: 'Vigil', audience: 'default', algorithms: ['ES256'] })).payload;
  }

  it('enrolls after email verification, then challenges and verifies the next risky login', async () => {
    // First login: nothing known, allowed and committed.
    expect((await assess(LONDON, 'd1')).decision.action).toBe('allow');

    // Tokyo, new device: low → challenge; alice has no factor, so email verification first.
    const risky = await assess(TOKYO, 'd2');
    expect(risky.risk_assessment.confidence).toBe('low');
    expect(risky.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification', enrollment: 'required' });
    const mfaToken: string = risky.decision.mfa.mfa_token;

    // Enrolling before the email is verified is refused.
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/mfa/associate',
      headers: bearer(KEYS.web),
      payload: { mfa_token: mfaToken, authenticator_type: 'otp' },
    });
    expect(early.json().error.code).toBe('email_verification_required');

    // The code travels through the BullMQ queue and SMTP to the address the login service gave.
    const sent = await post('/v1/mfa/email-verification', { mfa_token: mfaToken });
    expect(sent).toEqual({ sent: true, to: 'a***@example.com', expires_in: 300 });
    const code = codeOf(await smtp.nextFor(EMAIL));
    const wrong = code === '000000' ? '111111' : '000000';
    expect((await post('/v1/mfa/email-verification/verify', { mfa_token: mfaToken, code: wrong }, 403)).error.code).toBe('invalid_grant');
    expect(await post('/v1/mfa/email-verification/verify', { mfa_token: mfaToken, code })).toEqual({
      email_verified: true,
      next: 'enroll',
      enrollment: 'required',
    });
    // Single use: the same code again finds nothing to answer.
    expect((await post('/v1/mfa/email-verification/verify', { mfa_token: mfaToken, code }, 403)).error.code).toBe('invalid_grant');

    // TOTP enrollment shows the secret, an otpauth URI, a QR image and, this once, recovery codes.
    const assoc = await post('/v1/mfa/associate', { mfa_token: mfaToken, authenticator_type: 'otp' });
    expect(assoc.barcode_uri).toMatch(/^otpauth:\/\/totp\//);
    expect(new URL(assoc.barcode_uri).searchParams.get('secret')).toBe(assoc.secret);
    expect(assoc.qr_code).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(assoc.recovery_codes).toHaveLength(10);
    const secret: string = assoc.secret;
    const recoveryCodes: string[] = assoc.recovery_codes;

    // Not active until a first correct code; listing shows only active authenticators.
    const listed = await t.app.inject({ url: '/v1/mfa/authenticators', headers: { ...bearer(KEYS.web), 'x-mfa-token': mfaToken } });
    expect(listed.json()).toEqual([]);

    const confirmed = await post('/v1/mfa/associate/confirm', { mfa_token: mfaToken, authenticator_id: assoc.authenticator_id, otp: totp(secret) });
    expect(confirmed).toMatchObject({ authenticator_id: assoc.authenticator_id, active: true, committed: true });
    const first = await verifyJwt(confirmed.result_token);
    expect(first).toMatchObject({ sub: 'alice', aud: 'default', amr: ['mfa', 'otp'], assessment_id: risky.assessment_id });
    expect(first.exp! - first.iat!).toBe(300);

    // Committed: Tokyo on d2 is now the known last login.
    const again = await assess(TOKYO, 'd2');
    expect(again.risk_assessment.assessments.NewDevice.code).toBe('match');
    expect(again.decision.action).toBe('allow');

    // Next risky login: the US on a new device. Enrolled now, so a challenge on the factor.
    const next = await assess(US, 'd3');
    expect(next.decision).toMatchObject({ action: 'challenge', mfa: { enrolled: true, step: 'challenge' } });
    expect(next.decision.mfa.factors).toEqual(['otp', 'recovery-code']);
    const token2: string = next.decision.mfa.mfa_token;
    expect(await post('/v1/mfa/challenge', { mfa_token: token2, challenge_type: 'otp' })).toMatchObject({
      authenticator_id: assoc.authenticator_id,
      authenticator_type: 'otp',
    });
    // The code used for enrollment is spent: the same time step again is a replay.
    expect((await post('/v1/mfa/verify', { mfa_token: token2, otp: totp(secret) }, 403)).error.code).toBe('invalid_grant');
    // The next step is within the allowed drift and later than the last one used.
    const verified = await post('/v1/mfa/verify', { mfa_token: token2, otp: totp(secret, 1) });
    const claims = await verifyJwt(verified.result_token);
    expect(claims).toMatchObject({ sub: 'alice', amr: ['mfa', 'otp'], assessment_id: next.assessment_id });
    expect(claims.acr).toBe('http://schemas.openid.net/pape/policies/2007/06/multi-factor');
    // One result per mfa_token.
    expect((await post('/v1/mfa/verify', { mfa_token: token2, otp: totp(secret, 1) }, 403)).error.code).toBe('invalid_grant');

    // A recovery code works once, on another risky login (a new device in a new country).
    const third = await assess(STOCKHOLM, 'd4');
    const byRecovery = await post('/v1/mfa/verify', { mfa_token: third.decision.mfa.mfa_token, recovery_code: recoveryCodes[0] });
    expect(byRecovery).toMatchObject({ authenticator_type: 'recovery-code', recovery_codes_remaining: 9 });
    const fourth = await assess(SOUTH_AFRICA, 'd5');
    const reused = await post('/v1/mfa/verify', { mfa_token: fourth.decision.mfa.mfa_token, recovery_code: recoveryCodes[0] }, 403);
    expect(reused.error.code).toBe('invalid_grant');
  });

  it('does not accept an mfa_token from another client, nor a made-up one, and says the same for both', async () => {
    const risky = await post('/v1/assess', { user_id: 'bob', email: 'bob@example.com', ip: TOKYO, device_id: 'x' });
    const other = await post('/v1/assess', { user_id: 'bob', email: 'bob@example.com', ip: US, device_id: 'y' });
    const token: string = other.decision.mfa?.mfa_token ?? risky.decision.mfa.mfa_token;
    const foreign = await t.app.inject({ method: 'POST', url: '/v1/mfa/email-verification', headers: bearer(KEYS.ropg), payload: { mfa_token: token } });
    const madeUp = await t.app.inject({
      method: 'POST',
      url: '/v1/mfa/email-verification',
      headers: bearer(KEYS.web),
      payload: { mfa_token: 'x'.repeat(43) },
    });
    expect(foreign.statusCode).toBe(403);
    expect(madeUp.statusCode).toBe(403);
    expect(foreign.json().error.message).toBe(madeUp.json().error.message);
  });
});
