import { FEATURES, type Feature } from './features.js';

/** One value the user showed at a feature: how often, and when last. */
export interface ValueStats {
  /** The value's key: a keyed hash, or the raw value for the raw features (see `RAW_FEATURES`). */
  key: string;
  /** Logins with this value, 1–{@link MAX_VALUE_COUNT}. */
  count: number;
  /** Day of the last such login, whole days since the Unix epoch (UTC). */
  lastSeenDay: number;
}

/**
 * A feature's values, distinct keys in the order they were first seen. A few (at most
 * `maxValuesPerFeature`, default 8), so a list searched in place: cheaper to read, copy and
 * store than a map.
 */
export type FeatureValues = readonly ValueStats[];

/**
 * A user's familiarity history (`docs/risk-model.md` §3): per feature, the values the user
 * logged in with, bounded in number and trimmed to a window. Keys are keyed hashes but for the
 * raw features (see `RAW_FEATURES`). Immutable: updates return a new profile.
 */
export interface FamiliarityProfile {
  /** Logins committed in the profile's life; trims do not lower it. 0 only for an empty profile. */
  logins: number;
  values: ProfileValues;
}

export type ProfileValues = { readonly [F in Feature]: FeatureValues };

/**
 * Counts stop at 255 (one byte stored): reaching it halves every count of the feature, rounding
 * up so no value is forgotten. The ratios the score reads are kept, and old habits weigh less
 * than new ones, as in the count aging of adaptive frequency models.
 */
export const MAX_VALUE_COUNT = 255;

export const DAY_MS = 86_400_000;

/** The day number of an epoch-ms time. */
export const dayOf = (ms: number): number => Math.floor(ms / DAY_MS);

/**
 * A profile's values from one list per feature, in `FEATURES` order. Written out so that every
 * profile has the same shape (a literal, not properties added one by one).
 */
export function profileValues(byFeature: readonly FeatureValues[]): ProfileValues {
  const [ip, subnet, asn, city, country, ua, browser, os, deviceType, device] = byFeature as FeatureValues[];
  return { ip: ip!, subnet: subnet!, asn: asn!, city: city!, country: country!, ua: ua!, browser: browser!, os: os!, deviceType: deviceType!, device: device! };
}

/** The profile of a user with no history. */
export const EMPTY_PROFILE: FamiliarityProfile = Object.freeze({ logins: 0, values: Object.freeze(profileValues(FEATURES.map(() => Object.freeze([])))) });

/** The user's stats for `key` among a feature's values, or undefined. */
export function findValue(values: FeatureValues, key: string): ValueStats | undefined {
  for (const v of values) if (v.key === key) return v;
  return undefined;
}

/** The sum of one feature's counts. */
export function countsTotal(values: FeatureValues): number {
  let n = 0;
  for (const v of values) n += v.count;
  return n;
}

/** Whether any feature still holds a value. */
export function hasValues(profile: FamiliarityProfile): boolean {
  return FEATURES.some((f) => profile.values[f].length > 0);
}
