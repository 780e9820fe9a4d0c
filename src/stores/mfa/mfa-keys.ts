import { ipTag, userTag } from '../hash-tags.js';

/** The MFA store's keys. */
export interface MfaKeys {
  /**
   * One hash per user: authenticators (`a:<id>`), {@link MFA_SUMMARY_FIELD} and remembered
   * browsers ({@link rememberedField}). Shares the user's tag with the history hash, so the
   * assessment's load reads both from one node.
   */
  user(userId: string): string;
  /** An mfa_token's record, keyed by the token's SHA-256 (the token itself is never stored). */
  token(tokenHash: string): string;
  /** The live mfa_tokens of one user: a sorted set of token hashes by expiry (epoch ms), so an admin reset can end them. */
  tokenIndex(userId: string): string;
  /** A rate-limit bucket of a user (e.g. `verify:otp`). */
  userLimit(userId: string, name: string): string;
  /** A rate-limit bucket of an IP. */
  ipLimit(ip: string, name: string): string;
}

/**
 * The field of {@link MfaKeys.user} that lists the user's active factor types, sorted and
 * comma-separated (`otp,recovery-code`), rewritten by every authenticator write
 * (`cas-record-1.lua`). The assessment reads it with the user's history in one round trip.
 */
export const MFA_SUMMARY_FIELD = 'summary';

/** What every remembered-browser field starts with (`remember-browser-1.lua` is handed it). */
export const REMEMBERED_PREFIX = 'rb:';

/**
 * The field of {@link MfaKeys.user} that remembers one browser of the user for one application,
 * by the device's keyed hash (src/risk/context/device.ts): its value is when the second factor
 * was proven on it, epoch ms. How long that counts is the application's `rememberBrowserDays`
 * at the time of the login (docs/risk-model.md, "Remembered browsers").
 */
export function rememberedField(application: string, deviceHash: string): string {
  return `${REMEMBERED_PREFIX}${deviceHash}:${application}`;
}

/** The active factor types in a {@link MFA_SUMMARY_FIELD} value (null or empty: none). */
export function parseMfaSummary(value: string | null): string[] {
  return value ? value.split(',') : [];
}

export function mfaKeys(prefix: string): MfaKeys {
  return {
    user: (userId) => `${prefix}${userTag(userId)}:mfa`,
    token: (tokenHash) => `${prefix}{mt:${tokenHash}}`,
    tokenIndex: (userId) => `${prefix}${userTag(userId)}:mt`,
    userLimit: (userId, name) => `${prefix}${userTag(userId)}:rl:${name}`,
    ipLimit: (ip, name) => `${prefix}${ipTag(ip)}:rl:${name}`,
  };
}
