/** The last committed (valid) login location of a user. */
export interface LastLocation {
  lat: number;
  lon: number;
  accuracyKm: number | null;
  atMs: number;
  country: string | null;
  city: string | null;
}

/**
 * A user's recent history as loaded from Redis, already trimmed to the trust window by the
 * store. Device ids are keyed hashes; user agents are families (`Chrome/Windows`).
 */
export interface HistorySnapshot {
  /** Whether any login of this user was ever committed (within the retention period). */
  known: boolean;
  /** Device hash → last seen, epoch ms. */
  devices: ReadonlyMap<string, number>;
  /** User-agent family → last seen, epoch ms. */
  userAgents: ReadonlyMap<string, number>;
  /** The last valid login with coordinates, or null. */
  lastLocation: LastLocation | null;
  /** When the last valid login happened (with or without coordinates), epoch ms, or null. */
  lastLoginMs: number | null;
}

/** What a commit adds to a user's history. */
export interface HistoryEntry {
  deviceHash: string | null;
  uaFamily: string | null;
  location: LastLocation | null;
  atMs: number;
}
