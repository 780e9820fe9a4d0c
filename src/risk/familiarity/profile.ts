import { FEATURES, type Feature } from './features.js';

/** How often, and when last, the user showed one value of a feature. */
export interface ValueStats {
  /** Logins with this value, 1–{@link MAX_VALUE_COUNT}. */
  count: number;
  /** Day of the last such login, whole days since the Unix epoch (UTC). */
  lastSeenDay: number;
}

/**
 * A user's familiarity history (`docs/risk-model.md` §3): per feature, the values the user
 * logged in with, bounded in number and trimmed to a window. Keys are keyed hashes but for the
 * raw features (see `RAW_FEATURES`). Immutable: updates return a new profile.
 */
export interface FamiliarityProfile {
  /** Logins committed in the profile's life; trims do not lower it. 0 only for an empty profile. */
  logins: number;
  values: { readonly [F in Feature]: ReadonlyMap<string, ValueStats> };
}

/**
 * Counts stop at 255 (one byte stored): reaching it halves every count of the feature, rounding
 * up so no value is forgotten. The ratios the score reads are kept, and old habits weigh less
 * than new ones, as in the count aging of adaptive frequency models.
 */
export const MAX_VALUE_COUNT = 255;

export const DAY_MS = 86_400_000;

/** The day number of an epoch-ms time. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

const EMPTY_VALUES = {} as Record<Feature, ReadonlyMap<string, ValueStats>>;
for (const f of FEATURES) EMPTY_VALUES[f] = new Map();

/** The profile of a user with no history. */
export const EMPTY_PROFILE: FamiliarityProfile = Object.freeze({ logins: 0, values: EMPTY_VALUES });

/** Logins counted at `feature`: the sum of its values' counts (the profile's own denominator). */
export function featureTotal(profile: FamiliarityProfile, feature: Feature): number {
  return countsTotal(profile.values[feature]);
}

/** The sum of one feature's counts. */
export function countsTotal(values: ReadonlyMap<string, ValueStats>): number {
  let n = 0;
  for (const v of values.values()) n += v.count;
  return n;
}

/** Whether any feature still holds a value. */
export function hasValues(profile: FamiliarityProfile): boolean {
  return FEATURES.some((f) => profile.values[f].size > 0);
}
