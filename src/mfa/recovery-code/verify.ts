import type { FactorEnv, FactorState, Proof, Verified } from '../types.js';
import { findRecoveryCode, readRecoveryState } from './codes.js';

/**
 * Use one recovery code: on success the state comes back without that code's hash. The
 * service saves it with a version check, so the code works once even under parallel requests.
 * A used code is simply absent, so it fails like any wrong code.
 */
export async function verifyRecoveryCode(env: FactorEnv, state: FactorState, proof: Proof): Promise<Verified> {
  const current = readRecoveryState(state);
  const index = findRecoveryCode(env, current, proof.recovery_code);
  if (index < 0) return { ok: false, reason: 'invalid_code' };
  return { ok: true, state: { hashes: current.hashes.filter((_, i) => i !== index) } };
}

/**
 * Prove the user kept the codes without spending one: a matching code leaves the set intact.
 * (The service normally activates the set with the first other factor, without this step.)
 */
export async function confirmRecoveryCode(env: FactorEnv, state: FactorState, proof: Proof): Promise<Verified> {
  const current = readRecoveryState(state);
  return findRecoveryCode(env, current, proof.recovery_code) < 0 ? { ok: false, reason: 'invalid_code' } : { ok: true, state: current };
}
