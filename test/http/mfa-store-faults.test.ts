import { describe, expect, it } from 'vitest';
import { useMfaApp } from '../support/mfa.js';
import { expectError } from './helpers.js';

/**
 * A Redis command that fails after the mfa_token was read (a timeout, a lost connection, an error
 * reply) is a `store_unavailable` 503 the login service can retry, never a 500 (docs/design.md,
 * "Fail closed, by choice"). The failure is made deterministic here by replacing the user's
 * authenticator hash with a string, so every command on it gets a WRONGTYPE error reply.
 */
describe('MFA routes when Redis fails mid-request', () => {
  const { redis, clock, mfa } = useMfaApp();

  // Regression: only some store calls were wrapped, so verify, challenge, associate and the
  // email step answered 500 internal_error (logged as a bug) when Redis failed after the token.
  it('answers 503 store_unavailable on every route, and works again once the store does', async () => {
    const user = { user_id: 'fault-alice', email: 'fault-alice@example.com' };
    const { secret } = await mfa.enrollTotp(user);
    clock.advance(30_000);
    const token = await mfa.token(user);
    const client = redis.client();
    const key = `vigil:{u:${user.user_id}}:mfa`;
    await client.rename(key, `${key}:aside`);
    await client.set(key, 'not a hash');

    const calls = [
      () => mfa.post('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) }),
      () => mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' }),
      () => mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' }),
      () => mfa.post('/v1/mfa/email-verification', { mfa_token: token }),
      () => mfa.post('/v1/mfa/email-verification/verify', { mfa_token: token, code: '123456' }),
      () => mfa.listAuthenticators(token),
    ];
    for (const call of calls) expectError(await call(), 503, 'store_unavailable', 'retry');

    await client.rename(`${key}:aside`, key);
    expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) })).toMatchObject({ amr: ['mfa', 'otp'] });
  });
});
