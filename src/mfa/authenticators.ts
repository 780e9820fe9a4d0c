import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import { generateRecoveryCodes } from './recovery-code/index.js';
import type { AuthenticatorRecord } from '../stores/mfa/mfa-store.js';
import { factorEnv, openSession } from './session.js';
import { storeCall } from '../platform/store-call.js';

/** An authenticator as callers see it: never its state (secrets, hashes, keys). */
export interface AuthenticatorView {
  id: string;
  authenticator_type: string;
  active: boolean;
  name: string | null;
  created_at: string;
}

export function viewOf(a: AuthenticatorRecord): AuthenticatorView {
  return { id: a.id, authenticator_type: a.type, active: a.active, name: a.name, created_at: new Date(a.createdAtMs).toISOString() };
}

/** `GET /v1/mfa/authenticators`: the token's user's active authenticators. */
export async function listForToken(deps: Pick<MfaDeps, 'mfa' | 'now'>, caller: Caller, mfaToken: string): Promise<AuthenticatorView[]> {
  const { record } = await openSession(deps, caller, mfaToken);
  return storeCall('the MFA store', async () => (await deps.mfa.store.authenticators(record.userId)).filter((a) => a.active).map(viewOf));
}

/**
 * Replace the recovery codes after a factor was proven with this token; the new set is shown
 * once. Only a set that exists is replaced, and only while the user has an active factor: codes
 * are a way back to that factor, never a first or only one (docs/security.md, item 3).
 */
export async function regenerateRecoveryCodes(deps: Pick<MfaDeps, 'mfa' | 'now' | 'config'>, caller: Caller, mfaToken: string): Promise<{ recovery_codes: string[] }> {
  const { record } = await openSession(deps, caller, mfaToken);
  if (!record.factorVerified) throw new VigilError('invalid_grant', 'prove an authenticator with this mfa_token first');
  const env = factorEnv(deps, record);
  const all = await storeCall('the MFA store', () => deps.mfa.store.authenticators(record.userId));
  if (!all.some((a) => a.active && a.type !== 'recovery-code')) {
    throw new VigilError('association_required', 'the user has no active authenticator; enroll one first');
  }
  const current = all.find((a) => a.type === 'recovery-code' && a.active);
  if (!current) throw new VigilError('association_required', 'the user has no recovery codes to replace; they come with the first authenticator');
  const generated = generateRecoveryCodes(env);
  const ok = await storeCall('the MFA store', () => deps.mfa.store.saveAuthenticator(record.userId, { ...current, state: generated.state }, current.version));
  if (!ok) throw new VigilError('invalid_grant', 'the recovery codes changed meanwhile; try again');
  return { recovery_codes: generated.codes };
}

/** Admin: every authenticator of a user, active or not. */
export async function adminList(deps: Pick<MfaDeps, 'mfa'>, userId: string): Promise<AuthenticatorView[]> {
  return storeCall('the MFA store', async () => (await deps.mfa.store.authenticators(userId)).map(viewOf));
}

/**
 * Admin: remove one authenticator, ending the user's live mfa_tokens and forgetting the browsers
 * remembered for them: an authenticator is removed when it is lost or stolen, and a browser may
 * have been remembered by it. Unknown ids are a 404 (admins may know that users exist).
 */
export async function adminDelete(deps: Pick<MfaDeps, 'mfa'>, userId: string, authenticatorId: string): Promise<{ deleted: string }> {
  const found = (await storeCall('the MFA store', () => deps.mfa.store.authenticators(userId))).find((a) => a.id === authenticatorId);
  if (!found) throw new VigilError('not_found', `user has no authenticator ${authenticatorId}`);
  await storeCall('the MFA store', async () => {
    await deps.mfa.store.deleteAuthenticator(userId, found);
    await deps.mfa.store.endTokens(userId);
    await deps.mfa.store.forgetBrowsers(userId);
  });
  return { deleted: authenticatorId };
}

/**
 * Admin: reset a user's MFA (authenticators and remembered browsers); the next challenge starts
 * with email verification again. Every live mfa_token of the user ends with it: a token that
 * proved a factor before the reset must not carry that proof past it (docs/security.md, item 3).
 */
export async function adminReset(deps: Pick<MfaDeps, 'mfa'>, userId: string): Promise<{ reset: true }> {
  await storeCall('the MFA store', async () => {
    await deps.mfa.store.resetUser(userId);
    await deps.mfa.store.endTokens(userId);
  });
  return { reset: true };
}

/**
 * Admin: forget every browser remembered for a user (docs/risk-model.md, "Remembered browsers"),
 * as after a stolen laptop; the `always` policy challenges each of them again. A reset forgets
 * them too.
 */
export async function adminForgetBrowsers(deps: Pick<MfaDeps, 'mfa'>, userId: string): Promise<{ forgotten: number }> {
  return { forgotten: await storeCall('the MFA store', () => deps.mfa.store.forgetBrowsers(userId)) };
}
