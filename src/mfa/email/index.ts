import type { MfaFactor } from '../types.js';
import { issueEmailCode } from './code.js';
import { enrollEmail } from './enroll.js';
import { verifyEmail } from './verify.js';

/**
 * One-time codes by email (Auth0's `email` authenticator). Sending is the service's part:
 * enroll and challenge return the code in `deliver`.
 */
export const emailFactor = {
  type: 'email',
  // RFC 8176 has no "email" method. An emailed code is a one-time password, so `otp`; `sms`
  // and `tel` name phone channels, and claiming one would mislead a relying party.
  amr: ['otp'],
  enroll: (env, _input) => enrollEmail(env),
  confirm: verifyEmail,
  challenge: async (env, _state) => {
    const { pending, deliver } = issueEmailCode(env, 'challenge');
    return { show: { challenge_type: 'oob', oob_channel: 'email', binding_method: 'prompt' }, pending, deliver };
  },
  verify: verifyEmail,
} satisfies MfaFactor;
