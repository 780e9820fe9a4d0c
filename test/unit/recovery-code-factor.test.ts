import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, normaliseRecoveryCode, recoveryCode, remainingRecoveryCodes } from '../../src/mfa/recovery-code/index.js';
import type { FactorState } from '../../src/mfa/types.js';
import { factorEnv } from './factor-env-fixture.js';

const env = factorEnv();

async function use(state: FactorState, code: string) {
  return recoveryCode.verify(env, state, null, { recovery_code: code });
}

describe('generateRecoveryCodes', () => {
  it('makes 10 distinct XXXX-XXXX-XXXX-XXXX base32 codes (80 bits each)', () => {
    const { codes } = generateRecoveryCodes(env);
    expect(codes).toHaveLength(10);
    for (const c of codes) expect(c).toMatch(/^[A-Z2-7]{4}(-[A-Z2-7]{4}){3}$/);
    expect(new Set(codes).size).toBe(10);
    expect(generateRecoveryCodes(env).codes).not.toEqual(codes);
  });

  it('stores only keyed hashes of the normalised codes', () => {
    const { codes, state } = generateRecoveryCodes(env);
    const stored = JSON.stringify(state);
    for (const c of codes) {
      expect(stored).not.toContain(c);
      expect(stored).not.toContain(normaliseRecoveryCode(c));
    }
    expect(state.hashes).toEqual(codes.map((c) => env.hash(normaliseRecoveryCode(c), 'recovery')));
  });
});

describe('recoveryCode.verify', () => {
  it('accepts each code exactly once, removing only that code', async () => {
    const { codes, state: initial } = generateRecoveryCodes(env);
    let state: FactorState = initial;
    for (const [i, code] of codes.entries()) {
      const res = await use(state, code);
      if (!res.ok) throw new Error(`code ${i} failed: ${res.reason}`);
      expect(remainingRecoveryCodes(res.state)).toBe(9 - i);
      expect(await use(res.state, code)).toEqual({ ok: false, reason: 'invalid_code' });
      state = res.state;
    }
    expect(state).toEqual({ hashes: [] });
  });

  it('leaves the other codes usable after one is spent', async () => {
    const { codes, state } = generateRecoveryCodes(env);
    const first = await use(state, codes[3] as string);
    if (!first.ok) throw new Error('first failed');
    expect((await use(first.state, codes[7] as string)).ok).toBe(true);
  });

  it('rejects a wrong code, a code of another user and malformed input', async () => {
    const { codes, state } = generateRecoveryCodes(env);
    const other = generateRecoveryCodes(env).codes[0] as string;
    expect(await use(state, other)).toEqual({ ok: false, reason: 'invalid_code' });
    const otherUser = factorEnv({ userId: 'u-2' });
    expect((await recoveryCode.verify(otherUser, state, null, { recovery_code: codes[0] })).ok).toBe(false);
    for (const bad of ['', 'AAAA', '0000-0000-0000-0000', `${codes[0]}A`]) {
      expect(await use(state, bad), bad).toEqual({ ok: false, reason: 'invalid_code' });
    }
    expect(await recoveryCode.verify(env, state, null, {})).toEqual({ ok: false, reason: 'invalid_code' });
  });

  it('normalises case, dashes and spaces', async () => {
    const { codes, state } = generateRecoveryCodes(env);
    const code = codes[0] as string;
    const plain = code.replace(/-/g, '');
    for (const typed of [code.toLowerCase(), plain, ` ${plain.slice(0, 8)} ${plain.slice(8)} `, code.replace(/-/g, ' - ')]) {
      expect((await use(state, typed)).ok, typed).toBe(true);
    }
    expect(normaliseRecoveryCode('abcd-efgh ijkl\tmnop')).toBe('ABCDEFGHIJKLMNOP');
  });
});

describe('recoveryCode factor', () => {
  it('enroll shows the codes once and delivers nothing', async () => {
    const res = await recoveryCode.enroll(env, {});
    const codes = res.show.recovery_codes as string[];
    expect(codes).toHaveLength(10);
    expect(res.pending).toBeNull();
    expect(res.deliver).toBeNull();
    expect((await use(res.state, codes[0] as string)).ok).toBe(true);
  });

  it('confirm checks a code without spending it', async () => {
    const { codes, state } = generateRecoveryCodes(env);
    expect(await recoveryCode.confirm(env, state, null, { recovery_code: codes[0] })).toEqual({ ok: true, state });
    expect(await recoveryCode.confirm(env, state, null, { recovery_code: 'AAAA-AAAA-AAAA-AAAA' })).toEqual({ ok: false, reason: 'invalid_code' });
  });

  it('challenge asks for a recovery code and sends nothing', async () => {
    const { state } = generateRecoveryCodes(env);
    expect(await recoveryCode.challenge(env, state)).toEqual({ show: { challenge_type: 'recovery_code' }, pending: null, deliver: null });
  });

  it('claims no amr value of its own', () => {
    expect(recoveryCode.type).toBe('recovery-code');
    expect(recoveryCode.amr).toEqual([]);
  });
});
