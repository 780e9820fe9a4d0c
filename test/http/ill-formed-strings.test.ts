import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuthenticatorRecord } from '../../src/stores/mfa/mfa-store.js';
import { KEYS, bearer } from '../support/app.js';
import { useMfaApp } from '../support/mfa.js';
import { expectError } from './helpers.js';

/**
 * Regression (issue 17, item 2): strings holding a lone UTF-16 surrogate were accepted and
 * stored. An authenticator name cut mid-emoji answered 503, stayed stored, and from then on every
 * MFA write of that user failed, because Lua's cjson cannot decode it; user ids differing only in
 * lone surrogates shared one history (both become U+FFFD in UTF-8); a manual deny entry with one
 * in its reason vanished at the next edit. Such strings are refused at the schemas now, and the
 * scripts no longer decode records they only pass by, so records an older version stored do no
 * harm either.
 */
const HALF_EMOJI = 'Phone \uD83D'; // "Phone 📱" cut after the first half of the pair
const TOKEN = 'A'.repeat(43);
const UUID = '00000000-0000-4000-8000-000000000000';

/** An ill-formed value that passes the field's other checks (a token's length, an email's shape). */
function illFormed(field: string): string {
  if (field === 'mfa_token') return `${TOKEN}\uD83D`;
  if (field === 'email') return `a\uD83D@example.com`;
  return HALF_EMOJI;
}

/** Every free-form string a request body carries, with a body that is otherwise acceptable. */
const FIELDS: { url: string; key: string; body: Record<string, unknown>; field: string }[] = [
  ...['user_id', 'email', 'ip', 'user_agent', 'device_id', 'application', 'acr_values', 'timestamp'].map((field) => ({
    url: '/v1/assess',
    key: KEYS.replay,
    body: { user_id: 'ill-assess', email: 'a@example.com', ip: '8.8.8.8', user_agent: 'x', device_id: 'd', application: 'default', acr_values: 'x', timestamp: '2026-01-01T00:00:00Z' },
    field,
  })),
  { url: '/assess', key: KEYS.web, body: { user_id: 'x' }, field: 'user_id' },
  ...['ip', 'user_id', 'user_agent', 'reason'].map((field) => ({
    url: '/v1/events',
    key: KEYS.web,
    body: { type: 'login_failed', ip: '8.8.8.8', user_id: 'u', user_agent: 'x', reason: 'bad password' },
    field,
  })),
  { url: '/v1/mfa/email-verification', key: KEYS.web, body: { mfa_token: TOKEN }, field: 'mfa_token' },
  { url: '/v1/mfa/email-verification/verify', key: KEYS.web, body: { mfa_token: TOKEN, code: '123456' }, field: 'code' },
  ...['name', 'phone_number'].map((field) => ({
    url: '/v1/mfa/associate',
    key: KEYS.web,
    body: { mfa_token: TOKEN, authenticator_type: 'sms', phone_number: '+14155550123', name: 'x' },
    field,
  })),
  ...['otp', 'binding_code'].map((field) => ({
    url: '/v1/mfa/associate/confirm',
    key: KEYS.web,
    body: { mfa_token: TOKEN, authenticator_id: UUID, [field]: '123456' },
    field,
  })),
  { url: '/v1/mfa/challenge', key: KEYS.web, body: { mfa_token: TOKEN, challenge_type: 'otp' }, field: 'mfa_token' },
  ...['otp', 'binding_code', 'recovery_code'].map((field) => ({ url: '/v1/mfa/verify', key: KEYS.web, body: { mfa_token: TOKEN, [field]: '123456' }, field })),
  { url: '/v1/mfa/recovery-codes/regenerate', key: KEYS.web, body: { mfa_token: TOKEN }, field: 'mfa_token' },
  ...['network', 'reason'].map((field) => ({
    url: '/v1/admin/intel/entries',
    key: KEYS.admin,
    body: { network: '198.51.100.0/24', reason: 'ticket 1' },
    field,
  })),
];

