import { createHash } from 'node:crypto';
import { generateRegistrationOptions, verifyRegistrationResponse } from '@simplewebauthn/server';
import { isoBase64URL } from '@simplewebauthn/server/helpers';
import type { EnrollInput, Enrolled, FactorEnv, FactorState, Pending, Proof, Verified } from '../types.js';
import { CHALLENGE_TTL_MS, newPending, readPendingChallenge } from './pending.js';
import { asRegistrationResponse } from './response.js';
import { cleanTransports, credentialOf, toFactorState } from './state.js';

/**
 * COSE algorithms offered and accepted: EdDSA, ES256, RS256 (what authenticators in use
 * support). Fixed here rather than SimpleWebAuthn's runtime-dependent default, which adds
 * ML-DSA-44 where the runtime has it: a credential enrolled on one Node must stay verifiable on
 * every Node the service runs on.
 */
export const SUPPORTED_ALGORITHM_IDS = [-8, -7, -257];

/**
 * The WebAuthn user handle (`user.id`): 32 opaque bytes, the same for every enrollment of a user.
 * WebAuthn §14.6.1 says it must not carry personal data; it is stored on the authenticator and
 * synced with passkeys, so the login service's user id must not go there. A keyed hash (the
 * server secret behind `env.hash`) keeps it unlinkable to the user id without that key; the
 * SHA-256 on top fixes its length (≤ 64 bytes, §5.4.3) whatever encoding `env.hash` returns.
 * Stable rather than random: with `excludeCredentials` an authenticator then refuses a second
 * credential for the same account instead of silently replacing the first.
 */
export function userHandle(env: FactorEnv): Uint8Array<ArrayBuffer> {
  return new Uint8Array(createHash('sha256').update(env.hash(env.userId, 'webauthn-user')).digest());
}

/**
 * Start registering a security key or passkey: creation options for
 * `navigator.credentials.create()`, and their challenge as pending state. The stored state stays
 * `{}` until `confirm` has seen the authenticator's answer.
 */
export async function enroll(env: FactorEnv, input: EnrollInput): Promise<Enrolled> {
  const handle = userHandle(env);
  // `user.name` is shown in passkey pickers and synced with the credential: the email the user
  // knows themselves by when there is one, else the opaque handle — never the raw user id.
  const userName = env.email ?? isoBase64URL.fromBuffer(handle);
  const excludeCredentials = (input.existing ?? []).flatMap((state) => {
    const credential = credentialOf(state);
    if (!credential) return []; // an enrollment never confirmed has no credential to exclude
    return [{ id: credential.credentialId, transports: credential.transports }];
  });
  const options = await generateRegistrationOptions({
    rpName: env.webauthn.rpName,
    rpID: env.webauthn.rpId,
    userName,
    userID: handle,
    userDisplayName: env.email ?? '',
    timeout: CHALLENGE_TTL_MS,
    // No attestation: we do not restrict authenticator models, and asking for it costs the user
    // a privacy prompt in some browsers for nothing we would check.
    attestationType: 'none',
    excludeCredentials,
    // A fresh object each call: the library writes `requireResidentKey` into it.
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
    supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
  });
  return { state: {}, show: { options }, pending: newPending(env, options.challenge), deliver: null };
}

/**
 * Finish registration: verify the authenticator's answer against the pending challenge, the
 * configured origins and RP ID, and return the credential to store. User verification is not
 * required: WebAuthn here is a second factor after a password, so presence is the test.
 */
export async function confirm(
  env: FactorEnv,
  _state: FactorState,
  pending: Pending | null,
  proof: Proof,
): Promise<Verified> {
  const expected = readPendingChallenge(env, pending);
  if (!expected.ok) return expected;
  const response = asRegistrationResponse(proof.credential);
  if (!response) return { ok: false, reason: 'invalid_credential' };
  let result: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
  try {
    result = await verifyRegistrationResponse({
      response,
      expectedChallenge: expected.challenge,
      expectedOrigin: env.webauthn.origins,
      expectedRPID: env.webauthn.rpId,
      requireUserVerification: false,
      supportedAlgorithmIDs: SUPPORTED_ALGORITHM_IDS,
    });
  } catch {
    // SimpleWebAuthn throws for every mismatch (challenge, origin, RP ID, malformed data):
    // for us those are all one expected outcome.
    return { ok: false, reason: 'invalid_credential' };
  }
  if (!result.verified) return { ok: false, reason: 'invalid_credential' };
  const info = result.registrationInfo;
  return {
    ok: true,
    state: toFactorState({
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: cleanTransports(info.credential.transports),
      deviceType: info.credentialDeviceType,
      backedUp: info.credentialBackedUp,
      aaguid: info.aaguid,
    }),
  };
}
