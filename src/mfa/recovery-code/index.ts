import type { MfaFactor } from '../types.js';
import { enrollRecoveryCodes } from './enroll.js';
import { confirmRecoveryCode, verifyRecoveryCode } from './verify.js';

/**
 * Single-use recovery codes (Auth0's `recovery-code`), for a user who lost their other factor.
 */
export const recoveryCode = {
  type: 'recovery-code',
  // No RFC 8176 value names a printed lookup secret: `otp` means an HOTP/TOTP generator and
  // `kba` knowledge questions, and either would tell a relying party something untrue. The
  // service still adds `mfa`, which is the honest claim.
  amr: [],
  enroll: (env, _input) => enrollRecoveryCodes(env),
  confirm: (env, state, _pending, proof) => confirmRecoveryCode(env, state, proof),
  challenge: async (_env, _state) => ({ show: { challenge_type: 'recovery_code' }, pending: null, deliver: null }),
  verify: (env, state, _pending, proof) => verifyRecoveryCode(env, state, proof),
} satisfies MfaFactor;

export { generateRecoveryCodes, normaliseRecoveryCode, remainingRecoveryCodes, type RecoveryCodeState } from './codes.js';
