import type { MfaFactor } from '../types.js';
import { challengePhone } from '../sms/phone.js';
import { enrollVoice } from './enroll.js';
import { verifyVoice } from './verify.js';

/** One-time codes read out in a phone call (Auth0's `voice`), through the configured PhoneProvider. */
export const voice = {
  type: 'voice',
  // RFC 8176 §2: "tel — Confirmation by telephone call to the user at a registered number".
  amr: ['tel'],
  enroll: enrollVoice,
  confirm: verifyVoice,
  challenge: (env, state) => challengePhone(env, state, 'voice'),
  verify: verifyVoice,
} satisfies MfaFactor;
