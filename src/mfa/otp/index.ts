import type { MfaFactor } from '../types.js';
import { enrollOtp } from './enroll.js';
import { verifyOtp } from './verify.js';

/**
 * TOTP authenticator apps (RFC 6238; Auth0's `otp`). Confirmation is the first correct code,
 * and it already counts for replay: the code that activated the app cannot log in again.
 */
export const otp = {
  type: 'otp',
  amr: ['otp'],
  enroll: (env, _input) => enrollOtp(env),
  confirm: (env, state, _pending, proof) => verifyOtp(env, state, proof),
  challenge: async (_env, _state) => ({ show: { challenge_type: 'otp' }, pending: null, deliver: null }),
  verify: (env, state, _pending, proof) => verifyOtp(env, state, proof),
} satisfies MfaFactor;

export type { OtpState } from './enroll.js';
