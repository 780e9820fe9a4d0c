import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';

/**
 * The stored form of a device cookie: HMAC-SHA256 under the device secret over
 * `userId + "\0" + deviceId`, first 16 bytes, base64url (22 characters).
 *
 * Keyed, so a leaked history cannot be turned back into cookie values by hashing guesses;
 * per user, so one cookie value presented for two accounts gives two unrelated hashes and
 * the store cannot link the accounts. 128 bits is ample against collisions within one user's
 * few dozen devices. The NUL separator keeps `("ab", "c")` apart from `("a", "bc")`; user ids
 * containing NUL are not expected from a login service.
 */
export function deviceHash(secret: string, userId: string, deviceId: string): string {
  return createHmac('sha256', keyOf(secret)).update(`${userId}\u0000${deviceId}`).digest().subarray(0, 16).toString('base64url');
}

// The secret as a KeyObject, made once: a string key is encoded again by every createHmac.
let cached: { secret: string; key: KeyObject } | null = null;
function keyOf(secret: string): KeyObject {
  if (cached?.secret !== secret) cached = { secret, key: createSecretKey(Buffer.from(secret, 'utf8')) };
  return cached.key;
}
