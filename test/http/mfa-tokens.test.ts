import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/mfa/crypto/codes.js';
import { KEYS, bearer } from '../support/app.js';
import { useMfaApp, type MfaClient } from '../support/mfa.js';
import { dumpRedis, expectError } from './helpers.js';

/**
 * The mfa_token (docs/api.md, MFA): random, stored only as its hash, ten minutes, bound to user,
 * client and assessment, one result. Without a valid token no MFA route says anything about a user.
 */
const INVALID = 'mfa_token is invalid or expired';
const TEN_MINUTES = 600_000;

/** Every MFA route that takes a token, with a body that would otherwise be acceptable. */
const ROUTES: { name: string; call: (mfa: MfaClient, token: string, key?: string) => Promise<LightMyRequestResponse> }[] = [
  { name: 'GET authenticators', call: (mfa, token, key) => mfa.listAuthenticators(token, key) },
  { name: 'email-verification', call: (mfa, token, key) => mfa.post('/v1/mfa/email-verification', { mfa_token: token }, key) },
  {
    name: 'email-verification/verify',
    call: (mfa, token, key) => mfa.post('/v1/mfa/email-verification/verify', { mfa_token: token, code: '123456' }, key),
  },
  { name: 'associate', call: (mfa, token, key) => mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' }, key) },
  {
    name: 'associate/confirm',
    call: (mfa, token, key) =>
      mfa.post('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: '00000000-0000-4000-8000-000000000000', otp: '123456' }, key),
  },
  { name: 'challenge', call: (mfa, token, key) => mfa.post('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' }, key) },
  { name: 'verify', call: (mfa, token, key) => mfa.post('/v1/mfa/verify', { mfa_token: token, otp: '123456' }, key) },
  { name: 'recovery-codes/regenerate', call: (mfa, token, key) => mfa.post('/v1/mfa/recovery-codes/regenerate', { mfa_token: token }, key) },
];

describe('mfa_token', () => {
  const { redis, t, clock, mfa } = useMfaApp();

  const verifyOtp = (token: string, otp: string, key?: string) => mfa.post('/v1/mfa/verify', { mfa_token: token, otp }, key);

  describe('happy', () => {
    it('works until just before ten minutes', async () => {
      const user = { user_id: 'tok-live', email: 'tok-live@example.com' };
      const { secret } = await mfa.enrollTotp(user);
      const token = await mfa.token(user);
      clock.advance(TEN_MINUTES - 1_000);
      const listed = await mfa.listAuthenticators(token);
      expect(listed.statusCode).toBe(200);
      expect(listed.json().map((a: { authenticator_type: string }) => a.authenticator_type).sort()).toEqual(['otp', 'recovery-code']);
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) })).toMatchObject({ amr: ['mfa', 'otp'] });
    });
  });

  describe('error', () => {
    it('refuses a token ten minutes and one second old, even with the right code', async () => {
      const user = { user_id: 'tok-expired', email: 'tok-expired@example.com' };
      const { secret } = await mfa.enrollTotp(user);
      const token = await mfa.token(user);
      clock.advance(TEN_MINUTES + 1_000);
      const res = await verifyOtp(token, mfa.totp(secret));
      expectError(res, 403, 'invalid_grant');
      expect(res.json().error.message).toBe(INVALID);
      expectError(await mfa.listAuthenticators(token), 403, 'invalid_grant');
      // The same code on a fresh token is fine: it was the token that was refused.
      const fresh = await mfa.token(user);
      expect((await verifyOtp(fresh, mfa.totp(secret))).statusCode).toBe(200);
    });

    it('gives one result per token: a second verification, with another good code or a recovery code, is refused', async () => {
      const user = { user_id: 'tok-reuse', email: 'tok-reuse@example.com' };
      const { secret, recoveryCodes } = await mfa.enrollTotp(user);
      clock.advance(30_000);
      const token = await mfa.token(user);
      expect((await verifyOtp(token, mfa.totp(secret))).statusCode).toBe(200);
      const again = await verifyOtp(token, mfa.totp(secret, 1));
      expectError(again, 403, 'invalid_grant', 'already used');
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: token, recovery_code: recoveryCodes[0] }), 403, 'invalid_grant');
      // Refused before it was checked: the recovery code was not spent, and the next step's code is still good.
      const next = await mfa.token(user);
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: next, recovery_code: recoveryCodes[0] })).toMatchObject({ recovery_codes_remaining: 9 });
      const third = await mfa.token(user);
      expect((await verifyOtp(third, mfa.totp(secret, 1))).statusCode).toBe(200);
    });

    it('answers 400 invalid_request for a malformed token, before looking it up', async () => {
      const bad: unknown[] = ['short', 'x'.repeat(201), 12345678901234567890, null, ['x'.repeat(43)]];
      for (const value of bad) {
        for (const url of ['/v1/mfa/email-verification', '/v1/mfa/challenge', '/v1/mfa/verify', '/v1/mfa/recovery-codes/regenerate']) {
          expectError(await mfa.post(url, { mfa_token: value }), 400, 'invalid_request', 'mfa_token');
        }
      }
      expectError(await mfa.post('/v1/mfa/verify', { otp: '123456' }), 400, 'invalid_request', 'mfa_token');
      expectError(await mfa.post('/v1/mfa/verify', { mfa_token: 'x'.repeat(43), otp: '123456', extra: 1 }), 400, 'invalid_request');
    });

    it('answers 400 on GET authenticators without an x-mfa-token header, or with a malformed one', async () => {
      const missing = await t.app.inject({ url: '/v1/mfa/authenticators', headers: bearer(KEYS.web) });
      expectError(missing, 400, 'invalid_request', 'x-mfa-token');
      expectError(await mfa.listAuthenticators('short'), 400, 'invalid_request', 'x-mfa-token');
      expectError(await mfa.listAuthenticators('x'.repeat(43)), 403, 'invalid_grant');
    });
  });

  describe('security', () => {
    it('treats a token of another client as unknown, word for word, and leaves it usable by its own client', async () => {
      const user = { user_id: 'tok-foreign', email: 'tok-foreign@example.com' };
      const { secret } = await mfa.enrollTotp(user);
      clock.advance(30_000);
      const token = await mfa.token(user);
      for (const route of ROUTES) {
        const foreign = await route.call(mfa, token, KEYS.ropg);
        expectError(foreign, 403, 'invalid_grant');
        expect(foreign.json().error.message, route.name).toBe(INVALID);
      }
      // A right code from the wrong client is not even looked at.
      expectError(await verifyOtp(token, mfa.totp(secret), KEYS.ropg), 403, 'invalid_grant');
      expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) })).toMatchObject({ amr: ['mfa', 'otp'] });
    });

    it('says the same thing on every route for unknown, expired and foreign tokens, whether the user exists or not', async () => {
      const enrolled = { user_id: 'tok-known', email: 'tok-known@example.com' };
      await mfa.enrollTotp(enrolled);
      const expiredEnrolled = await mfa.token(enrolled);
      const expiredNew = await mfa.token({ user_id: 'tok-new', email: 'tok-new@example.com' });
      clock.advance(TEN_MINUTES + 1_000);
      const foreignEnrolled = await mfa.token(enrolled);
      const foreignNew = await mfa.token({ user_id: 'tok-new-2', email: 'tok-new-2@example.com' });
      const probes: [string, string, string][] = [
        ['made up', 'A'.repeat(43), KEYS.web],
        ['expired, enrolled user', expiredEnrolled, KEYS.web],
        ['expired, new user', expiredNew, KEYS.web],
        ['foreign, enrolled user', foreignEnrolled, KEYS.ropg],
        ['foreign, new user', foreignNew, KEYS.ropg],
      ];
      for (const route of ROUTES) {
        const answers = await Promise.all(probes.map(([, token, key]) => route.call(mfa, token, key)));
        const shapes = answers.map((r) => ({ status: r.statusCode, code: r.json().error?.code, message: r.json().error?.message }));
        for (const [i, shape] of shapes.entries()) {
          expect(shape, `${route.name}, ${probes[i]?.[0]}`).toEqual({ status: 403, code: 'invalid_grant', message: INVALID });
        }
        // Nothing else in the answer differs either (headers aside from the request id).
        const headerNames = answers.map((r) => Object.keys(r.headers).sort().join(','));
        expect(new Set(headerNames).size, route.name).toBe(1);
      }
      // Without an API key nothing at all is revealed.
      for (const [, token] of probes) {
        const res = await t.app.inject({ method: 'POST', url: '/v1/mfa/verify', payload: { mfa_token: token, otp: '123456' } });
        expectError(res, 401, 'unauthorized');
      }
    });

    it('stores the token only as its hash: the raw token is nowhere in Redis, nor the TOTP secret', async () => {
      const user = { user_id: 'tok-hashed', email: 'tok-hashed@example.com' };
      const { secret, token: enrollToken } = await mfa.enrollTotp(user);
      clock.advance(30_000);
      const token = await mfa.token(user);
      await mfa.ok('/v1/mfa/challenge', { mfa_token: token, challenge_type: 'otp' });
      const client = redis.client();
      const stored = (await dumpRedis(client)).join('\n');
      for (const raw of [token, enrollToken]) {
        expect(stored).not.toContain(raw);
        // It is found under its SHA-256, which is how the service looks it up.
        expect(await client.exists(`vigil:{mt:${sha256(raw)}}`)).toBe(1);
      }
      expect(stored).not.toContain(secret);
      expect(stored).toContain(sha256(token));
    });
  });
});
