import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** A uniformly random numeric code (email/SMS codes: 6 digits, docs/api.md). */
export function numericCode(digits = 6): string {
  return String(randomInt(0, 10 ** digits)).padStart(digits, '0');
}

/** A random opaque token (mfa_token): 32 bytes, base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** SHA-256 hex, for high-entropy values (tokens) whose hash is a lookup key. */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/**
 * Keyed hash for low-entropy codes (6 digits, recovery codes): HMAC-SHA256 with a server
 * secret and a context (user, purpose), so a dump of Redis does not reveal codes by brute force.
 */
export function hashCode(secret: string, context: string, code: string): string {
  return createHmac('sha256', secret).update(context).update('\u0000').update(code).digest('base64url');
}

/** Constant-time equality of two strings (different lengths compare unequal, still in constant time for the longer). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'utf8');
  const bb = Buffer.from(b, 'utf8');
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab);
    return false;
  }
  return timingSafeEqual(ab, bb);
}
