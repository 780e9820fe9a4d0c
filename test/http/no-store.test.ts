import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { KEYS, bearer } from '../support/app.js';
import { useMfaApp } from '../support/mfa.js';

/**
 * Regression (issue 17, item 7): answers carrying secrets (TOTP secrets, recovery codes,
 * mfa_tokens, result tokens) had no `cache-control`, so a shared or browser cache in between
 * could keep them. Every answer is `no-store` unless its route says otherwise (the JWKS).
 */
describe('cache-control on answers', () => {
  const { t, mfa } = useMfaApp();

  const noStore = (res: LightMyRequestResponse, what: string) => expect(res.headers['cache-control'], what).toBe('no-store');

  it('marks every answer of the MFA flow no-store: mfa_token, TOTP secret, recovery codes, result token', async () => {
    const u = { user_id: 'cache-user', email: 'cache-user@example.com' };
    const assessed = await mfa.post('/v1/assess', u);
    expect(assessed.json().decision.mfa.mfa_token).toEqual(expect.any(String));
    noStore(assessed, 'assess with an mfa_token');
    const token: string = assessed.json().decision.mfa.mfa_token;

    noStore(await mfa.post('/v1/mfa/email-verification', { mfa_token: token }), 'email-verification');
    const verified = await mfa.post('/v1/mfa/email-verification/verify', { mfa_token: token, code: await mfa.codeFor(u.email) });
    expect(verified.json().result_token).toEqual(expect.any(String));
    noStore(verified, 'email verify with a result token');

    const assoc = await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp' });
    expect(assoc.json()).toMatchObject({ secret: expect.any(String), recovery_codes: expect.any(Array) });
    noStore(assoc, 'associate with a TOTP secret and recovery codes');
    const confirmed = await mfa.post('/v1/mfa/associate/confirm', { mfa_token: token, authenticator_id: assoc.json().authenticator_id, otp: mfa.totp(assoc.json().secret) });
    noStore(confirmed, 'confirm');
    noStore(await mfa.post('/v1/mfa/recovery-codes/regenerate', { mfa_token: token }), 'regenerated recovery codes');
    noStore(await mfa.listAuthenticators(token), 'authenticators');
  });

  it('marks errors, admin answers and operations answers no-store too, and leaves the JWKS cacheable', async () => {
    noStore(await mfa.post('/v1/mfa/verify', { mfa_token: 'A'.repeat(43), otp: '123456' }), 'an error');
    noStore(await mfa.post('/v1/assess', { user_id: 'x' }, 'vk_wrong'), 'a 401');
    noStore(await t.app.inject({ method: 'GET', url: '/v1/admin/users/cache-user/authenticators', headers: bearer(KEYS.admin) }), 'admin');
    noStore(await t.app.inject({ method: 'GET', url: '/health/ready' }), 'health');
    noStore(await t.app.inject({ method: 'GET', url: '/no/such/route' }), 'a 404');
    expect((await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).headers['cache-control']).toBe('public, max-age=300');
  });
});
