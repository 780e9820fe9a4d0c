import type { MfaDeps } from './mfa-deps.js';
import { VigilError } from '../errors.js';
import type { Caller } from '../caller.js';
import { enrollableTypes } from './enrollable-types.js';
import { factors } from './factors.js';
import type { AuthenticatorRecord } from '../stores/mfa/mfa-store.js';
import type { FactorType } from './types.js';
import { deliverCode, reserveSend } from './deliver-code.js';
import { factorEnv, openSession, refuseAfterResult, saveSession } from './session.js';

/** Auth0's challenge types, and ours: `oob` is a code sent out of band (email, SMS, voice). */
export const CHALLENGE_TYPES = ['otp', 'oob', 'webauthn'] as const;
export type ChallengeType = (typeof CHALLENGE_TYPES)[number];

const TYPES_OF: Record<ChallengeType, readonly FactorType[]> = {
  otp: ['otp'],
  oob: ['email', 'sms', 'voice'],
  webauthn: ['webauthn'],
};

/** Pick the authenticator to challenge: by id, or the oldest active one answering the challenge type. */
export function pickAuthenticator(
  active: readonly AuthenticatorRecord[],
  by: { authenticatorId?: string | undefined; challengeType?: ChallengeType | undefined },
): AuthenticatorRecord {
  if (by.authenticatorId) {
    const a = active.find((x) => x.id === by.authenticatorId);
    if (!a) throw new VigilError('invalid_request', 'authenticator_id names no active authenticator of this user');
    return a;
  }
  const wanted = TYPES_OF[by.challengeType ?? 'otp'];
  const a = active.find((x) => wanted.includes(x.type));
  if (!a) throw new VigilError('unsupported_challenge_type', `no active authenticator answers challenge type "${by.challengeType ?? 'otp'}"`);
  return a;
}

/**
 * Start a login challenge: an emailed or texted code, WebAuthn assertion options, or for TOTP
 * just the instruction to enter a code.
 */
export async function challenge(
  deps: MfaDeps,
  caller: Caller,
  mfaToken: string,
  by: { authenticatorId?: string | undefined; challengeType?: ChallengeType | undefined },
): Promise<Record<string, unknown>> {
  const session = await openSession(deps, caller, mfaToken);
  const { record } = session;
  refuseAfterResult(record);
  const active = (await deps.mfa.store.authenticators(record.userId)).filter((a) => a.active && a.type !== 'recovery-code');
  if (active.length === 0) throw new VigilError('association_required', 'the user has no authenticator; verify the email and enroll one');
  // Email, SMS and voice answer only when this login can deliver: an address, a provider.
  const deliverable = enrollableTypes(deps, record.email);
  const authenticator = pickAuthenticator(active.filter((a) => deliverable.includes(a.type)), by);
  const started = await factors[authenticator.type].challenge(factorEnv(deps, record), authenticator.state);
  if (started.deliver) await reserveSend(deps, record, started.deliver);
  if (started.pending) {
    await saveSession(deps, session, {
      ...record,
      pending: { authenticatorId: authenticator.id, purpose: 'challenge', pending: started.pending },
    });
  }
  if (started.deliver) await deliverCode(deps, started.deliver);
  deps.metrics.mfaChallenges.inc({ factor: authenticator.type });
  return { authenticator_id: authenticator.id, authenticator_type: authenticator.type, ...started.show };
}
