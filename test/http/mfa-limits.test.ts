import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { testFileConfig } from '../support/app.js';
import { ORIGIN, statusCounts, useMfaApp } from '../support/mfa.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { expectError, metricValue } from './helpers.js';

/**
 * MFA rate limits over HTTP (docs/api.md, MFA limits): token buckets per user + factor with per-IP
 * buckets beside them, taken atomically before anything is checked, so parallel guesses cannot slip
 * past; a success gives its attempt back. The fake clock makes refills exact.
 *
 * verifyFailures keeps its default (10, one per 6 minutes); emailsSent and webauthnFailures
 * are made small here to keep the test fast, and their defaults are checked through loadConfig.
 */
const ATTEMPTS = 30;

describe('MFA limits', () => {
  const { t, clock, mfa } = useMfaApp({
    file: testFileConfig({
      applications: { default: { mfaPolicy: 'always' } },
      mfa: { limits: { emailsSent: { burst: 3, refillSeconds: 60 }, webauthnFailures: { burst: 4, refillSeconds: 4 } } },
    }),
  });

  const verifyOtp = (token: string, otp: string) => mfa.post('/v1/mfa/verify', { mfa_token: token, otp });
  const limitHits = (limit: string) => metricValue(t.app, 'vigil_mfa_limit_hits_total', { limit });
  const expectTooMany = (res: LightMyRequestResponse, limit: string, retryAfterSec: number) => {
    expectError(res, 429, 'too_many_attempts', limit, `try again in ${retryAfterSec} s`);
    expect(res.headers['retry-after']).toBe(String(retryAfterSec));
  };

  it('uses the published figures by default, and a partial override keeps the other defaults', () => {
    const defaults = loadConfig({ NODE_ENV: 'test' }, {}).mfa.limits;
    expect(defaults).toEqual({
      verifyFailures: { burst: 10, refillSeconds: 360 },
      emailsSent: { burst: 20, refillSeconds: 60 },
      webauthnFailures: { burst: 15, refillSeconds: 4 },
      ipVerifyFailures: { burst: 100, refillSeconds: 36 },
      ipEmailsSent: { burst: 100, refillSeconds: 36 },
    });
    const partial = loadConfig({ NODE_ENV: 'test' }, { mfa: { limits: { emailsSent: { burst: 3 } } } }).mfa.limits;
    expect(partial.emailsSent).toEqual({ burst: 3, refillSeconds: 60 });
    expect(partial.verifyFailures).toEqual({ burst: 10, refillSeconds: 360 });
    // The app under test runs with the default verify limit.
    expect(t.config.mfa.limits.verifyFailures).toEqual({ burst: 10, refillSeconds: 360 });
    expect(() => loadConfig({ NODE_ENV: 'test' }, { mfa: { limits: { verifyFailures: { burst: 0 } } } })).toThrow(ConfigError);
  });

  it(`evaluates only verifyFailures.burst of ${ATTEMPTS} parallel wrong codes; the rest get 429 with Retry-After`, async () => {
    const user = { user_id: 'lim-parallel', email: 'lim-parallel@example.com', ip: '192.0.2.10' };
    const { secret } = await mfa.enrollTotp(user);
    const hitsBefore = await limitHits('verifyFailures');
    const wrongBefore = await metricValue(t.app, 'vigil_mfa_verifications_total', { factor: 'otp', result: 'invalid_code' });

    const token = await mfa.token(user);
    const wrong = mfa.wrongTotp(secret);
    const answers = await Promise.all(Array.from({ length: ATTEMPTS }, () => verifyOtp(token, wrong)));
    expect(statusCounts(answers)).toEqual({ 403: 10, 429: ATTEMPTS - 10 });
    for (const res of answers) {
      if (res.statusCode === 403) expectError(res, 403, 'invalid_grant');
      // The bucket is empty at a frozen clock: one attempt comes back in 6 minutes.
      else expectTooMany(res, 'verifyFailures', 360);
    }
    expect(await limitHits('verifyFailures')).toBe(hitsBefore + ATTEMPTS - 10);
    expect(await metricValue(t.app, 'vigil_mfa_verifications_total', { factor: 'otp', result: 'invalid_code' })).toBe(wrongBefore + 10);

    // The limit belongs to the user, not the token: a new login with the right code is refused too.
    const token2 = await mfa.token(user);
    expectTooMany(await verifyOtp(token2, mfa.totp(secret, 1)), 'verifyFailures', 360);

    // One refill later, exactly one attempt is evaluated.
    clock.advance(360_000);
    const token3 = await mfa.token(user);
    expectError(await verifyOtp(token3, mfa.wrongTotp(secret)), 403, 'invalid_grant');
    expectTooMany(await verifyOtp(token3, mfa.totp(secret)), 'verifyFailures', 360);

    // (token3 would expire at 10 minutes: a new login after the next refill.)
    clock.advance(360_000);
    const token4 = await mfa.token(user);
    const ok = await mfa.ok('/v1/mfa/verify', { mfa_token: token4, otp: mfa.totp(secret) });
    expect(ok).toMatchObject({ authenticator_type: 'otp', amr: ['mfa', 'otp'] });
    expect(await limitHits('verifyFailures')).toBe(hitsBefore + ATTEMPTS - 10 + 2);
  });

  it('gives a successful attempt back: ten correct codes after nine wrong ones do not lock the user out', async () => {
    const user = { user_id: 'lim-refund', email: 'lim-refund@example.com', ip: '192.0.2.11' };
    const { secret } = await mfa.enrollTotp(user);
    const token = await mfa.token(user);
    for (let i = 0; i < 9; i++) expectError(await verifyOtp(token, mfa.wrongTotp(secret)), 403, 'invalid_grant');

    // One attempt left. Each login below takes it and gives it back; 30 s refill 1/12 of one.
    for (let i = 0; i < 10; i++) {
      clock.advance(30_000);
      const next = await mfa.token(user);
      expect((await verifyOtp(next, mfa.totp(secret))).statusCode, `login ${i + 1}`).toBe(200);
    }
    // 1 + 10/12 attempts: one more wrong code is evaluated, the next is not.
    const last = await mfa.token(user);
    expectError(await verifyOtp(last, mfa.wrongTotp(secret)), 403, 'invalid_grant');
    expect((await verifyOtp(last, mfa.wrongTotp(secret))).statusCode).toBe(429);
  });

  it('sends at most emailsSent.burst code emails, even when asked in parallel, then one per refill', async () => {
    const email = 'lim-mail@example.com';
    const user = { user_id: 'lim-mail', email, ip: '192.0.2.12' };
    const queuedBefore = await metricValue(t.app, 'vigil_email_deliveries_total', { result: 'queued' });
    const sentBefore = await metricValue(t.app, 'vigil_email_deliveries_total', { result: 'sent' });
    const hitsBefore = await limitHits('emailsSent');

    const tokens: string[] = [];
    for (let i = 0; i < 8; i++) tokens.push(await mfa.token(user));
    const answers = await Promise.all(tokens.map((token) => mfa.post('/v1/mfa/email-verification', { mfa_token: token })));
    expect(statusCounts(answers)).toEqual({ 200: 3, 429: 5 });
    for (const res of answers) if (res.statusCode === 429) expectTooMany(res, 'emailsSent', 60);
    expect(await metricValue(t.app, 'vigil_email_deliveries_total', { result: 'queued' })).toBe(queuedBefore + 3);
    expect(await limitHits('emailsSent')).toBe(hitsBefore + 5);

    // The three that were let through arrive by SMTP.
    for (let i = 0; i < 3; i++) await mfa.codeFor(email);
    await vi.waitFor(async () => expect(await metricValue(t.app, 'vigil_email_deliveries_total', { result: 'sent' })).toBe(sentBefore + 3), {
      timeout: 15_000,
      interval: 50,
    });

    // A minute refills one email.
    const refused = tokens.filter((_, i) => answers[i]?.statusCode === 429);
    clock.advance(60_000);
    expect((await mfa.post('/v1/mfa/email-verification', { mfa_token: refused[0] })).statusCode).toBe(200);
    expectTooMany(await mfa.post('/v1/mfa/email-verification', { mfa_token: refused[1] }), 'emailsSent', 60);
    await mfa.codeFor(email);
  });

  // Regression: the new code was saved with the token before the send limit was checked, so a
  // refused resend silently replaced the code the user had just received with one never sent.
  it('keeps the last code that was sent valid when a resend is refused by the limit', async () => {
    const email = 'lim-resend@example.com';
    const token = await mfa.token({ user_id: 'lim-resend', email, ip: '192.0.2.13' });
    let code = '';
    for (let i = 0; i < 3; i++) {
      await mfa.ok('/v1/mfa/email-verification', { mfa_token: token });
      code = await mfa.codeFor(email);
    }
    expectTooMany(await mfa.post('/v1/mfa/email-verification', { mfa_token: token }), 'emailsSent', 60);
    const verified = await mfa.ok('/v1/mfa/email-verification/verify', { mfa_token: token, code });
    expect(verified).toMatchObject({ email_verified: true, next: 'done' });
  });

  // Regression: associate dropped the unconfirmed enrollment before checking the send limit,
  // so a refused restart left the code already sent with nothing to confirm.
  it('keeps an email enrollment in progress when starting it again is refused by the limit', async () => {
    const email = 'lim-enroll@example.com';
    const user = { user_id: 'lim-enroll', email, ip: '192.0.2.15' };
    const { secret } = await mfa.enrollTotp(user); // one email: the verification step
    clock.advance(30_000);
    const token = await mfa.token(user);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
    let started = '';
    let code = '';
    for (let i = 0; i < 2; i++) {
      started = (await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' })).authenticator_id;
      code = await mfa.codeFor(email);
    }
    // Three emails in 30 s: half of one has come back since the first.
    expectTooMany(await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' }), 'emailsSent', 30);
    // The enrollment whose code was sent last is still the one in progress.
    const confirmed = await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: started, binding_code: code });
    expect(confirmed).toEqual({ authenticator_id: started, active: true });
  });

  it('limits failed WebAuthn assertions with webauthnFailures', async () => {
    const key = new SoftAuthenticator();
    const user = { user_id: 'lim-webauthn', email: 'lim-webauthn@example.com', ip: '192.0.2.14' };
    await mfa.enrollWebauthn(user, key);
    const hitsBefore = await limitHits('webauthnFailures');

    const token = await mfa.token(user);
    const options = await mfa.webauthnOptions(token);
    // Signed for a phishing page: a valid signature, the wrong origin.
    const phished = key.authenticate(options, { origin: 'https://vigil.example.net' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => mfa.post('/v1/mfa/verify', { mfa_token: token, credential: phished })));
    expect(statusCounts(answers)).toEqual({ 403: 4, 429: 4 });
    for (const res of answers) if (res.statusCode === 429) expectTooMany(res, 'webauthnFailures', 4);
    expect(await limitHits('webauthnFailures')).toBe(hitsBefore + 4);

    // The genuine assertion waits for the refill like everything else.
    expectTooMany(await mfa.post('/v1/mfa/verify', { mfa_token: token, credential: key.authenticate(options, { origin: ORIGIN }) }), 'webauthnFailures', 4);
    clock.advance(4_000);
    const ok = await mfa.ok('/v1/mfa/verify', { mfa_token: token, credential: key.authenticate(options, { origin: ORIGIN }) });
    expect(ok).toMatchObject({ authenticator_type: 'webauthn', amr: ['mfa', 'pop', 'user'] });
  });
});

