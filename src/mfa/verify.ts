import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import { factorAssurance } from './assurance.js';
import { factors } from './factors.js';
import { remainingRecoveryCodes } from './recovery-code/index.js';
import type { AuthenticatorRecord } from '../stores/mfa/mfa-store.js';
import type { Proof } from './types.js';
import { failure } from './failure.js';
import { finishLogin, type MfaResult } from './finish.js';
import { rememberBrowser, rememberedUntil } from './remember-browser.js';
import { takeVerifyAttempt } from './limits.js';
import { factorEnv, openSession, refuseAfterResult, saveSession } from './session.js';

export interface VerifyInput extends Proof {
  authenticator_id?: string | undefined;
}

/** Which authenticator a proof is for: named, the one challenged, or the only kind that fits the proof. */
function target(active: readonly AuthenticatorRecord[], input: VerifyInput, challengedId: string | null): AuthenticatorRecord | undefined {
  if (input.authenticator_id) return active.find((a) => a.id === input.authenticator_id);
  if (input.recovery_code !== undefined) return active.find((a) => a.type === 'recovery-code');
  if (challengedId) {
    const challenged = active.find((a) => a.id === challengedId);
    if (challenged) return challenged;
  }
  if (input.otp !== undefined) return active.find((a) => a.type === 'otp');
  return undefined;
}

/**
 * Check a second factor. One attempt is taken from the limits before checking, and given back
 * on success; the authenticator's new state (last TOTP step, counter, remaining recovery codes)
 * is saved with a version check, so a code works once even when sent twice in parallel. With
 * `remember`, the login's browser is then remembered (`rememberBrowser`).
 */
export async function verify(
  deps: MfaDeps,
  caller: Caller,
  mfaToken: string,
  input: VerifyInput,
  remember = false,
): Promise<MfaResult & { authenticator_type: string; recovery_codes_remaining?: number; remembered_until?: string }> {
  let session = await openSession(deps, caller, mfaToken);
  const { record } = session;
  refuseAfterResult(record);
  const active = (await deps.mfa.store.authenticators(record.userId)).filter((a) => a.active);
  // Recovery codes are a way back to a factor, not one: alone they would skip the email step
  // the policy asks of a user without a factor (docs/security.md, item 3).
  if (!active.some((a) => a.type !== 'recovery-code')) throw new VigilError('association_required', 'the user has no authenticator; verify the email and enroll one');
  const challenged = record.pending?.purpose === 'challenge' ? record.pending : null;
  const authenticator = target(active, input, challenged?.authenticatorId ?? null);
  if (!authenticator) throw new VigilError('invalid_request', 'say which authenticator: authenticator_id, otp, recovery_code, or answer a challenge');
  const pending = challenged?.authenticatorId === authenticator.id ? challenged.pending : null;

  const attempt = await takeVerifyAttempt(deps, record, authenticator.type);
  const factor = factors[authenticator.type];
  const checked = await factor.verify(factorEnv(deps, record), authenticator.state, pending, input);
  if (!checked.ok) {
    deps.metrics.mfaVerifications.inc({ factor: authenticator.type, result: checked.reason });
    throw failure(checked.reason);
  }
  const saved = await deps.mfa.store.saveAuthenticator(record.userId, { ...authenticator, state: checked.state }, authenticator.version);
  if (!saved) {
    deps.metrics.mfaVerifications.inc({ factor: authenticator.type, result: 'replayed' });
    throw failure('replayed');
  }
  await attempt.refund();
  deps.metrics.mfaVerifications.inc({ factor: authenticator.type, result: 'ok' });

  session = await saveSession(deps, session, { ...record, pending: pending ? null : record.pending, factorVerified: true, resultIssued: true });
  const result = await finishLogin(deps, session, factorAssurance(factor.amr));
  const remaining = authenticator.type === 'recovery-code' ? remainingRecoveryCodes(checked.state) : undefined;
  const remembered = remember ? await rememberBrowser(deps, record, authenticator) : null;
  return {
    ...result,
    authenticator_type: authenticator.type,
    ...(remaining !== undefined ? { recovery_codes_remaining: remaining } : {}),
    ...rememberedUntil(remembered),
  };
}
