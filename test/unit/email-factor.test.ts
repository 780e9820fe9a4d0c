import { describe, expect, it } from 'vitest';
import { emailFactor } from '../../src/mfa/email/index.js';
import { CODE_TTL_MS, checkCode, checkEmailCode, issueCode, issueEmailCode } from '../../src/mfa/email/code.js';
import type { Delivery, Pending } from '../../src/mfa/types.js';
import { factorEnv } from './factor-env-fixture.js';

const t0 = 1_700_000_000_000;

function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

describe('issueEmailCode / checkEmailCode', () => {
  it('sends a 6-digit code to env.email and keeps only its keyed hash and the 5-minute expiry', () => {
    const env = factorEnv({ nowMs: t0 });
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    expect(deliver).toMatchObject({ channel: 'email', to: 'ada@example.com', purpose: 'challenge' });
    expect(deliver.code).toMatch(/^\d{6}$/);
    expect(pending).toEqual({ data: { codeHash: env.hash(deliver.code, 'email') }, expiresAtMs: t0 + 5 * 60_000 });
    expect(JSON.stringify(pending)).not.toContain(deliver.code);
  });

  it('gives a fresh code each time', () => {
    const env = factorEnv();
    const codes = new Set(Array.from({ length: 20 }, () => issueEmailCode(env, 'enroll').deliver.code));
    expect(codes.size).toBeGreaterThan(1);
  });

  it('accepts the right code until the expiry and not at or after it', () => {
    const env = factorEnv({ nowMs: t0 });
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    expect(checkEmailCode({ ...env, nowMs: t0 + CODE_TTL_MS - 1 }, pending, deliver.code)).toEqual({ ok: true, state: {} });
    expect(checkEmailCode({ ...env, nowMs: t0 + CODE_TTL_MS }, pending, deliver.code)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects a wrong, malformed or missing code as invalid_code', () => {
    const env = factorEnv({ nowMs: t0 });
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    for (const code of [otherCode(deliver.code), deliver.code.slice(1), `${deliver.code}0`, 'abcdef', '', undefined]) {
      expect(checkEmailCode(env, pending, code), String(code)).toEqual({ ok: false, reason: 'invalid_code' });
    }
  });

  it('accepts the code with spaces in it', () => {
    const env = factorEnv({ nowMs: t0 });
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    expect(checkEmailCode(env, pending, ` ${deliver.code.slice(0, 3)} ${deliver.code.slice(3)} `).ok).toBe(true);
  });

  it('answers no_pending_challenge without a pending challenge or with one of another kind', () => {
    const env = factorEnv({ nowMs: t0 });
    expect(checkEmailCode(env, null, '123456')).toEqual({ ok: false, reason: 'no_pending_challenge' });
    const webauthnPending: Pending = { data: { challenge: 'abc' }, expiresAtMs: t0 + 1000 };
    expect(checkEmailCode(env, webauthnPending, '123456')).toEqual({ ok: false, reason: 'no_pending_challenge' });
  });

  it('binds a code to its user and its channel', () => {
    const env = factorEnv({ nowMs: t0 });
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    expect(checkEmailCode(factorEnv({ nowMs: t0, userId: 'u-2' }), pending, deliver.code).ok).toBe(false);
    expect(checkCode(env, 'sms', pending, deliver.code).ok).toBe(false);
    const sms = issueCode(env, 'sms', '+15551234567', 'challenge');
    expect(checkEmailCode(env, sms.pending, sms.deliver.code).ok).toBe(false);
  });

  it('throws without an email (the service answers email_required first)', () => {
    expect(() => issueEmailCode(factorEnv({ email: null }), 'enroll')).toThrow(/email/);
  });
});

describe('emailFactor', () => {
  it('enroll sends an enrollment code to env.email and keeps no address in state', async () => {
    const env = factorEnv({ nowMs: t0 });
    const res = await emailFactor.enroll(env, {});
    expect(res.state).toEqual({});
    expect(res.deliver).toMatchObject({ channel: 'email', to: 'ada@example.com', purpose: 'enroll' } satisfies Partial<Delivery>);
    expect(res.show).toEqual({ authenticator_type: 'oob', oob_channel: 'email', binding_method: 'prompt' });
    expect(res.pending?.expiresAtMs).toBe(t0 + CODE_TTL_MS);
  });

  it('enroll throws without an email', async () => {
    await expect(emailFactor.enroll(factorEnv({ email: null }), {})).rejects.toThrow(/email/);
  });

  it('confirm and verify take binding_code (or otp) and return the state unchanged', async () => {
    const env = factorEnv({ nowMs: t0 });
    const enrolled = await emailFactor.enroll(env, {});
    const code = enrolled.deliver?.code ?? '';
    expect(await emailFactor.confirm(env, enrolled.state, enrolled.pending, { binding_code: code })).toEqual({ ok: true, state: {} });
    const ch = await emailFactor.challenge(env, { kept: 1 });
    expect(ch.deliver).toMatchObject({ channel: 'email', to: 'ada@example.com', purpose: 'challenge' });
    expect(ch.show).toEqual({ challenge_type: 'oob', oob_channel: 'email', binding_method: 'prompt' });
    const chCode = ch.deliver?.code ?? '';
    expect(await emailFactor.verify(env, { kept: 1 }, ch.pending, { binding_code: chCode })).toEqual({ ok: true, state: { kept: 1 } });
    expect(await emailFactor.verify(env, { kept: 1 }, ch.pending, { otp: chCode })).toEqual({ ok: true, state: { kept: 1 } });
    expect(await emailFactor.verify(env, { kept: 1 }, ch.pending, { binding_code: otherCode(chCode) })).toEqual({ ok: false, reason: 'invalid_code' });
    expect(await emailFactor.verify(env, { kept: 1 }, null, { binding_code: chCode })).toEqual({ ok: false, reason: 'no_pending_challenge' });
  });

  it('has type email and amr otp', () => {
    expect(emailFactor.type).toBe('email');
    expect(emailFactor.amr).toEqual(['otp']);
  });
});
