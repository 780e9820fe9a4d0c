import type { FactorEnv, FactorState, Pending, Proof, Verified } from '../types.js';
import { verifyPhone } from './phone.js';

/** Check an SMS code against the pending challenge. */
export function verifySms(env: FactorEnv, state: FactorState, pending: Pending | null, proof: Proof): Promise<Verified> {
  return verifyPhone(env, state, pending, proof, 'sms');
}
