import { Secret } from 'otpauth';
import { safeEqual } from '../crypto/codes.js';
import type { FactorEnv, FactorState } from '../types.js';

/** How many codes a set has, and how many random bytes each: 10 bytes = 80 bits = 16 base32 chars. */
export const RECOVERY_CODE_COUNT = 10;
export const RECOVERY_CODE_BYTES = 10;
/** The `env.hash` purpose of recovery codes, so their hashes match no other kind of code. */
const HASH_PURPOSE = 'recovery';
const NORMALISED_RE = /^[A-Z2-7]{16}$/;

/** A recovery-code set at rest: one keyed hash per unused code, never the codes. */
export interface RecoveryCodeState {
  [key: string]: unknown;
  hashes: string[];
}

/** `XXXX-XXXX-XXXX-XXXX`: groups of four are easy to copy by hand. */
function format(base32: string): string {
  return base32.match(/.{4}/g)?.join('-') ?? base32;
}

/** Upper-case, without dashes and spaces: how a code is hashed, however it was typed. */
export function normaliseRecoveryCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]+/g, '');
}

/**
 * A new set of recovery codes, to show once: the service calls this on a user's first
 * enrollment and to regenerate (which replaces the old set). RFC 4648 base32 has no 0/1/8/9,
 * so handwriting mixes fewer of them up.
 */
export function generateRecoveryCodes(env: FactorEnv): { state: RecoveryCodeState; codes: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => format(new Secret({ size: RECOVERY_CODE_BYTES }).base32));
  return { state: { hashes: codes.map((c) => env.hash(normaliseRecoveryCode(c), HASH_PURPOSE)) }, codes };
}

export function readRecoveryState(state: FactorState): RecoveryCodeState {
  const { hashes } = state;
  if (!Array.isArray(hashes) || !hashes.every((h) => typeof h === 'string')) throw new Error('recovery-code state has no hash list');
  return { hashes };
}

/**
 * The index of the unused code `input` names, or -1. Every stored hash is compared in
 * constant time and the loop never exits early, so timing says nothing about which matched.
 */
export function findRecoveryCode(env: FactorEnv, state: RecoveryCodeState, input: string | undefined): number {
  const code = normaliseRecoveryCode(input ?? '');
  if (!NORMALISED_RE.test(code)) return -1;
  const hash = env.hash(code, HASH_PURPOSE);
  let found = -1;
  state.hashes.forEach((h, i) => {
    if (safeEqual(h, hash) && found < 0) found = i;
  });
  return found;
}

/** How many unused codes a set has left (for the authenticator list). */
export function remainingRecoveryCodes(state: FactorState): number {
  return readRecoveryState(state).hashes.length;
}
