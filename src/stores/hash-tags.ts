/**
 * The Redis Cluster hash tags the stores share (docs/redis.md, "Keys and hash slots"). Redis
 * Cluster places a key by the text between its first `{` and `}`, so keys with one tag share a
 * slot, and a script or a node's reply can cover them together. Each store names its own keys
 * (`src/stores/<store>/<store>-keys.ts`); these tags are the one thing they agree on.
 */

/** `{u:<user id>}`: every key of one user, in every store (history hash, MFA hash, MFA limits). */
export function userTag(userId: string): string {
  return `{u:${userId}}`;
}

/** `{ip:<address>}`: every key of one IP (traffic counters, per-IP MFA limits). */
export function ipTag(ip: string): string {
  return `{ip:${ip}}`;
}
