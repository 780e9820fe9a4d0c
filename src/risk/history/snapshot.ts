import type { FamiliarityProfile } from '../familiarity/profile.js';
import type { LoginFeatures } from '../familiarity/features.js';
import type { Place } from '../familiarity/places.js';

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
  /** The familiarity profile (docs/risk-model.md): feature values with counts and last seen. */
  profile: FamiliarityProfile;
  /** Places the user logged in from, for ImpossibleTravel's familiar places. */
  places: readonly Place[];
}

/** What a commit adds to a user's history. */
export interface HistoryEntry {
  deviceHash: string | null;
  uaFamily: string | null;
  location: LastLocation | null;
  atMs: number;
  /** The login's familiarity features, for the profile. */
  features: LoginFeatures;
}
