import { generateAuthenticationOptions, verifyAuthenticationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { Challenged, FactorEnv, FactorState, Pending, Proof, Verified } from '../types.js';
import { CHALLENGE_TTL_MS, newPending, readPendingChallenge } from './pending.js';
import { asAuthenticationResponse } from './response.js';
import { requireCredential, toFactorState } from './state.js';

/**
 * WebAuthn §6.1.1 and §7.2 (the signCount step): when either counter is non-zero, a new value that is not
 * greater than the stored one means the credential may be cloned. Reduced: stored 0 never
 * regresses (0 → n counts up, 0 → 0 is an authenticator without a counter, as synced passkeys
 * are); a drop from a non-zero value to 0 does, as the spec editors read it (w3c/webauthn#1734),
 * so a clone cannot dodge the check, or reset the stored baseline, by answering 0.
 */
export function counterRegressed(stored: number, next: number): boolean {
  return stored > 0 && next <= stored;
}

/** Start a login: request options for `navigator.credentials.get()` limited to this credential. */
export async function challenge(env: FactorEnv, state: FactorState): Promise<Challenged> {
  const credential = requireCredential(state);
  const options = await generateAuthenticationOptions({
    rpID: env.webauthn.rpId,
    allowCredentials: [
      {
        id: credential.credentialId,
        // An empty list would read as "no transport works"; without hints the browser tries all.
        ...(credential.transports.length > 0 ? { transports: credential.transports } : {}),
      },
    ],
    userVerification: 'preferred',
    timeout: CHALLENGE_TTL_MS,
  });
  return { show: { challenge_type: 'webauthn', options }, pending: newPending(env, options.challenge), deliver: null };
}

/**
 * Check a login assertion: the pending challenge, origin, RP ID, user presence and signature
 * (SimpleWebAuthn), that it comes from this authenticator's credential, and the sign counter.
 * On success the state to save carries the new counter.
 */
export async function verify(
  env: FactorEnv,
  state: FactorState,
  pending: Pending | null,
  proof: Proof,
): Promise<Verified> {
  const expected = readPendingChallenge(env, pending);
  if (!expected.ok) return expected;
  const credential = requireCredential(state);
  const response = asAuthenticationResponse(proof.credential);
  if (!response) return { ok: false, reason: 'invalid_credential' };
  // The signature does not cover the credential id, and SimpleWebAuthn checks the key it is
  // given, not the id the client names: matching the id is ours to do.
  if (isoBase64URL.trimPadding(response.id) !== credential.credentialId) {
    return { ok: false, reason: 'invalid_credential' };
  }
  let result: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
  try {
    result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: env.webauthn.origins,
      expectedRPID: env.webauthn.rpId,
      credential: {
        id: credential.credentialId,
        publicKey: isoBase64URL.toBuffer(credential.publicKey),
        // 0 turns off the library's own counter check, which runs before the signature check:
        // anyone holding an mfa_token could then raise a clone alarm with a forged low counter.
        // We compare counters below, once the signature has proved the authenticator spoke.
        counter: 0,
      },
      requireUserVerification: false,
    });
  } catch {
    return { ok: false, reason: 'invalid_credential' };
  }
  if (!result.verified) return { ok: false, reason: 'invalid_credential' };
  const { newCounter, credentialBackedUp } = result.authenticationInfo;
  if (counterRegressed(credential.counter, newCounter)) return { ok: false, reason: 'counter_regressed' };
  return { ok: true, state: toFactorState({ ...credential, counter: newCounter, backedUp: credentialBackedUp }) };
}
