import { createHmac } from 'node:crypto';
import siphash24 from 'siphash24';
import type { Feature } from './features.js';
import { readKey } from './feature-key.js';
import { MAX_UA_LENGTH } from '../context/user-agent.js';

/** Maps a feature value to its profile key. */
export type FeatureHasher = (feature: Feature, value: string) => string;

/**
 * Profile keys of one user: SipHash-2-4 (Aumasson and Bernstein, 2012) over
 * `userId NUL feature NUL value` in UTF-8, its first `FEATURE_KEY_BYTES` (6) bytes, base64url.
 * SipHash is a pseudorandom function built for short inputs under a 128-bit key; the key is the
 * first 16 bytes of HMAC-SHA256 under the device secret over `vigil familiarity`, made once per
 * secret. Seven keys a login cost a few WebAssembly calls, where an HMAC or a SHA-256 through
 * node:crypto costs a call into OpenSSL each (bench/README.md).
 *
 * Keyed, so a leaked profile cannot be turned back into IPs or user agents by hashing guesses
 * (IPv4 has only 2^32 values); per user, so the same IP in two profiles gives unrelated keys and
 * the store cannot link accounts through it; per feature, so an ASN and a city with the same
 * text stay apart. The label keeps the key apart from `deviceHash`'s use of the same secret.
 * User ids containing NUL are not expected from a login service.
 */
export function createFeatureHasher(secret: string, userId: string): FeatureHasher {
  const key = keyOf(secret);
  return (feature, value) => {
    const text = `${userId}\u0000${feature}\u0000${value}`;
    const { read, written } = utf8.encodeInto(text, input);
    // All of it, unless the text is longer than any the API sends (a user id over 256 characters).
    siphash24(read === text.length ? input.subarray(0, written) : Buffer.from(text, 'utf8'), key, digest, true);
    return readKey(digest, 0);
  };
}

const utf8 = new TextEncoder();
// Room for the longest input the API sends, in UTF-8: a 256-character user id, a feature name,
// a user agent cut to MAX_UA_LENGTH (the longest value).
const input = new Uint8Array(3 * (256 + 16 + MAX_UA_LENGTH));
const digest = new Uint8Array(8);

let cached: { secret: string; key: Buffer } | null = null;
function keyOf(secret: string): Buffer {
  if (cached?.secret !== secret) cached = { secret, key: createHmac('sha256', secret).update('vigil familiarity').digest().subarray(0, 16) };
  return cached.key;
}
