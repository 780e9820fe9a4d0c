import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import { EMAIL_VERIFICATION_ASSURANCE } from './assurance.js';
import { CODE_TTL_MS, checkEmailCode, issueEmailCode } from './email/code.js';
import { deliverCode, maskEmail, reserveSend } from './deliver-code.js';
import { finishLogin, type MfaResult } from './finish.js';
import { takeAttempt } from './limits.js';
import { factorEnv, openSession, refuseAfterResult, saveSession, type MfaSession } from './session.js';
import { failure } from './failure.js';

/**
 * The email step of an unenrolled user (docs/api.md, "Users without a factor"): a 6-digit code to
 * the email the login service gave, valid 5 minutes, single use. Users with a factor are challenged
 * on it instead.
 */
export async function startEmailVerification(
  deps: MfaDeps,
  caller: Caller,
  mfaToken: string,
): Promise<{ sent: true; to: string; expires_in: number }> {
  const session = await openSession(deps, caller, mfaToken);
  refuseAfterResult(session.record);
  const email = await requireUnenrolledWithEmail(deps, session);
  const env = factorEnv(deps, session.record);
  const issued = issueEmailCode(env, 'enroll');
  await reserveSend(deps, session.record, issued.deliver);
  await saveSession(deps, session, { ...session.record, emailCode: issued.pending });
  await deliverCode(deps, issued.deliver, 'verify_email');
  return { sent: true, to: maskEmail(email), expires_in: CODE_TTL_MS / 1000 };
}

export type EmailVerified =
  | { email_verified: true; next: 'enroll'; enrollment: 'required' }
  | ({ email_verified: true; next: 'done'; enrollment: 'optional' } & MfaResult);

/**
 * Check the emailed code. With optional enrollment the login is done, and its result says a
 * mailbox was proven, not a second factor (docs/security.md, item 9). With required enrollment,
 * or when the login service asked for step-up (which a mailbox cannot answer), the user must now
 * enroll, and the first proof of the new factor gives the multi-factor result.
 */
export async function verifyEmail(deps: MfaDeps, caller: Caller, mfaToken: string, code: string): Promise<EmailVerified> {
  let session = await openSession(deps, caller, mfaToken);
  refuseAfterResult(session.record);
  await requireUnenrolledWithEmail(deps, session);
  const { record } = session;
  const attempt = await takeAttempt(deps, record, 'verify:email-verification', 'verifyFailures', 'ipVerifyFailures');
  const checked = checkEmailCode(factorEnv(deps, record), record.emailCode, code);
  if (!checked.ok) {
    deps.metrics.mfaVerifications.inc({ factor: 'email_verification', result: checked.reason });
    throw failure(checked.reason);
  }
  await attempt.refund();
  // The version check in saveSession makes the code single use, even for parallel requests.
  session = await saveSession(deps, session, { ...record, emailVerified: true, emailCode: null });
  deps.metrics.mfaVerifications.inc({ factor: 'email_verification', result: 'ok' });
  if (record.enrollment === 'required' || record.stepUp) {
    return { email_verified: true, next: 'enroll', enrollment: 'required' };
  }
  const result = await finishLogin(deps, session, EMAIL_VERIFICATION_ASSURANCE);
  await saveSession(deps, session, { ...session.record, resultIssued: true });
  return { email_verified: true, next: 'done', enrollment: 'optional', ...result };
}

async function requireUnenrolledWithEmail(deps: Pick<MfaDeps, 'mfa'>, session: MfaSession): Promise<string> {
  const { record } = session;
  if (!record.email || !deps.mfa.mailer) {
    throw new VigilError('unsupported_authenticator_type', 'email verification needs an email address and email delivery');
  }
  // Recovery codes alone do not make a user enrolled (the policy sends such users here too).
  const active = (await deps.mfa.store.authenticators(record.userId)).filter((a) => a.active && a.type !== 'recovery-code');
  if (active.length > 0) {
    throw new VigilError('invalid_request', 'this user has an authenticator: use /v1/mfa/challenge instead of email verification');
  }
  return record.email;
}
