import type { MfaFactor } from '../types.js';
import { enrollSms } from './enroll.js';
import { challengePhone } from './phone.js';
import { verifySms } from './verify.js';

/** One-time codes by text message (Auth0's `sms`), sent through the configured PhoneProvider. */
export const sms = {
  type: 'sms',
  // RFC 8176 §2: "sms — Confirmation using SMS text message to the user at a registered number".
  amr: ['sms'],
  enroll: enrollSms,
  confirm: verifySms,
  challenge: (env, state) => challengePhone(env, state, 'sms'),
  verify: verifySms,
} satisfies MfaFactor;

export { isE164, E164_RE, type PhoneState } from './phone.js';
