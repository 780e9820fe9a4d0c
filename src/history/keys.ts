/**
 * Every Redis key Vigil uses, from one place. Keys of one user share the `{u:<id>}` hash tag
 * so a user's data lives in one Redis Cluster slot; an IP's traffic counters share `{ip:<ip>}`;
 * the shared IP-list state shares `{intel}`.
 */
export interface Keys {
  /** One hash per user: devices, user-agent families, last location, first/last login. */
  user(userId: string): string;
  /** Failed-login counters of one IP, hourly buckets. */
  ipFailures(ip: string): string;
  /** HyperLogLog of the accounts with failed logins from one IP in one time bucket. */
  ipAccounts(ip: string, bucket: number): string;
  /** Failed logins per account from one IP: account → `count:lastHour`. */
  ipAccountFailures(ip: string): string;
  /** A pending assessment, kept 10 minutes for the MFA step and `/complete`. */
  assessment(id: string): string;
  /** One hash per user: authenticators (`a:<id>`) and a summary of the active factor types. */
  mfa(userId: string): string;
  /** An mfa_token's record, keyed by the token's SHA-256 (the token itself is never stored). */
  mfaToken(tokenHash: string): string;
  /** The live mfa_tokens of one user: sorted set of token hashes by expiry (epoch ms), so an admin reset can end them. */
  mfaTokenIndex(userId: string): string;
  /** A rate-limit bucket of a user (e.g. `verify:otp`). */
  userLimit(userId: string, name: string): string;
  /** A rate-limit bucket of an IP. */
  ipLimit(ip: string, name: string): string;
  /** Every list source's state (version, size, last refresh, last error), JSON by source name. */
  intelSources: string;
  /** The compiled networks (encoded `IpSet`) of one list source's current version. */
  intelSet(source: string): string;
  /** Manual entries: canonical network → JSON entry. */
  intelManual: string;
  /** IPs flagged by traffic, scored by when the flag lapses (epoch ms), for the gauge and admin lookups. */
  intelFlagged: string;
}

export function createKeys(prefix: string): Keys {
  return {
    user: (userId) => `${prefix}{u:${userId}}`,
    ipFailures: (ip) => `${prefix}{ip:${ip}}:f`,
    ipAccounts: (ip, bucket) => `${prefix}{ip:${ip}}:a:${bucket}`,
    ipAccountFailures: (ip) => `${prefix}{ip:${ip}}:u`,
    assessment: (id) => `${prefix}{a:${id}}`,
    mfa: (userId) => `${prefix}{u:${userId}}:mfa`,
    mfaToken: (tokenHash) => `${prefix}{mt:${tokenHash}}`,
    mfaTokenIndex: (userId) => `${prefix}{u:${userId}}:mt`,
    userLimit: (userId, name) => `${prefix}{u:${userId}}:rl:${name}`,
    ipLimit: (ip, name) => `${prefix}{ip:${ip}}:rl:${name}`,
    intelSources: `${prefix}{intel}:sources`,
    intelSet: (source) => `${prefix}{intel}:set:${source}`,
    intelManual: `${prefix}{intel}:manual`,
    intelFlagged: `${prefix}{intel}:flagged`,
  };
}
