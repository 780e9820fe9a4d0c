import { randomUUID } from 'node:crypto';
import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import { factorAssurance } from './assurance.js';
import { enrollableTypes } from './enrollable-types.js';
import { factors } from './factors.js';
import { generateRecoveryCodes } from './recovery-code/index.js';
import { isE164 } from './sms/index.js';
import type { AuthenticatorRecord } from '../stores/mfa/mfa-store.js';
import type { FactorType, Proof } from './types.js';
import { deliverCode, reserveSend } from './deliver-code.js';
import { failure } from './failure.js';
import { finishLogin, type MfaResult } from './finish.js';
import { rememberBrowser, rememberedUntil } from './remember-browser.js';
import { takeVerifyAttempt } from './limits.js';
import { factorEnv, openSession, saveSession } from './session.js';

export interface AssociateInput {
  authenticator_type: FactorType;
  phone_number?: string | undefined;
  name?: string | undefined;
}

/**
 * Start enrolling an authenticator (inactive until confirmed). Allowed after the email step
 * for a user with no factor, or after a factor was proven with this token. The first
 * enrollment also returns recovery codes, shown this once.
 */
export async function associate(deps: MfaDeps, caller: Caller, mfaToken: string, input: AssociateInput): Promise<Record<string, unknown>> {
  const session = await openSession(deps, caller, mfaToken);
  const { record } = session;
  const type = input.authenticator_type;
  if (!enrollableTypes(deps, record.email).includes(type)) {
    throw new VigilError('unsupported_authenticator_type', `"${type}" cannot be enrolled here; offered: ${enrollableTypes(deps, record.email).join(', ')}`);
  }
  if ((type === 'sms' || type === 'voice') && !isE164(input.phone_number ?? '')) {
    throw new VigilError('invalid_request', 'phone_number must be an E.164 number, e.g. +14155550123');
  }
  const all = await deps.mfa.store.authenticators(record.userId);
  // Recovery codes alone do not make a user enrolled: the email step opens the first enrollment.
  const active = all.filter((a) => a.active && a.type !== 'recovery-code');
  if (active.length === 0 ? !record.emailVerified : !record.factorVerified) {
    if (active.length === 0) throw new VigilError('email_verification_required', 'verify the email address with this mfa_token first');
    throw new VigilError('invalid_grant', 'prove an existing authenticator with this mfa_token before adding another');
  }
  const cap = deps.config.mfa.maxAuthenticatorsPerUser;
  if (active.length >= cap) {
    throw new VigilError('forbidden', `the user has ${active.length} authenticators, the most allowed (mfa.maxAuthenticatorsPerUser); remove one first`);
  }

  const env = factorEnv(deps, record);
  const enrolled = await factors[type].enroll(env, {
    phoneNumber: input.phone_number,
    name: input.name,
    existing: all.filter((a) => a.type === type && a.active).map((a) => a.state),
  });
  // Before anything is dropped or saved: a refused send leaves the enrollment in progress as it was.
  if (enrolled.deliver) await reserveSend(deps, record, enrolled.deliver);
  // An enrollment started earlier and never confirmed is dropped: one unconfirmed at a time.
  for (const stale of all.filter((a) => !a.active && a.type !== 'recovery-code')) {
    await deps.mfa.store.deleteAuthenticator(record.userId, stale);
  }
  const authenticator: AuthenticatorRecord = {
    id: randomUUID(),
    type,
    active: false,
    name: input.name ?? null,
    createdAtMs: env.nowMs,
    state: enrolled.state,
    version: 0,
  };
  await deps.mfa.store.saveAuthenticator(record.userId, authenticator, -1);

  // Recovery codes come with the first factor; until it is confirmed they stay inactive.
  let recoveryCodes: string[] | undefined;
  if (!all.some((a) => a.type === 'recovery-code' && a.active)) {
    for (const stale of all.filter((a) => a.type === 'recovery-code')) await deps.mfa.store.deleteAuthenticator(record.userId, stale);
    const generated = generateRecoveryCodes(env);
    recoveryCodes = generated.codes;
    const rc: AuthenticatorRecord = { ...authenticator, id: randomUUID(), type: 'recovery-code', name: null, state: generated.state };
    await deps.mfa.store.saveAuthenticator(record.userId, rc, -1);
  }

  await saveSession(deps, session, {
    ...record,
    pending: { authenticatorId: authenticator.id, purpose: 'enroll', pending: enrolled.pending ?? { data: {}, expiresAtMs: record.expiresAtMs } },
  });
  if (enrolled.deliver) await deliverCode(deps, enrolled.deliver);
  deps.metrics.mfaEnrollments.inc({ factor: type, result: 'started' });
  return {
    authenticator_id: authenticator.id,
    authenticator_type: type,
    ...enrolled.show,
    ...(recoveryCodes ? { recovery_codes: recoveryCodes } : {}),
  };
}

/**
 * Activate an authenticator with its first proof (a TOTP code, an emailed code, a WebAuthn
 * attestation). The first proof is also this login's second factor: with `remember`, the login's
 * browser is then remembered (`rememberBrowser`).
 */
export async function confirmAssociation(
  deps: MfaDeps,
  caller: Caller,
  mfaToken: string,
  authenticatorId: string,
  proof: Proof,
  remember = false,
): Promise<{ authenticator_id: string; active: true; remembered_until?: string } & Partial<MfaResult>> {
  let session = await openSession(deps, caller, mfaToken);
  const { record } = session;
  const pending = record.pending;
  if (!pending || pending.purpose !== 'enroll' || pending.authenticatorId !== authenticatorId) {
    throw new VigilError('invalid_grant', 'no enrollment of this authenticator is in progress with this mfa_token');
  }
  const all = await deps.mfa.store.authenticators(record.userId);
  const authenticator = all.find((a) => a.id === authenticatorId && !a.active);
  if (!authenticator) throw new VigilError('invalid_grant', 'no enrollment of this authenticator is in progress with this mfa_token');

  const factor = factors[authenticator.type];
  const attempt = await takeVerifyAttempt(deps, record, authenticator.type);
  const checked = await factor.confirm(factorEnv(deps, record), authenticator.state, pending.pending, proof);
  if (!checked.ok) {
    deps.metrics.mfaEnrollments.inc({ factor: authenticator.type, result: 'failed' });
    throw failure(checked.reason);
  }
  await attempt.refund();
  const saved = await deps.mfa.store.saveAuthenticator(record.userId, { ...authenticator, active: true, state: checked.state }, authenticator.version);
  if (!saved) throw new VigilError('invalid_grant', 'this authenticator changed meanwhile; start again');
  for (const rc of all.filter((a) => a.type === 'recovery-code' && !a.active)) {
    await deps.mfa.store.saveAuthenticator(record.userId, { ...rc, active: true }, rc.version);
  }
  deps.metrics.mfaEnrollments.inc({ factor: authenticator.type, result: 'confirmed' });

  session = await saveSession(deps, session, { ...record, pending: null, factorVerified: true });
  // The email step may have finished the login already (optional enrollment): this proof of a
  // factor may still remember the browser.
  const result = record.resultIssued ? null : await finishLogin(deps, session, factorAssurance(factor.amr));
  if (result) await saveSession(deps, session, { ...session.record, resultIssued: true });
  const remembered = remember ? await rememberBrowser(deps, record, authenticator) : null;
  return { authenticator_id: authenticatorId, active: true, ...result, ...rememberedUntil(remembered) };
}
