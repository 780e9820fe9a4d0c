import { COUNTED_FEATURES, type Feature } from './features.js';

/**
 * How often each feature value occurs across all users' logins: the attacker model of the score
 * (`docs/risk-model.md` §4), read synchronously from a snapshot the process holds.
 *
 * Counted exactly: the features in `COUNTED_FEATURES` (AS, country, browser + major, OS family,
 * device type). Not counted, and so backed off through the hierarchy by the score: IP, subnet,
 * city, full user agent, device cookie.
 */
export interface PopulationStats {
  /** Logins counted, over the same window as the profiles. */
  readonly total: number;
  /**
   * Logins with `value` (the feature's `population` key) at `feature`: 0 for a value never
   * counted, null for a feature that is not counted at all.
   */
  count(feature: Feature, value: string): number | null;
}

/** No population data (a fresh deployment): every counted feature reads 0. */
export const EMPTY_POPULATION: PopulationStats = populationFromCounts(0, new Map());

/**
 * A snapshot over plain counts, e.g. as read from Redis. Counts for features outside
 * `COUNTED_FEATURES` are ignored, so a snapshot cannot make the score treat a large domain as
 * counted. Values are looked up in Maps, never plain objects (they come from logins).
 */
export function populationFromCounts(total: number, counts: ReadonlyMap<Feature, ReadonlyMap<string, number>>): PopulationStats {
  return {
    total,
    count(feature, value) {
      if (!COUNTED_FEATURES.has(feature)) return null;
      return counts.get(feature)?.get(value) ?? 0;
    },
  };
}
