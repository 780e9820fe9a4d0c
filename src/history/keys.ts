/**
 * Every Redis key Vigil uses, from one place. Keys of one user share the `{u:<id>}` hash tag
 * so a user's data lives in one Redis Cluster slot.
 */
export interface Keys {
  /** One hash per user: devices, user-agent families, last location, first/last login. */
  user(userId: string): string;
  /** Failed-login counters of one IP, hourly buckets. */
  ipFailures(ip: string): string;
  /** A pending assessment, kept 10 minutes for the MFA step and `/complete`. */
  assessment(id: string): string;
  /** One hash per user: authenticators (`a:<id>`) and a summary of the active factor types. */
  mfa(userId: string): string;
  /** An mfa_token's record, keyed by the token's SHA-256 (the token itself is never stored). */
  mfaToken(tokenHash: string): string;
  /** A rate-limit bucket of a user (e.g. `verify:otp`). */
  userLimit(userId: string, name: string): string;
  /** A rate-limit bucket of an IP. */
  ipLimit(ip: string, name: string): string;
}

export function createKeys(prefix: string): Keys {
  return {
    user: (userId) => `${prefix}{u:${userId}}`,
    ipFailures: (ip) => `${prefix}{ip:${ip}}:f`,
    assessment: (id) => `${prefix}{a:${id}}`,
    mfa: (userId) => `${prefix}{u:${userId}}:mfa`,
    mfaToken: (tokenHash) => `${prefix}{mt:${tokenHash}}`,
    userLimit: (userId, name) => `${prefix}{u:${userId}}:rl:${name}`,
    ipLimit: (ip, name) => `${prefix}{ip:${ip}}:rl:${name}`,
  };
}
