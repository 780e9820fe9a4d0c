import { numericCode, safeEqual } from '../crypto/codes.js';
import type { Delivery, FactorEnv, Pending, Verified } from '../types.js';

/** Email, SMS and voice codes: 6 digits, valid 5 minutes (docs/api.md; Auth0's published figures). */
export const CODE_DIGITS = 6;
export const CODE_TTL_MS = 5 * 60_000;

const CODE_RE = new RegExp(`^\\d{${CODE_DIGITS}}$`);

/** What `issueCode` produces: the code to send and the pending challenge to keep. */
export interface IssuedCode {
  pending: Pending;
  deliver: Delivery;
}

/**
 * Make a one-time code for `channel`. The pending data keeps only its keyed hash — bound to
 * the user and to `channel` through `env.hash`, so a code sent by email is no good as an SMS
 * code — and the expiry; the plaintext leaves only through `deliver`.
 */
export function issueCode(env: FactorEnv, channel: Delivery['channel'], to: string, purpose: Delivery['purpose']): IssuedCode {
  const code = numericCode(CODE_DIGITS);
  return {
    pending: { data: { codeHash: env.hash(code, channel) }, expiresAtMs: env.nowMs + CODE_TTL_MS },
    deliver: { channel, to, code, purpose },
  };
}

/**
 * Check a code against the pending challenge `issueCode` made for `channel`. Single use is the
 * service's part: it deletes the pending challenge when a check succeeds.
 */
export function checkCode(env: FactorEnv, channel: Delivery['channel'], pending: Pending | null, input: string | undefined): Verified {
  const codeHash = pending?.data['codeHash'];
  if (!pending || typeof codeHash !== 'string') return { ok: false, reason: 'no_pending_challenge' };
  if (env.nowMs >= pending.expiresAtMs) return { ok: false, reason: 'expired' };
  // People paste "123 456" from the message; spaces carry no meaning.
  const code = (input ?? '').replace(/\s+/g, '');
  if (!CODE_RE.test(code)) return { ok: false, reason: 'invalid_code' };
  if (!safeEqual(env.hash(code, channel), codeHash)) return { ok: false, reason: 'invalid_code' };
  return { ok: true, state: {} };
}

/** Require the user's email (the service checks earlier and answers `email_required`). */
export function requireEmail(env: FactorEnv): string {
  if (!env.email) throw new Error('an email address is required for email codes');
  return env.email;
}

/**
 * Start the email verification step (docs/api.md, "Users without a factor": an unenrolled user
 * proves the email before enrolling) or an email factor's enrollment/challenge: a code for
 * `env.email`.
 */
export function issueEmailCode(env: FactorEnv, purpose: Delivery['purpose']): IssuedCode {
  return issueCode(env, 'email', requireEmail(env), purpose);
}

/** Check a code from `issueEmailCode`. On success `state` is `{}`; the caller keeps its own. */
export function checkEmailCode(env: FactorEnv, pending: Pending | null, code: string | undefined): Verified {
  return checkCode(env, 'email', pending, code);
}
