import type { MfaFactor } from '../types.js';
import { confirm, enroll } from './enroll.js';
import { challenge, verify } from './verify.js';

/**
 * WebAuthn security keys and passkeys as a second factor, on SimpleWebAuthn.
 *
 * `amr` (RFC 8176 §2): `pop` and `user`, not `hwk`. A verification proves possession of the
 * credential's private key (`pop`) and a user-presence test (`user`: the UP flag, which
 * SimpleWebAuthn requires on every assertion). `hwk` would claim the key is hardware-bound, which
 * we cannot know: we ask for no attestation, synced passkeys live in cloud keychains, and a
 * software authenticator (the one in our own tests) verifies just the same. Neither `pin` nor
 * `fpt`: user verification is preferred, not required, and its method is not reported.
 */
export const webauthn = {
  type: 'webauthn',
  amr: ['pop', 'user'],
  enroll,
  confirm,
  challenge,
  verify,
} satisfies MfaFactor;
