import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { CodePurpose } from './delivery/templates.js';
import type { MfaTokenRecord } from '../stores/mfa/mfa-store.js';
import type { Delivery } from './types.js';
import { takeAttempt } from './limits.js';

/**
 * Take one send from the sending limits (emails: burst 20 then 1 a minute per user, and per
 * IP). Callers take it before they save the new code's hash with the token: a refused resend
 * must leave the code the user already received valid.
 */
export async function reserveSend(deps: Pick<MfaDeps, 'mfa' | 'now' | 'config' | 'metrics'>, record: MfaTokenRecord, d: Delivery): Promise<void> {
  await takeAttempt(deps, record, `send:${d.channel}`, 'emailsSent', 'ipEmailsSent');
}

/** Send a code a factor produced, after {@link reserveSend}. The code itself never reaches a log or an answer. */
export async function deliverCode(deps: Pick<MfaDeps, 'mfa'>, d: Delivery, purpose: CodePurpose = d.purpose): Promise<void> {
  try {
    if (d.channel === 'email') {
      if (!deps.mfa.mailer) throw new Error('no mailer');
      await deps.mfa.mailer.sendCode(d.to, purpose, d.code);
    } else {
      if (!deps.mfa.phone) throw new Error('no phone provider');
      await deps.mfa.phone.sendCode(d.to, d.channel, purpose, d.code);
    }
  } catch (err) {
    throw new VigilError('store_unavailable', `could not queue the ${d.channel} message; retry`, { cause: err });
  }
}

/** `a***@example.com`: enough for the user to recognise, not enough to harvest. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}
