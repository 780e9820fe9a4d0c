import { describe, expect, it } from 'vitest';
import { testFileConfig } from '../support/app.js';
import { ORIGIN, useMfaApp, type AssessInput } from '../support/mfa.js';
import { SoftAuthenticator } from '../support/soft-authenticator.js';
import { expectError, metricValue } from './helpers.js';
import { BROWSERS, IP } from '../support/logins.js';

/**
 * WebAuthn over HTTP with a software authenticator: registration and login ceremonies with the
 * relying party from config (`mfa.webauthn`), and what must be refused: clones, other origins,
 * other relying parties, stale or foreign challenges.
 */

const { london: LONDON, tokyo: TOKYO, us: US } = IP;

describe('MFA WebAuthn', () => {
  const { t, clock, mfa } = useMfaApp({
    file: testFileConfig({
      // `default` challenges on risk; `strict` challenges every login, for the shorter tests.
      applications: { default: { enrollment: 'required' }, strict: { mfaPolicy: 'always' } },
      mfa: { webauthn: { rpId: 'localhost', origins: [ORIGIN] } },
    }),
  });

  const strictUser = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com`, application: 'strict' });
  const verify = (token: string, credential: unknown) => mfa.post('/v1/mfa/verify', { mfa_token: token, credential });
  const enrollments = (result: string) => metricValue(t.app, 'vigil_mfa_enrollments_total', { factor: 'webauthn', result });
  const verifications = (result: string) => metricValue(t.app, 'vigil_mfa_verifications_total', { factor: 'webauthn', result });

  describe('happy', () => {
    it('enrolls a security key, then answers the next risky login with it', async () => {
      const email = 'wa-alice@example.com';
      const login = (ip: string, device: keyof typeof BROWSERS) => ({ user_id: 'wa-alice', email, ip, device_id: device, user_agent: BROWSERS[device] });
      const [startedBefore, confirmedBefore, okBefore] = [await enrollments('started'), await enrollments('confirmed'), await verifications('ok')];

      expect((await mfa.assess(login(LONDON, 'd1'))).decision.action).toBe('allow');
      const risky = await mfa.challenged(login(TOKYO, 'd2'));
      expect(risky.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification', enrollment: 'required' });
      const token: string = risky.decision.mfa.mfa_token;
      expect(await mfa.verifyEmail(token, email)).toEqual({ email_verified: true, next: 'enroll', enrollment: 'required' });

      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'webauthn' });
      expect(assoc).toMatchObject({ authenticator_type: 'webauthn', options: { rp: { id: 'localhost', name: 'Vigil' }, attestation: 'none' } });
      expect(assoc.options.user.name).toBe(email);
      // The user handle is opaque: not the login service's user id.
      expect(Buffer.from(assoc.options.user.id, 'base64url').toString('utf8')).not.toContain('wa-alice');
      expect(assoc.options.excludeCredentials).toEqual([]);
      expect(assoc.recovery_codes).toHaveLength(10);

      const key = new SoftAuthenticator();
      const confirmed = await mfa.ok('/v1/mfa/associate/confirm', {
        mfa_token: token,
        authenticator_id: assoc.authenticator_id,
        credential: key.register(assoc.options, { origin: ORIGIN }),
      });
      expect(confirmed).toMatchObject({ authenticator_id: assoc.authenticator_id, active: true, amr: ['mfa', 'pop', 'user'], committed: true });
      expect(await mfa.resultClaims(confirmed.result_token)).toMatchObject({ sub: 'wa-alice', amr: ['mfa', 'pop', 'user'], assessment_id: risky.assessment_id });

      // The US on a new phone: enrolled now, so challenged on the key.
      const next = await mfa.challenged(login(US, 'd3'));
      expect(next.decision.mfa).toMatchObject({ enrolled: true, step: 'challenge', factors: ['recovery-code', 'webauthn'] });
      const token2: string = next.decision.mfa.mfa_token;
      const started = await mfa.ok('/v1/mfa/challenge', { mfa_token: token2, challenge_type: 'webauthn' });
      expect(started).toMatchObject({
        authenticator_id: assoc.authenticator_id,
        authenticator_type: 'webauthn',
        challenge_type: 'webauthn',
        options: { rpId: 'localhost', allowCredentials: [{ id: key.credentialId, transports: ['usb'] }] },
      });
      const verified = await mfa.ok('/v1/mfa/verify', { mfa_token: token2, credential: key.authenticate(started.options, { origin: ORIGIN }) });
      expect(verified).toMatchObject({ authenticator_type: 'webauthn', amr: ['mfa', 'pop', 'user'], assessment_id: next.assessment_id, committed: true });
      expect(await mfa.resultClaims(verified.result_token)).toMatchObject({ sub: 'wa-alice', amr: ['mfa', 'pop', 'user'] });

      expect(await enrollments('started')).toBe(startedBefore + 1);
      expect(await enrollments('confirmed')).toBe(confirmedBefore + 1);
      expect(await verifications('ok')).toBe(okBefore + 1);

      // Adding a second key: the options exclude this one, so the same authenticator declines.
      const again = await mfa.ok('/v1/mfa/associate', { mfa_token: token2, authenticator_type: 'webauthn' });
      expect(again.options.excludeCredentials).toEqual([{ id: key.credentialId, type: 'public-key', transports: ['usb'] }]);
      expect(again.recovery_codes).toBeUndefined();
      expect(() => key.register(again.options, { origin: ORIGIN })).toThrow(/InvalidStateError/);
    });
  });

  describe('error', () => {
    it('refuses an assertion without a challenge, or with a credential that is not one', async () => {
      const user = strictUser('wa-errors');
      const key = new SoftAuthenticator();
      const { authenticatorId } = await mfa.enrollWebauthn(user, key);
      const token = await mfa.token(user);
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, authenticator_id: authenticatorId, credential: {} }), 403, 'invalid_grant', 'no challenge');
      // No authenticator named, nothing challenged: nothing to say which authenticator the proof is for.
      expectError(await verify(token, {}), 400, 'invalid_request');
      expectError(await mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' }), 400, 'unsupported_challenge_type');

      const options = await mfa.webauthnOptions(token);
      expectError(await verify(token, 'not an object'), 400, 'invalid_request', 'credential');
      expectError(await verify(token, { id: key.credentialId, type: 'public-key' }), 403, 'invalid_grant');
      const good = key.authenticate(options, { origin: ORIGIN });
      const tampered = { ...good, response: { ...good.response, signature: Buffer.from('not a signature').toString('base64url') } };
      expectError(await verify(token, tampered), 403, 'invalid_grant');
      expect((await verify(token, good)).statusCode).toBe(200);
    });

    it('refuses the answer to a challenge five minutes old with expired_token', async () => {
      const user = strictUser('wa-stale');
      const key = new SoftAuthenticator();
      await mfa.enrollWebauthn(user, key);
      const token = await mfa.token(user);
      const options = await mfa.webauthnOptions(token);
      const assertion = key.authenticate(options, { origin: ORIGIN });
      clock.advance(5 * 60_000);
      expectError(await verify(token, assertion), 403, 'expired_token');
      // A new challenge on the same token works.
      expect((await verify(token, key.authenticate(await mfa.webauthnOptions(token), { origin: ORIGIN }))).statusCode).toBe(200);
    });
  });

  describe('security', () => {
    it('refuses a cloned authenticator whose counter is not ahead of the stored one', async () => {
      const user = strictUser('wa-clone');
      const key = new SoftAuthenticator();
      await mfa.enrollWebauthn(user, key);
      const clone = key.clone();
      const regressedBefore = await verifications('counter_regressed');

      const token1 = await mfa.token(user);
      expect((await verify(token1, key.authenticate(await mfa.webauthnOptions(token1), { origin: ORIGIN }))).statusCode).toBe(200);

      // The clone counts from where the key was when copied: 1 again, not more than the stored 1.
      const token2 = await mfa.token(user);
      const options = await mfa.webauthnOptions(token2);
      expectError(await verify(token2, clone.authenticate(options, { origin: ORIGIN })), 403, 'invalid_grant');
      // Nor may a clone dodge the check by claiming no counter at all.
      expectError(await verify(token2, clone.authenticate(options, { origin: ORIGIN, signCount: 0 })), 403, 'invalid_grant');
      expect(await verifications('counter_regressed')).toBe(regressedBefore + 2);

      // The genuine key, ahead of the stored counter, still works on the same challenge.
      expect((await verify(token2, key.authenticate(options, { origin: ORIGIN }))).statusCode).toBe(200);
    });

    it('refuses a registration made for another origin or relying party, and keeps the key inactive', async () => {
      const user = strictUser('wa-origin-reg');
      const token = await mfa.token(user);
      await mfa.verifyEmail(token, user.email);
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'webauthn' });
      const key = new SoftAuthenticator();
      const failedBefore = await enrollments('failed');
      const confirm = (credential: unknown) => mfa.post('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, credential });

      expectError(await confirm(key.register(assoc.options, { origin: 'https://vigil-login.example.net' })), 403, 'invalid_grant');
      expectError(await confirm(key.register(assoc.options, { origin: 'https://localhost:3000' })), 403, 'invalid_grant');
      expectError(await confirm(key.register(assoc.options, { origin: ORIGIN, rpId: 'example.net' })), 403, 'invalid_grant');
      expect(await enrollments('failed')).toBe(failedBefore + 3);
      expect((await mfa.listAuthenticators(token)).json()).toEqual([]);

      expect(await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, credential: key.register(assoc.options, { origin: ORIGIN }) })).toMatchObject({ active: true });
    });

    it('refuses an assertion made for another origin, another relying party, or another challenge', async () => {
      const user = strictUser('wa-origin-login');
      const key = new SoftAuthenticator();
      await mfa.enrollWebauthn(user, key);
      const token = await mfa.token(user);
      const options = await mfa.webauthnOptions(token);
      expectError(await verify(token, key.authenticate(options, { origin: 'https://vigil-login.example.net' })), 403, 'invalid_grant');
      expectError(await verify(token, key.authenticate(options, { origin: 'http://localhost:3001' })), 403, 'invalid_grant');
      expectError(await verify(token, key.authenticate(options, { origin: ORIGIN, rpId: 'example.net' })), 403, 'invalid_grant');
      // Signed over another login's challenge (a relayed or replayed assertion).
      const other = await mfa.token(user);
      const otherOptions = await mfa.webauthnOptions(other);
      expectError(await verify(token, key.authenticate(otherOptions, { origin: ORIGIN })), 403, 'invalid_grant');

      const good = key.authenticate(options, { origin: ORIGIN });
      expect((await verify(token, good)).statusCode).toBe(200);
      // The same assertion once more, on the other login: its challenge is not this one.
      expectError(await verify(other, good), 403, 'invalid_grant');
    });
  });
});