describe('MFA per-IP limit beside the per-user one', () => {
  const { t, clock, mfa } = useMfaApp({
    file: testFileConfig({
      applications: { default: { mfaPolicy: 'always' } },
      mfa: { limits: { ipVerifyFailures: { burst: 5, refillSeconds: 36 } } },
    }),
  });
  const SHARED_IP = '198.51.100.20';
  const OTHER_IP = '198.51.100.21';

  const verifyOtp = (token: string, otp: string) => mfa.post('/v1/mfa/verify', { mfa_token: token, otp });

  it('makes two users on one IP share its bucket, while each still has its own elsewhere', async () => {
    const ann = { user_id: 'ip-ann', email: 'ip-ann@example.com', ip: SHARED_IP };
    const bob = { user_id: 'ip-bob', email: 'ip-bob@example.com', ip: SHARED_IP };
    const annTotp = await mfa.enrollTotp(ann);
    const bobTotp = await mfa.enrollTotp(bob);
    const hitsBefore = await metricValue(t.app, 'vigil_mfa_limit_hits_total', { limit: 'ipVerifyFailures' });

    const annToken = await mfa.token(ann);
    for (let i = 0; i < 3; i++) expectError(await verifyOtp(annToken, mfa.wrongTotp(annTotp.secret)), 403, 'invalid_grant');
    const bobToken = await mfa.token(bob);
    for (let i = 0; i < 2; i++) expectError(await verifyOtp(bobToken, mfa.wrongTotp(bobTotp.secret)), 403, 'invalid_grant');

    // Five failures from the IP in all: Bob's third, and even his right code, are refused there.
    const third = await verifyOtp(bobToken, mfa.wrongTotp(bobTotp.secret));
    expectError(third, 429, 'too_many_attempts', 'ipVerifyFailures', 'try again in 36 s');
    expect(third.headers['retry-after']).toBe('36');
    expectError(await verifyOtp(bobToken, mfa.totp(bobTotp.secret, 1)), 429, 'too_many_attempts', 'ipVerifyFailures');
    expect(await metricValue(t.app, 'vigil_mfa_limit_hits_total', { limit: 'ipVerifyFailures' })).toBe(hitsBefore + 2);
    // The per-user buckets were not touched by the refusals.
    expect(await metricValue(t.app, 'vigil_mfa_limit_hits_total', { limit: 'verifyFailures' })).toBe(0);

    // From another IP both users still have attempts of their own.
    const bobElsewhere = await mfa.token({ ...bob, ip: OTHER_IP });
    expect(await mfa.ok('/v1/mfa/verify', { mfa_token: bobElsewhere, otp: mfa.totp(bobTotp.secret, 1) })).toMatchObject({ amr: ['mfa', 'otp'] });
    const annElsewhere = await mfa.token({ ...ann, ip: OTHER_IP });
    expectError(await verifyOtp(annElsewhere, mfa.wrongTotp(annTotp.secret)), 403, 'invalid_grant');

    // The shared IP refills: one attempt per 36 s.
    clock.advance(36_000);
    expectError(await verifyOtp(annToken, mfa.wrongTotp(annTotp.secret)), 403, 'invalid_grant');
    expect((await verifyOtp(annToken, mfa.wrongTotp(annTotp.secret))).statusCode).toBe(429);
  });
});
