import { createHmac } from 'node:crypto';

/**
 * How an account appears in per-IP traffic counters: HMAC-SHA256 under the device secret over
 * a domain tag and the user id, first 16 bytes, base64url (22 characters). Redis then holds no
 * user id for events, and the tag keeps these apart from device hashes made with the same key.
 */
export function accountHash(secret: string, userId: string): string {
  return createHmac('sha256', secret).update('vigil-account\u0000').update(userId).digest().subarray(0, 16).toString('base64url');
}
