import type { FactorEnv, FactorState, Pending, Proof, Verified } from '../types.js';
import { checkEmailCode } from './code.js';

/**
 * Check an emailed code. Auth0's clients send it as `binding_code`; `otp` is accepted too,
 * since to the user it is simply "the code". The factor's state comes back unchanged.
 */
export async function verifyEmail(env: FactorEnv, state: FactorState, pending: Pending | null, proof: Proof): Promise<Verified> {
  const result = checkEmailCode(env, pending, proof.binding_code ?? proof.otp);
  return result.ok ? { ok: true, state } : result;
}
