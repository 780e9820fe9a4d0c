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
}

export function createKeys(prefix: string): Keys {
  return {
    user: (userId) => `${prefix}{u:${userId}}`,
    ipFailures: (ip) => `${prefix}{ip:${ip}}:f`,
    assessment: (id) => `${prefix}{a:${id}}`,
  };
}
