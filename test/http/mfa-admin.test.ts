import { describe, expect, it } from 'vitest';
import { KEYS, bearer, testFileConfig } from '../support/app.js';
import { ORIGIN, useMfaApp, type AssessInput } from '../support/mfa.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { expectError } from './helpers.js';
import { BROWSERS, IP } from '../support/logins.js';

/**
 * Admin routes for a user's authenticators: list (active or not, never their secrets), remove
 * one, reset all. Admin keys only; API client keys are refused like no key at all.
 */
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

const { london: LONDON, tokyo: TOKYO, us: US } = IP;

describe('/v1/admin/users/{userId}/authenticators and /mfa', () => {
  const { t, clock, mfa } = useMfaApp({ file: testFileConfig({ applications: { default: {}, strict: { mfaPolicy: 'always' } } }) });

  const strictUser = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com`, application: 'strict' });
  const admin = (method: 'GET' | 'DELETE', path: string, key: string | null = KEYS.admin) =>
    t.app.inject({ method, url: `/v1/admin/users/${path}`, headers: key === null ? {} : bearer(key) });
  const types = async (userId: string) =>
    ((await admin('GET', `${userId}/authenticators`)).json() as { authenticator_type: string; active: boolean }[])
      .map((a) => `${a.authenticator_type}${a.active ? '' : ' (inactive)'}`)
      .sort();

  /** A user with TOTP and a WebAuthn key, both active. */
  async function twoFactorUser(name: string): Promise<{ u: AssessInput & { email: string }; secret: string; otpId: string; keyId: string }> {
    const u = strictUser(name);
    const { secret, authenticatorId } = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
    const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'webauthn' });
    const key = new SoftAuthenticator();
    await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, credential: key.register(assoc.options, { origin: ORIGIN }) });
    return { u, secret, otpId: authenticatorId, keyId: assoc.authenticator_id };
  }

  describe('happy', () => {
    it("lists a user's authenticators, active or not, without their secrets", async () => {
      const u = strictUser('adm-list');
      const enrolledAt = new Date(clock.now()).toISOString();
      const { secret, authenticatorId } = await mfa.enrollTotp(u);
      // An enrollment started and not confirmed shows as inactive.
      clock.advance(30_000);
      const token = await mfa.token(u);
      await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
      await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'webauthn', name: 'YubiKey' });

      const res = await admin('GET', 'adm-list/authenticators');
      expect(res.statusCode).toBe(200);
      const list = res.json() as Record<string, unknown>[];
      expect(list).toHaveLength(3);
      for (const a of list) expect(Object.keys(a).sort()).toEqual(['active', 'authenticator_type', 'created_at', 'id', 'name']);
      expect(list.find((a) => a.authenticator_type === 'otp')).toEqual({ id: authenticatorId, authenticator_type: 'otp', active: true, name: null, created_at: enrolledAt });
      expect(list.find((a) => a.authenticator_type === 'webauthn')).toMatchObject({ active: false, name: 'YubiKey' });
      expect(await types('adm-list')).toEqual(['otp', 'recovery-code', 'webauthn (inactive)']);
      expect(res.body).not.toContain(secret);
      expect(res.body).not.toMatch(/state|hashes|publicKey|secret/);

      expect((await admin('GET', 'adm-nobody/authenticators')).json()).toEqual([]);
    });

    it('removes one authenticator; the next login is no longer offered it', async () => {
      const { u, keyId } = await twoFactorUser('adm-delete');
      expect(await types('adm-delete')).toEqual(['otp', 'recovery-code', 'webauthn']);
      const res = await admin('DELETE', `adm-delete/authenticators/${keyId}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ deleted: keyId });
      expect(await types('adm-delete')).toEqual(['otp', 'recovery-code']);

      const next = await mfa.challenged(u);
      expect(next.decision.mfa).toMatchObject({ enrolled: true, factors: ['otp', 'recovery-code'] });
      expectError(await mfa.post('/v1/mfa/challenge', { mfa_token: next.decision.mfa.mfa_token, challenge_type: 'webauthn' }), 400, 'unsupported_challenge_type');
    });

    it('resets a user: the next risky login is back to email verification, and older tokens are ended', async () => {
      const email = 'adm-reset@example.com';
      const login = (ip: string, device: keyof typeof BROWSERS) => ({ user_id: 'adm-reset', email, ip, device_id: device, user_agent: BROWSERS[device] });
      expect((await mfa.assess(login(LONDON, 'd1'))).decision.action).toBe('allow');
      const { secret } = await mfa.enrollTotp(login(TOKYO, 'd2'));
      const before = await mfa.challenged(login(US, 'd3'));
      expect(before.decision.mfa).toMatchObject({ enrolled: true, step: 'challenge' });

      const res = await admin('DELETE', 'adm-reset/mfa');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ reset: true });
      expect(await types('adm-reset')).toEqual([]);

      const after = await mfa.challenged(login(US, 'd3'));
      expect(after.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification', factors: ['email'] });
      // A token from before the reset ended with it (test/http/mfa-token-after-reset.test.ts).
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: before.decision.mfa.mfa_token, otp: mfa.totp(secret, 1) }), 403, 'invalid_grant', 'invalid or expired');
      // The user can enroll again from the start.
      await mfa.verifyEmail(after.decision.mfa.mfa_token, email);
      expect(await mfa.ok('/v1/mfa/associate', { mfa_token: after.decision.mfa.mfa_token, authenticator_type: 'otp' })).toMatchObject({
        recovery_codes: expect.any(Array),
      });
      // Resetting a user with nothing left is not an error.
      expect((await admin('DELETE', 'adm-nobody-at-all/mfa')).json()).toEqual({ reset: true });
    });

    // Regression: fastify's default maxParamLength (100) answered 414, in its own error format,
    // for user ids that /v1/assess accepts (up to 256 characters), so they could not be reset.
    it('serves the longest user ids /v1/assess accepts, percent-encoded in the path', async () => {
      const userId = `auth0|${'x'.repeat(240)}@ü.example`;
      expect(userId).toHaveLength(256);
      await mfa.enrollTotp({ user_id: userId, email: 'adm-long@example.com', application: 'strict' });
      const path = encodeURIComponent(userId);
      expect(path.length).toBeGreaterThan(256);
      expect(await types(path)).toEqual(['otp', 'recovery-code']);
      expect((await admin('DELETE', `${path}/mfa`)).json()).toEqual({ reset: true });
      expect(await types(path)).toEqual([]);
    });
  });

  describe('error', () => {
    it('answers 404 for an authenticator the user does not have, and 400 for a malformed id', async () => {
      const { otpId } = await twoFactorUser('adm-404');
      expectError(await admin('DELETE', `adm-404/authenticators/${UNKNOWN_ID}`), 404, 'not_found', UNKNOWN_ID);
      // Another user's authenticator is not this user's.
      expectError(await admin('DELETE', `adm-someone-else/authenticators/${otpId}`), 404, 'not_found');
      expect((await admin('DELETE', `adm-404/authenticators/${otpId}`)).statusCode).toBe(200);
      expectError(await admin('DELETE', `adm-404/authenticators/${otpId}`), 404, 'not_found');
      expectError(await admin('DELETE', 'adm-404/authenticators/not-a-uuid'), 400, 'invalid_request');
      expectError(await admin('GET', `${'u'.repeat(257)}/authenticators`), 400, 'invalid_request', 'userId');
    });
  });

  describe('security', () => {
    it('refuses API client keys and missing keys with 401 on every admin MFA route, and changes nothing', async () => {
      const { keyId } = await twoFactorUser('adm-sec');
      const routes: ['GET' | 'DELETE', string][] = [
        ['GET', 'adm-sec/authenticators'],
        ['DELETE', `adm-sec/authenticators/${keyId}`],
        ['DELETE', 'adm-sec/mfa'],
      ];
      for (const [method, path] of routes) {
        for (const key of [KEYS.web, KEYS.ropg, KEYS.replay, null, 'vk_test_wrong_0123456789abcdefghijklmnopqrs']) {
          expectError(await admin(method, path, key), 401, 'unauthorized');
        }
      }
      expect(await types('adm-sec')).toEqual(['otp', 'recovery-code', 'webauthn']);
    });

    it('does not accept the admin key on the client MFA routes', async () => {
      const token = await mfa.token(strictUser('adm-key-scope'));
      expectError(await mfa.listAuthenticators(token, KEYS.admin), 401, 'unauthorized');
      expectError(await mfa.post('/v1/mfa/challenge', { mfa_token: token }, KEYS.admin), 401, 'unauthorized');
    });
  });
});
