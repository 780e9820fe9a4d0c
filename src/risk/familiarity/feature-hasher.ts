import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { Feature } from './features.js';

/**
 * Bytes kept of each keyed hash: 48 bits, 8 base64url characters. A profile holds at most 32
 * values per feature (`familiarity.maxValuesPerFeature`, default 8), so the chance that a value
 * the user never showed matches one of theirs by accident is ≤ 32 / 2^48 ≈ 1.1 × 10⁻¹³ per
 * feature and login (≈ 3 × 10⁻¹⁴ at the default), and without the secret an attacker cannot aim
 * for one. Short keys keep a typical profile far under 1 KB.
 */
export const FEATURE_KEY_BYTES = 6;

/** Maps a feature value to its profile key. */
export type FeatureHasher = (feature: Feature, value: string) => string;

// The secret as a KeyObject, made once: a string key is encoded again by every createHmac.
let cached: { secret: string; key: KeyObject } | null = null;
function keyOf(secret: string): KeyObject {
  if (cached?.secret !== secret) cached = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return cached.key;
}

/**
 * Profile keys of one user: HMAC-SHA256 under the device secret over
 * `"fam" NUL userId NUL feature NUL value`, first {@link FEATURE_KEY_BYTES} bytes, base64url.
 *
 * Keyed, so a leaked profile cannot be turned back into IPs or user agents by hashing guesses
 * (IPv4 has only 2^32 values); per user, so the same IP in two profiles gives unrelated keys and
 * the store cannot link accounts through it; per feature, so an ASN and a city with the same
 * text stay apart. The `fam` label keeps these keys apart from `deviceHash`'s under one secret.
 * User ids containing NUL are not expected from a login service.
 */
export function createFeatureHasher(secret: string, userId: string): FeatureHasher {
  const key = keyOf(secret);
  const prefix = `fam\u0000${userId}\u0000`;
  return (feature, value) =>
    createHmac('sha256', key).update(`${prefix}${feature}\u0000${value}`).digest().subarray(0, FEATURE_KEY_BYTES).toString('base64url');
}
