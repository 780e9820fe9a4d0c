import type { Enrolled, FactorEnv } from '../types.js';
import { generateRecoveryCodes } from './codes.js';

/** A fresh set, shown once as `recovery_codes` (Auth0's name); nothing to deliver or confirm. */
export async function enrollRecoveryCodes(env: FactorEnv): Promise<Enrolled> {
  const { state, codes } = generateRecoveryCodes(env);
  return { state, show: { recovery_codes: codes }, pending: null, deliver: null };
}