describe('ill-formed strings (lone surrogates)', () => {
  const { redis, t, clock, mfa } = useMfaApp();

  const mfaHash = (userId: string) => `vigil:{u:${userId}}:mfa`;

  it.each(FIELDS.map((f) => [`${f.url} ${f.field}`, f] as const))('refuses %s with a lone surrogate: 400 naming the field', async (_name, f) => {
    const res = await t.app.inject({ method: 'POST', url: f.url, headers: bearer(f.key), payload: { ...f.body, [f.field]: illFormed(f.field) } });
    expectError(res, 400, 'invalid_request', f.field);
  });

  it('still takes well-formed text with emoji and other astral characters', async () => {
    const u = { user_id: 'ill-emoji-😀', email: 'ill-emoji@example.com' };
    const { token } = await mfa.enrollTotp(u);
    expect(token).toEqual(expect.any(String));
    const assoc = await mfa.ok('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp', name: 'Phone 📱' });
    expect(assoc.authenticator_id).toEqual(expect.any(String));
  });

  it('refuses an authenticator name cut mid-emoji, and the user keeps using MFA', async () => {
    const u = { user_id: 'ill-name', email: 'ill-name@example.com' };
    const { secret, authenticatorId } = await mfa.enrollTotp(u);
    clock.advance(30_000);
    const token = await mfa.token(u);
    await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) });
    expectError(await mfa.post('/v1/mfa/associate', { mfa_token: token, authenticator_type: 'otp', name: HALF_EMOJI }), 400, 'invalid_request', 'name');

    clock.advance(30_000);
    expect(await mfa.ok('/v1/mfa/verify', { mfa_token: await mfa.token(u), otp: mfa.totp(secret) })).toMatchObject({ authenticator_type: 'otp' });
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/admin/users/ill-name/authenticators/${authenticatorId}`, headers: bearer(KEYS.admin) });
    expect(removed.statusCode).toBe(200);
  });

  it('refuses user ids that differ only in lone surrogates, which Redis would store under one key', async () => {
    for (const userId of ['ill-user-\uD800', 'ill-user-\uDC00']) {
      expectError(await mfa.post('/v1/assess', { user_id: userId }), 400, 'invalid_request', 'user_id');
    }
    const client = redis.client();
    expect(await client.keys('vigil:{u:ill-user-*')).toEqual([]);
  });

  it("does not let a record an older version stored with a lone surrogate block the user's MFA writes", async () => {
    const u = { user_id: 'ill-legacy', email: 'ill-legacy@example.com' };
    const { secret, recoveryCodes } = await mfa.enrollTotp(u);
    // As an older version stored it: fields in their old order, the name cut mid-emoji, escaped by JSON.stringify.
    const legacyId = randomUUID();
    const legacy = { id: legacyId, type: 'otp', active: false, name: HALF_EMOJI, createdAtMs: clock.now(), state: {}, version: 0 };
    const legacyJson = JSON.stringify(legacy);
    expect(legacyJson).toContain('\\ud83d');
    const client = redis.client();
    await client.hset(mfaHash('ill-legacy'), `a:${legacyId}`, legacyJson);

    // The user's own TOTP, recovery codes, and the admin's delete all write the same hash.
    clock.advance(30_000);
    const token = await mfa.token(u);
    expect(await mfa.ok('/v1/mfa/verify', { mfa_token: token, otp: mfa.totp(secret) })).toMatchObject({ authenticator_type: 'otp' });
    expect((await mfa.ok('/v1/mfa/recovery-codes/regenerate', { mfa_token: token })).recovery_codes).toHaveLength(10);
    expectError(await mfa.post('/v1/mfa/verify', { mfa_token: await mfa.token(u), recovery_code: recoveryCodes[0] }), 403, 'invalid_grant');
    const removed = await t.app.inject({ method: 'DELETE', url: `/v1/admin/users/ill-legacy/authenticators/${legacyId}`, headers: bearer(KEYS.admin) });
    expect(removed.statusCode).toBe(200);
    expect(await client.hexists(mfaHash('ill-legacy'), `a:${legacyId}`)).toBe(0);
    // The summary the assessment reads still names the active factors.
    expect(await client.hget(mfaHash('ill-legacy'), 'summary')).toBe('otp,recovery-code');
  });

  it('keeps writing when a record in the current layout holds a lone surrogate (the scripts never decode it)', async () => {
    const u = { user_id: 'ill-current', email: 'ill-current@example.com' };
    const { secret } = await mfa.enrollTotp(u);
    const odd: AuthenticatorRecord = { id: randomUUID(), type: 'webauthn', active: true, name: HALF_EMOJI, createdAtMs: clock.now(), state: { note: '\uDC00' }, version: 0 };
    expect(await t.deps.mfa.store.saveAuthenticator('ill-current', odd, -1)).toBe(true);
    clock.advance(30_000);
    expect(await mfa.ok('/v1/mfa/verify', { mfa_token: await mfa.token(u), otp: mfa.totp(secret) })).toMatchObject({ authenticator_type: 'otp' });
    const client = redis.client();
    expect(await client.hget(mfaHash('ill-current'), 'summary')).toBe('otp,recovery-code,webauthn');
    const stored = (await t.deps.mfa.store.authenticators('ill-current')).find((a) => a.id === odd.id);
    expect(stored).toMatchObject({ name: HALF_EMOJI, version: 0 });
    expect(await t.deps.mfa.store.deleteAuthenticator('ill-current', stored!)).toBe(true);
  });

  it('keeps a manual deny entry an older version stored with a lone surrogate in its reason across the next edit', async () => {
    const admin = (method: 'GET' | 'POST', payload?: Record<string, unknown>) =>
      t.app.inject({ method, url: '/v1/admin/intel/entries', headers: bearer(KEYS.admin), ...(payload ? { payload } : {}) });
    const now = clock.now();
    const legacy = { network: '203.0.113.0/24', category: 'abuse', reason: `ticket ${HALF_EMOJI}`, addedBy: 'ops', addedAtMs: now, expiresAtMs: now + 3_600_000 };
    const client = redis.client();
    await client.hset('vigil:{intel}:manual', legacy.network, JSON.stringify(legacy));

    expect((await admin('POST', { network: '198.51.100.0/24', reason: 'ticket 2' })).statusCode).toBe(201);
    const networks = ((await admin('GET')).json() as { entries: { network: string }[] }).entries.map((e) => e.network).sort();
    expect(networks).toEqual(['198.51.100.0/24', '203.0.113.0/24']);
  });
});
