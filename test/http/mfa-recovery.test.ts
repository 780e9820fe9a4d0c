import { describe, expect, it } from 'vitest';
import { KEYS, bearer } from '../support/app.js';
import { statusCounts, useMfaApp, type AssessInput } from '../support/mfa.js';
import { expectError, metricValue } from './helpers.js';

/**
 * Recovery codes over HTTP: shown once with the first enrollment, each good for one login,
 * replaced as a set only after a factor was proven with the token — and never enough, alone,
 * for a user to count as enrolled.
 */
const CODE_FORMAT = /^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/;

describe('MFA recovery codes', () => {
  const { t, clock, mfa } = useMfaApp();

  const user = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com` });
  const regenerate = (token: string, key: string = KEYS.web) => mfa.post('/v1/mfa/recovery-codes/regenerate', { mfa_token: token }, key);
  const useCode = async (u: AssessInput, code: string | undefined) => mfa.post('/v1/mfa/verify', { mfa_token: await mfa.token(u), recovery_code: code });

  describe('happy', () => {
    it('replaces the set after a TOTP login: old codes stop working, new ones work once', async () => {
      const u = user('rc-alice');
      const { secret, recoveryCodes: old } = await mfa.enrollTotp(u);
      clock.advance(30_000);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });

      const { recovery_codes: fresh } = (await regenerate(token)).json() as { recovery_codes: string[] };
      expect(fresh).toHaveLength(10);
      for (const c of fresh) expect(c).toMatch(CODE_FORMAT);
      expect(new Set(fresh).size).toBe(10);
      expect(fresh.filter((c) => old.includes(c))).toEqual([]);

      expectError(await useCode(u, old[0]), 403, 'invalid_grant');
      const okBefore = await metricValue(t.app, 'vigil_mfa_verifications_total', { factor: 'recovery-code', result: 'ok' });
      const used = await useCode(u, fresh[0]);
      expect(used.statusCode).toBe(200);
      expect(used.json()).toMatchObject({ authenticator_type: 'recovery-code', recovery_codes_remaining: 9, amr: ['mfa'] });
      expect(await metricValue(t.app, 'vigil_mfa_verifications_total', { factor: 'recovery-code', result: 'ok' })).toBe(okBefore + 1);
      expectError(await useCode(u, fresh[0]), 403, 'invalid_grant');
      expect((await useCode(u, fresh[1])).json()).toMatchObject({ recovery_codes_remaining: 8 });
    });

    it('lets a user who lost the device log in with a code and get a new set on the same token', async () => {
      const u = user('rc-lost');
      const { recoveryCodes } = await mfa.enrollTotp(u);
      const token = await mfa.token(u);
      // Typed by hand: lower case, no dashes.
      const typed = recoveryCodes[3]!.toLowerCase().replaceAll('-', '');
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, recovery_code: typed })).toMatchObject({ recovery_codes_remaining: 9 });
      const { recovery_codes: fresh } = (await regenerate(token)).json() as { recovery_codes: string[] };
      expect(fresh).toHaveLength(10);
      expect((await useCode(u, fresh[9])).json()).toMatchObject({ recovery_codes_remaining: 9 });
      expectError(await useCode(u, recoveryCodes[4]), 403, 'invalid_grant');
    });
  });

  describe('error', () => {
    it('refuses to regenerate before a factor was proven with the token, and keeps the old set', async () => {
      const u = user('rc-unproven');
      const { secret, recoveryCodes } = await mfa.enrollTotp(u);
      const token = await mfa.token(u);
      expectError(await regenerate(token), 403, 'invalid_grant', 'prove an authenticator');
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, otp: mfa.wrongTotp(secret) }), 403, 'invalid_grant');
      expectError(await regenerate(token), 403, 'invalid_grant', 'prove an authenticator');
      expect((await useCode(u, recoveryCodes[0])).statusCode).toBe(200);
    });

    it('does not count the email verification step as a proven factor', async () => {
      const u = user('rc-email-only');
      const token = await mfa.token(u);
      // Optional enrollment: the email code completes this login, but proves no authenticator.
      expect(await mfa.verifyEmail(token, u.email)).toMatchObject({ email_verified: true, next: 'done' });
      expectError(await regenerate(token), 403, 'invalid_grant');
    });

    it('refuses a malformed or unknown recovery code', async () => {
      const u = user('rc-bad');
      await mfa.enrollTotp(u);
      for (const code of ['AAAA-AAAA-AAAA-AAAA', 'not a code', '1234-5678-9012-3456']) expectError(await useCode(u, code), 403, 'invalid_grant');
      expectError(await useCode(u, 'A'.repeat(65)), 400, 'invalid_request', 'recovery_code');
    });
  });

  describe('security', () => {
    it('accepts one recovery code once, even when sent on five logins at the same time', async () => {
      const u = user('rc-race');
      const { recoveryCodes } = await mfa.enrollTotp(u);
      const tokens = await Promise.all(Array.from({ length: 5 }, () => mfa.token(u)));
      const answers = await Promise.all(tokens.map((token) => mfa.post('/v1/mfa/verify', { mfa_token: token, recovery_code: recoveryCodes[0] })));
      expect(statusCounts(answers)).toEqual({ 200: 1, 403: 4 });
      expect((await useCode(u, recoveryCodes[1])).json()).toMatchObject({ recovery_codes_remaining: 8 });
    });

    it('treats another client token as unknown when regenerating', async () => {
      const u = user('rc-foreign');
      const { secret } = await mfa.enrollTotp(u);
      clock.advance(30_000);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
      expectError(await regenerate(token, KEYS.ropg), 403, 'invalid_grant', 'mfa_token is invalid or expired');
    });

    // Regression: the policy sent such a user to email verification, which then answered 400
    // "this user has an authenticator", and associate wanted a proven factor: a dead end.
    it('does not count recovery codes alone as enrolled: with the last factor removed the user verifies the email again', async () => {
      const u = user('rc-alone');
      const { authenticatorId } = await mfa.enrollTotp(u);
      const removed = await t.app.inject({ method: 'DELETE', url: `/v1/admin/users/rc-alone/authenticators/${authenticatorId}`, headers: bearer(KEYS.admin) });
      expect(removed.statusCode).toBe(200);

      const next = await mfa.challenged(u);
      expect(next.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification', factors: ['email'] });
      const token: string = next.decision.mfa.mfa_token;
      expectError(await mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' }), 403, 'association_required');

      // The step the decision names works, and leads to a new enrollment.
      expect(await mfa.verifyEmail(token, u.email)).toMatchObject({ email_verified: true });
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' });
      await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, otp: mfa.totp(assoc.secret) });
      expect((await mfa.challenged(u)).decision.mfa).toMatchObject({ enrolled: true, step: 'challenge' });
    });
  });
});
