import { describe, expect, it } from 'vitest';
import { KEYS, bearer, testFileConfig } from '../support/app.js';
import { useMfaApp, type AssessInput } from '../support/mfa.js';
import { expectError } from './helpers.js';

/**
 * Regression (issue 17, item 3): an mfa_token outlived an admin MFA reset. A token that had
 * proved a factor regenerated recovery codes after the reset, and one of them passed the next
 * login's MFA, skipping the email re-verification the reset should force. One token also
 * enrolled 25 TOTP apps. Now: an admin reset or delete ends every live token of the user;
 * regenerating needs an existing set and an active factor; recovery codes alone pass no
 * verification; factors per user are capped; and a token whose result is issued proves nothing
 * more (no new challenge, code or result), keeping only the enrollment follow-ups.
 */
const INVALID = 'mfa_token is invalid or expired';

describe('mfa_token after an admin reset or delete', () => {
  const { t, clock, mfa } = useMfaApp({ file: testFileConfig({ applications: { default: { mfaPolicy: 'always' } } }) });

  const user = (name: string): AssessInput & { email: string } => ({ user_id: name, email: `${name}@example.com` });
  const admin = (method: 'GET' | 'DELETE', path: string) => t.app.inject({ method, url: `/v1/admin/users/${path}`, headers: bearer(KEYS.admin) });

  /** A user with TOTP, and a token on which the TOTP was proven (its result issued). */
  async function provenToken(name: string) {
    const u = user(name);
    const enrolled = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(enrolled.secret) });
    return { ...enrolled, u, token };
  }

  it('ends a token that proved a factor: after the reset it cannot regenerate recovery codes, and the next login verifies the email', async () => {
    const { u, token } = await provenToken('reset-regen');
    expect((await admin('DELETE', 'reset-regen/mfa')).statusCode).toBe(200);

    const regen = await mfa.post('/v1/mfa/recovery-codes/regenerate', { mfa_token: token });
    expectError(regen, 403, 'invalid_grant');
    expect(regen.json().error.message).toBe(INVALID);
    for (const res of [
      await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' }),
      await mfa.listAuthenticators(token),
    ]) {
      expectError(res, 403, 'invalid_grant', INVALID);
    }
    expect((await admin('GET', 'reset-regen/authenticators')).json()).toEqual([]);

    const next = await mfa.challenged(u);
    expect(next.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification' });
    expectError(await mfa.post('/v1/mfa/verify', { mfa_token: next.decision.mfa.mfa_token, recovery_code: 'AAAA-AAAA-AAAA-AAAA' }), 403, 'association_required');
  });

  it('ends tokens issued before the reset that were never used', async () => {
    const u = user('reset-unused');
    const { secret } = await mfa.enrollTotp(u);
    const waiting = await mfa.token(u);
    expect((await admin('DELETE', 'reset-unused/mfa')).statusCode).toBe(200);
    expectError(await mfa.post('/v1/mfa/verify', { mfa_token: waiting, otp: mfa.totp(secret, 1) }), 403, 'invalid_grant', INVALID);
    expectError(await mfa.post('/v1/mfa/email-verification', { mfa_token: waiting }), 403, 'invalid_grant', INVALID);
  });

  it("ends the user's tokens when an admin deletes one authenticator, and only that user's", async () => {
    const { token, authenticatorId } = await provenToken('delete-ends');
    const other = await provenToken('delete-bystander');
    expect((await admin('DELETE', `delete-ends/authenticators/${authenticatorId}`)).statusCode).toBe(200);
    expectError(await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' }), 403, 'invalid_grant', INVALID);
    expect((await mfa.post('/v1/mfa/associate', { mfa_token: other.token, authenticator_type: 'otp' })).statusCode).toBe(200);
  });

  it('regenerates recovery codes only over an existing set, for a user with an active factor', async () => {
    const u = user('regen-no-set');
    const { secret } = await mfa.enrollTotp(u);
    const list = (await admin('GET', 'regen-no-set/authenticators')).json() as { id: string; authenticator_type: string }[];
    const set = list.find((a) => a.authenticator_type === 'recovery-code')!;
    expect((await admin('DELETE', `regen-no-set/authenticators/${set.id}`)).statusCode).toBe(200);

    clock.advance(30_000);
    const token = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
    expectError(await mfa.post('/v1/mfa/recovery-codes/regenerate', { mfa_token: token }), 403, 'association_required', 'recovery codes');
    expect(((await admin('GET', 'regen-no-set/authenticators')).json() as unknown[]).length).toBe(1);
  });

  it('does not let recovery codes left after the last factor was removed skip the email step', async () => {
    const u = user('rc-leftover');
    const { authenticatorId, recoveryCodes } = await mfa.enrollTotp(u);
    expect((await admin('DELETE', `rc-leftover/authenticators/${authenticatorId}`)).statusCode).toBe(200);
    const next = await mfa.challenged(u);
    expect(next.decision.mfa).toMatchObject({ enrolled: false, step: 'email_verification' });
    expectError(await mfa.post('/v1/mfa/verify', { mfa_token: next.decision.mfa.mfa_token, recovery_code: recoveryCodes[0] }), 403, 'association_required');
  });

  it('caps the authenticators of a user at mfa.maxAuthenticatorsPerUser (default 10)', async () => {
    const { token } = await provenToken('cap-user');
    // The TOTP app from provenToken is the first; nine more fit.
    for (let i = 0; i < 9; i++) {
      const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp', name: `app ${i}` });
      await mfa.ok('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.authenticator_id, otp: mfa.totp(assoc.secret) });
    }
    expectError(await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' }), 403, 'forbidden', 'maxAuthenticatorsPerUser');
    const listed = (await admin('GET', 'cap-user/authenticators')).json() as { authenticator_type: string; active: boolean }[];
    expect(listed.filter((a) => a.authenticator_type === 'otp' && a.active)).toHaveLength(10);
    expect(listed.filter((a) => !a.active)).toHaveLength(0);
  });

  it('proves nothing more with a token whose result is issued: no new challenge, email code or result', async () => {
    const { token, secret } = await provenToken('after-result');
    for (const res of [
      await mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' }),
      await mfa.post('/v1/mfa/email-verification', { mfa_token: token }),
      await mfa.post('/v1/mfa/email-verification/verify', { mfa_token: token, code: '123456' }),
      await mfa.post('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret, 1) }),
    ]) {
      expectError(res, 403, 'invalid_grant', 'already used for a result');
    }
    // What the login offers right after its result stays: another factor, new recovery codes.
    expect((await mfa.post('/v1/mfa/recovery-codes/regenerate', { mfa_token: token })).statusCode).toBe(200);
    expect((await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' })).statusCode).toBe(200);
  });
});
