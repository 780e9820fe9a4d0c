import { describe, expect, it, vi } from 'vitest';
import { useMfaApp, type AssessInput } from '../support/mfa.js';
import { expectError, metricValue } from './helpers.js';

/**
 * The `email` authenticator over HTTP: enrolled as a second factor once another one was proven
 * with the token, then answering `oob` challenges with codes that travel through the queue and
 * a real SMTP server. Codes live five minutes (docs/api.md, MFA), measured on a fake clock.
 */
const FIVE_MINUTES = 5 * 60_000;

describe('MFA email factor', () => {
  const { t, clock, mfa } = useMfaApp();

  const user = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com` });
  const metric = (name: string, labels: Record<string, string>) => metricValue(t.app, name, labels);

  /** A user with TOTP and, added on a later login, the email factor; its id. */
  async function withEmailFactor(u: AssessInput & { email: string }): Promise<{ secret: string; emailId: string }> {
    const { secret } = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
    const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' });
    await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, binding_code: await mfa.codeFor(u.email) });
    return { secret, emailId: assoc.authenticator_id };
  }

  describe('happy', () => {
    it('enrolls email as a second authenticator and answers the next challenge with an emailed code', async () => {
      const u = user('ef-alice');
      const before = {
        started: await metric('vigil_mfa_enrollments_total', { factor: 'email', result: 'started' }),
        confirmed: await metric('vigil_mfa_enrollments_total', { factor: 'email', result: 'confirmed' }),
        verified: await metric('vigil_mfa_verifications_total', { factor: 'email', result: 'ok' }),
        sent: await metric('vigil_email_deliveries_total', { result: 'sent' }),
      };
      const { secret } = await mfa.enrollTotp(u);
      clock.advance(30_000);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });

      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' });
      expect(assoc).toEqual({ authenticator_id: expect.any(String), authenticator_type: 'oob', oob_channel: 'email', binding_method: 'prompt' });
      const confirmed = await mfa.ok('/v1/mfa/associate/confirm', {
        mfa_token: token,
        authenticator_id: assoc.authenticator_id,
        binding_code: await mfa.codeFor(u.email),
      });
      // This login already had its result (from the TOTP code): enrolling does not issue another.
      expect(confirmed).toEqual({ authenticator_id: assoc.authenticator_id, active: true });

      const next = await mfa.challenged(u);
      expect(next.decision.mfa).toMatchObject({ enrolled: true, step: 'challenge', factors: ['email', 'otp', 'recovery-code'] });
      const token2: string = next.decision.mfa.mfa_token;
      const started = await mfa.ok('/v1/mfa/challenge', { mfa_token: token2, challenge_type: 'oob' });
      expect(started).toEqual({
        authenticator_id: assoc.authenticator_id,
        authenticator_type: 'email',
        challenge_type: 'oob',
        oob_channel: 'email',
        binding_method: 'prompt',
      });
      const verified = await mfa.ok('/v1/mfa/verify', { mfa_token: token2, binding_code: await mfa.codeFor(u.email) });
      expect(verified).toMatchObject({ authenticator_type: 'email', amr: ['mfa', 'otp'], assessment_id: next.assessment_id });
      expect(await mfa.resultClaims(verified.result_token)).toMatchObject({ sub: 'ef-alice', amr: ['mfa', 'otp'] });

      expect(await metric('vigil_mfa_enrollments_total', { factor: 'email', result: 'started' })).toBe(before.started + 1);
      expect(await metric('vigil_mfa_enrollments_total', { factor: 'email', result: 'confirmed' })).toBe(before.confirmed + 1);
      expect(await metric('vigil_mfa_verifications_total', { factor: 'email', result: 'ok' })).toBe(before.verified + 1);
      // Three code emails: the verification step, the enrollment, the challenge.
      await vi.waitFor(async () => expect(await metric('vigil_email_deliveries_total', { result: 'sent' })).toBe(before.sent + 3), {
        timeout: 15_000,
        interval: 50,
      });
    });

    it('accepts the code just before five minutes', async () => {
      const u = user('ef-late');
      await withEmailFactor(u);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'oob' });
      const code = await mfa.codeFor(u.email);
      clock.advance(FIVE_MINUTES - 1_000);
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, binding_code: code })).toMatchObject({ authenticator_type: 'email' });
    });
  });

  describe('error', () => {
    it('refuses a code five minutes old with expired_token, and a new challenge sends a new one', async () => {
      const u = user('ef-expiry');
      await withEmailFactor(u);
      const expiredBefore = await metric('vigil_mfa_verifications_total', { factor: 'email', result: 'expired' });
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'oob' });
      const code = await mfa.codeFor(u.email);
      clock.advance(FIVE_MINUTES);
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, binding_code: code }), 403, 'expired_token');
      expect(await metric('vigil_mfa_verifications_total', { factor: 'email', result: 'expired' })).toBe(expiredBefore + 1);

      await mfa.ok('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'oob' });
      const fresh = await mfa.codeFor(u.email);
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, binding_code: code }), 403, 'invalid_grant');
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, binding_code: fresh })).toMatchObject({ authenticator_type: 'email' });
    });

    it('refuses a wrong code and keeps the challenge open; a used code does not work on the next login', async () => {
      const u = user('ef-wrong');
      await withEmailFactor(u);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'oob' });
      const code = await mfa.codeFor(u.email);
      const wrong = code === '000000' ? '000001' : '000000';
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, binding_code: wrong }), 403, 'invalid_grant');
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, binding_code: 'abcdef' }), 403, 'invalid_grant');
      expect((await mfa.post('/v1/mfa/verify', { mfa_token: token, binding_code: code })).statusCode).toBe(200);

      const next = await mfa.token(u);
      await mfa.ok('/v1/mfa/challenge', { mfa_token: next, challenge_type: 'oob' });
      const nextCode = await mfa.codeFor(u.email);
      if (nextCode !== code) expectError(await mfa.post('/v1/mfa/verify', { mfa_token: next, binding_code: code }), 403, 'invalid_grant');
      expect((await mfa.post('/v1/mfa/verify', { mfa_token: next, binding_code: nextCode })).statusCode).toBe(200);
    });

    it('keeps an email enrollment inactive until its code is confirmed', async () => {
      const u = user('ef-pending');
      const { secret } = await mfa.enrollTotp(u);
      clock.advance(30_000);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' });
      const code = await mfa.codeFor(u.email);
      const wrong = code === '000000' ? '000001' : '000000';
      expectError(await mfa.post('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, binding_code: wrong }), 403, 'invalid_grant');
      // Not active: the next login offers only what was there before, and `oob` finds nothing.
      const next = await mfa.challenged(u);
      expect(next.decision.mfa.factors).toEqual(['otp', 'recovery-code']);
      expectError(await mfa.post('/v1/mfa/challenge', { mfa_token: next.decision.mfa.mfa_token, challenge_type: 'oob' }), 400, 'unsupported_challenge_type');
    });
  });

  describe('security', () => {
    it('does not let a login add the email factor before it proved an existing authenticator', async () => {
      const u = user('ef-unproven');
      await mfa.enrollTotp(u);
      const token = await mfa.token(u);
      const res = await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' });
      expectError(res, 403, 'invalid_grant', 'prove an existing authenticator');
      expect((await mfa.listAuthenticators(token)).json().map((a: { authenticator_type: string }) => a.authenticator_type)).not.toContain('email');
    });

    it('does not offer the email factor when the login service sent no email address', async () => {
      const u = user('ef-noemail');
      const { secret } = await mfa.enrollTotp(u);
      clock.advance(30_000);
      const token = await mfa.token({ user_id: u.user_id });
      await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
      const res = await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'email' });
      expectError(res, 400, 'unsupported_authenticator_type', 'offered: otp, webauthn');
    });

    // Regression: the email factor's challenge threw a plain Error without an address, a 500.
    it('answers an oob challenge for an email factor with no address on this login as a client error, not a 500', async () => {
      const u = user('ef-noemail-challenge');
      await withEmailFactor(u);
      const token = await mfa.token({ user_id: u.user_id });
      const res = await mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'oob' });
      expectError(res, 400, 'unsupported_challenge_type');
      // The other factor still answers.
      expect((await mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' })).statusCode).toBe(200);
    });
  });
});
