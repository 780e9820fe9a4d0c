import { describe, expect, it } from 'vitest';
import { HOTP, Secret, TOTP, URI } from 'otpauth';
import { otp, type OtpState } from '../../src/mfa/otp/index.js';
import { codeAtStep, timeStep } from '../../src/mfa/otp/totp.js';
import { factorEnv } from './factor-env-fixture.js';

// RFC 6238 Appendix B, SHA-1 rows: the seed is the 20 ASCII bytes "12345678901234567890".
const RFC6238_SEED = Secret.fromLatin1('12345678901234567890');
const RFC6238_SHA1: ReadonlyArray<{ timeS: number; step: number; totp8: string }> = [
  { timeS: 59, step: 0x1, totp8: '94287082' },
  { timeS: 1111111109, step: 0x23523ec, totp8: '07081804' },
  { timeS: 1111111111, step: 0x23523ed, totp8: '14050471' },
  { timeS: 1234567890, step: 0x273ef07, totp8: '89005924' },
  { timeS: 2000000000, step: 0x3f940aa, totp8: '69279037' },
  { timeS: 20000000000, step: 0x27bc86aa, totp8: '65353130' },
];

// RFC 4226 Appendix D: HOTP values for counters 0..9 with the same seed.
const RFC4226_HOTP = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];

describe('TOTP generation (published vectors)', () => {
  it('matches RFC 6238 Appendix B (SHA-1): 8 digits through the library, our 6 digits are the last 6', () => {
    for (const row of RFC6238_SHA1) {
      const atMs = row.timeS * 1000;
      expect(timeStep(atMs), `T at ${row.timeS}`).toBe(row.step);
      expect(TOTP.generate({ secret: RFC6238_SEED, algorithm: 'SHA1', digits: 8, period: 30, timestamp: atMs })).toBe(row.totp8);
      expect(codeAtStep(RFC6238_SEED.base32, row.step), `6 digits at ${row.timeS}`).toBe(row.totp8.slice(-6));
    }
  });

  it('matches RFC 4226 Appendix D HOTP values for counters 0..9', () => {
    RFC4226_HOTP.forEach((expected, counter) => {
      expect(codeAtStep(RFC6238_SEED.base32, counter), `counter ${counter}`).toBe(expected);
      expect(HOTP.generate({ secret: RFC6238_SEED, counter })).toBe(expected);
    });
  });
});

async function enrolled(nowMs = 1_700_000_000_000) {
  const env = factorEnv({ nowMs });
  const result = await otp.enroll(env, {});
  const secret = result.show.secret as string;
  return { env, result, secret, state: result.state as OtpState };
}

