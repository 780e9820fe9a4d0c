import type { EnrollInput, Enrolled, FactorEnv } from '../types.js';
import { enrollPhone } from '../sms/phone.js';

/** Enroll a number for codes read out in a phone call (E.164 in `input.phoneNumber`). */
export function enrollVoice(env: FactorEnv, input: EnrollInput): Promise<Enrolled> {
  return enrollPhone(env, input, 'voice');
}
