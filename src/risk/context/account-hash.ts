import { hash } from 'node:crypto';

/**
 * How an account appears in per-IP traffic counters: SHA-256 over the device secret, a domain
 * tag and the user id, first 16 bytes, base64url (22 characters). Redis then holds no user id
 * for events, and nobody without the secret can tell which account a counter belongs to. A
 * one-shot hash rather than an HMAC: it runs on every assessment, and a keyed prefix is enough
 * for a pseudonym (nothing here is a message to authenticate).
 */
export function accountHash(secret: string, userId: string): string {
  return hash('sha256', `${secret}\u0000vigil-account\u0000${userId}`, 'buffer').subarray(0, 16).toString('base64url');
}
