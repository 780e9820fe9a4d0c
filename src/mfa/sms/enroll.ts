import type { EnrollInput, Enrolled, FactorEnv } from '../types.js';
import { enrollPhone } from './phone.js';

/** Enroll a number for SMS codes (E.164 in `input.phoneNumber`). */
export function enrollSms(env: FactorEnv, input: EnrollInput): Promise<Enrolled> {
  return enrollPhone(env, input, 'sms');
}
