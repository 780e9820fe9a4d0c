import { describe, expect, it } from 'vitest';
import { isE164, sms } from '../../src/mfa/sms/index.js';
import { voice } from '../../src/mfa/voice/index.js';
import { factorEnv } from './factor-env-fixture.js';

const t0 = 1_700_000_000_000;
const env = factorEnv({ nowMs: t0 });
const number = '+14155550123';

describe('isE164', () => {
  it('accepts E.164 numbers and rejects the rest', () => {
    for (const ok of ['+14155550123', '+4930123456', '+1234567', '+123456789012345']) expect(isE164(ok), ok).toBe(true);
    for (const bad of ['14155550123', '+04155550123', '+123456', '+1234567890123456', '+1 415 555 0123', '+1415555012a', '', '+14155550123\n']) {
      expect(isE164(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe.each([
  { factor: sms, channel: 'sms', amr: 'sms' },
  { factor: voice, channel: 'voice', amr: 'tel' },
] as const)('$channel factor', ({ factor, channel, amr }) => {
  it(`has type ${channel} and amr ${amr} (RFC 8176)`, () => {
    expect(factor.type).toBe(channel);
    expect(factor.amr).toEqual([amr]);
  });

  it('enroll seals the number, keeps its last 4 digits and sends an enrollment code to it', async () => {
    const res = await factor.enroll(env, { phoneNumber: number });
    expect(res.state['last4']).toBe('0123');
    expect(res.state['phone']).not.toContain(number);
    expect(env.open(res.state['phone'] as string)).toBe(number);
    expect(res.deliver).toMatchObject({ channel, to: number, purpose: 'enroll' });
    expect(res.deliver?.code).toMatch(/^\d{6}$/);
    expect(res.pending).toEqual({ data: { codeHash: env.hash(res.deliver?.code ?? '', channel) }, expiresAtMs: t0 + 300_000 });
    expect(res.show).toEqual({ authenticator_type: 'oob', oob_channel: channel, binding_method: 'prompt', phone_last4: '0123' });
    expect(await factor.confirm(env, res.state, res.pending, { binding_code: res.deliver?.code })).toEqual({ ok: true, state: res.state });
  });

  it('enroll refuses a number that is not E.164', async () => {
    await expect(factor.enroll(env, { phoneNumber: '0155 5550123' })).rejects.toThrow(/E\.164/);
    await expect(factor.enroll(env, {})).rejects.toThrow(/E\.164/);
  });

  it('challenge sends a code to the enrolled number; verify accepts it until it expires', async () => {
    const { state } = await factor.enroll(env, { phoneNumber: number });
    const ch = await factor.challenge(env, state);
    expect(ch.show).toEqual({ challenge_type: 'oob', oob_channel: channel, binding_method: 'prompt' });
    expect(ch.deliver).toMatchObject({ channel, to: number, purpose: 'challenge' });
    const code = ch.deliver?.code ?? '';
    expect(await factor.verify(env, state, ch.pending, { binding_code: code })).toEqual({ ok: true, state });
    expect(await factor.verify(env, state, ch.pending, { otp: code })).toEqual({ ok: true, state });
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    expect(await factor.verify(env, state, ch.pending, { binding_code: wrong })).toEqual({ ok: false, reason: 'invalid_code' });
    expect(await factor.verify({ ...env, nowMs: t0 + 300_000 }, state, ch.pending, { binding_code: code })).toEqual({ ok: false, reason: 'expired' });
    expect(await factor.verify(env, state, null, { binding_code: code })).toEqual({ ok: false, reason: 'no_pending_challenge' });
  });
});

it('a code issued for SMS is not accepted as a voice code', async () => {
  const { state } = await sms.enroll(env, { phoneNumber: number });
  const ch = await sms.challenge(env, state);
  expect((await voice.verify(env, state, ch.pending, { binding_code: ch.deliver?.code })).ok).toBe(false);
});
