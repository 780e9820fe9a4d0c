import type { Feature } from '../../risk/familiarity/features.js';

/** The population store's keys, all under one hash tag so one script merges them (docs/redis.md). */
export interface PopulationKeys {
  /** Committed logins counted, all users. */
  total: string;
  /** Logins per value of one counted feature: value → count. */
  counts(feature: Feature): string;
}

export function populationKeys(prefix: string): PopulationKeys {
  return {
    total: `${prefix}{pop}:n`,
    counts: (feature) => `${prefix}{pop}:c:${feature}`,
  };
}
