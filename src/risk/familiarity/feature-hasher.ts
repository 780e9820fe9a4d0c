import { createHmac, createSecretKey, hash, type KeyObject } from 'node:crypto';
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
 * Profile keys of one user. The user's own key is the first 128 bits of HMAC-SHA256 under the
 * device secret over `"fam" NUL userId`; a value's key is SHA-256 over that key (base64url) and
 * `NUL feature NUL value`, its first {@link FEATURE_KEY_BYTES} bytes, base64url. One HMAC a
 * login and a one-shot hash a feature, six times cheaper than an HMAC a feature: a secret-prefix
 * hash is a sound keyed hash here, since only 48 of its 256 bits are ever kept (length
 * extension needs them all) and nothing but equality is asked of it.
 *
 * Keyed, so a leaked profile cannot be turned back into IPs or user agents by hashing guesses
 * (IPv4 has only 2^32 values); per user, so the same IP in two profiles gives unrelated keys and
 * the store cannot link accounts through it; per feature, so an ASN and a city with the same
 * text stay apart. The `fam` label keeps these keys apart from `deviceHash`'s under one secret.
 * User ids containing NUL are not expected from a login service.
 */
export function createFeatureHasher(secret: string, userId: string): FeatureHasher {
  // 128 bits of it, so that a value's hash input fits one SHA-256 block for most values.
  const userKey = createHmac('sha256', keyOf(secret)).update(`fam\u0000${userId}`).digest().subarray(0, 16).toString('base64url');
  // The first 8 base64url characters of a 32-byte digest are exactly its first 6 bytes.
  return (feature, value) => hash('sha256', `${userKey}\u0000${feature}\u0000${value}`, 'base64url').slice(0, KEY_CHARS);
}

/** Characters of a key: {@link FEATURE_KEY_BYTES} bytes in base64url. */
const KEY_CHARS = (FEATURE_KEY_BYTES * 4) / 3;
