import type { FactorEnv, FactorState, Pending, Proof, Verified } from '../types.js';
import { verifyPhone } from '../sms/phone.js';

/** Check a code heard in a call against the pending challenge. */
export function verifyVoice(env: FactorEnv, state: FactorState, pending: Pending | null, proof: Proof): Promise<Verified> {
  return verifyPhone(env, state, pending, proof, 'voice');
}