describe('otp.enroll', () => {
  it('makes a 160-bit base32 secret, sealed in state with no step used yet', async () => {
    const { env, secret, state, result } = await enrolled();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 chars = 160 bits
    expect(Secret.fromBase32(secret).bytes.length).toBe(20);
    expect(state.secret).not.toContain(secret);
    expect(env.open(state.secret)).toBe(secret);
    expect(state.lastStep).toBeNull();
    expect(result.pending).toBeNull();
    expect(result.deliver).toBeNull();
  });

  it('makes a different secret each time', async () => {
    const a = await enrolled();
    const b = await enrolled();
    expect(a.secret).not.toBe(b.secret);
  });

  it('gives an otpauth URI that parses back to the same secret and the fixed profile', async () => {
    const { result, secret } = await enrolled();
    const uri = result.show.barcode_uri as string;
    expect(uri.startsWith('otpauth://totp/Vigil%20Test:ada%40example.com?')).toBe(true);
    const parsed = URI.parse(uri);
    expect(parsed).toBeInstanceOf(TOTP);
    const totp = parsed as TOTP;
    expect(totp.secret.base32).toBe(secret);
    expect(totp.issuer).toBe('Vigil Test');
    expect(totp.label).toBe('ada@example.com');
    expect([totp.algorithm, totp.digits, totp.period]).toEqual(['SHA1', 6, 30]);
    const query = new URL(uri).searchParams;
    expect(query.get('issuer')).toBe('Vigil Test');
    expect([query.get('algorithm'), query.get('digits'), query.get('period')]).toEqual(['SHA1', '6', '30']);
  });

  it('labels the account with the user id when no email is known', async () => {
    const result = await otp.enroll(factorEnv({ email: null, userId: 'u-42' }), {});
    expect((URI.parse(result.show.barcode_uri as string) as TOTP).label).toBe('u-42');
  });

  it('gives the URI as an SVG QR code data URL', async () => {
    const { result } = await enrolled();
    const qr = result.show.qr_code as string;
    const prefix = 'data:image/svg+xml;base64,';
    expect(qr.startsWith(prefix)).toBe(true);
    const svg = Buffer.from(qr.slice(prefix.length), 'base64').toString('utf8');
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe('otp.verify', () => {
  const nowMs = 1_700_000_015_000; // mid-step, so ±1 step is unambiguous
  const step = timeStep(nowMs);

  it('accepts the current code and records its step', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const res = await otp.verify(env, state, null, { otp: codeAtStep(secret, step) });
    expect(res).toEqual({ ok: true, state: { secret: state.secret, lastStep: step } });
  });

  it('accepts one step of drift either side and rejects two', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    for (const [drift, ok] of [[-2, false], [-1, true], [1, true], [2, false]] as const) {
      const res = await otp.verify(env, state, null, { otp: codeAtStep(secret, step + drift) });
      expect(res.ok, `drift ${drift}`).toBe(ok);
      if (res.ok) expect(res.state.lastStep).toBe(step + drift);
      else expect(res.reason).toBe('invalid_code');
    }
  });

  it('rejects the same code a second time as replayed, even within its window', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const code = codeAtStep(secret, step);
    const first = await otp.verify(env, state, null, { otp: code });
    if (!first.ok) throw new Error('first use failed');
    const again = await otp.verify({ ...env, nowMs: nowMs + 10_000 }, first.state, null, { otp: code });
    expect(again).toEqual({ ok: false, reason: 'replayed' });
  });

  it('rejects a code from an earlier step once a later step was used', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const later = await otp.verify(env, state, null, { otp: codeAtStep(secret, step + 1) });
    if (!later.ok) throw new Error('later code failed');
    expect(await otp.verify(env, later.state, null, { otp: codeAtStep(secret, step) })).toEqual({ ok: false, reason: 'replayed' });
    expect(await otp.verify(env, later.state, null, { otp: codeAtStep(secret, step - 1) })).toEqual({ ok: false, reason: 'replayed' });
  });

  it('accepts the next step after a used one', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const first = await otp.verify(env, state, null, { otp: codeAtStep(secret, step) });
    if (!first.ok) throw new Error('first use failed');
    const next = await otp.verify({ ...env, nowMs: nowMs + 30_000 }, first.state, null, { otp: codeAtStep(secret, step + 1) });
    expect(next.ok).toBe(true);
  });

  it('takes the time from env.nowMs only', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const code = codeAtStep(secret, step);
    expect((await otp.verify({ ...env, nowMs: nowMs + 90_000 }, state, null, { otp: code })).ok).toBe(false);
    expect((await otp.verify({ ...env, nowMs: nowMs - 60_000 }, state, null, { otp: code })).ok).toBe(false);
  });

  it('rejects a wrong code, a malformed one and a missing one as invalid_code', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const window = [step - 1, step, step + 1].map((s) => codeAtStep(secret, s));
    let wrong = window[1] as string;
    while (window.includes(wrong)) wrong = String((Number(wrong) + 1) % 1_000_000).padStart(6, '0');
    for (const otpValue of [wrong, '12345', '1234567', 'abcdef', '', undefined]) {
      expect(await otp.verify(env, state, null, { otp: otpValue }), String(otpValue)).toEqual({ ok: false, reason: 'invalid_code' });
    }
  });

  it('accepts a code typed with the space apps show in the middle', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const code = codeAtStep(secret, step);
    expect((await otp.verify(env, state, null, { otp: `${code.slice(0, 3)} ${code.slice(3)}` })).ok).toBe(true);
  });

  it('confirm is the first correct code and counts for replay', async () => {
    const { env, secret, state } = await enrolled(nowMs);
    const code = codeAtStep(secret, step);
    const confirmed = await otp.confirm(env, state, null, { otp: code });
    if (!confirmed.ok) throw new Error('confirm failed');
    expect(confirmed.state.lastStep).toBe(step);
    expect(await otp.verify(env, confirmed.state, null, { otp: code })).toEqual({ ok: false, reason: 'replayed' });
  });

  it('challenge asks for an otp and sends nothing', async () => {
    const { env, state } = await enrolled(nowMs);
    expect(await otp.challenge(env, state)).toEqual({ show: { challenge_type: 'otp' }, pending: null, deliver: null });
  });

  it('has type otp and amr otp', () => {
    expect(otp.type).toBe('otp');
    expect(otp.amr).toEqual(['otp']);
  });
});
