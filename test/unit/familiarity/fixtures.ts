import { FEATURES, type Feature, type FeatureValue, type LoginFeatures } from '../../../src/risk/familiarity/features.js';
import { profileValues, type FamiliarityProfile, type ValueStats } from '../../../src/risk/familiarity/profile.js';
import type { FamiliarityModel } from '../../../src/risk/familiarity/score-familiarity.js';

/** The default weights (config `familiarity.weights`), written out so a change there shows here. */
export const WEIGHTS: Record<Feature, number> = {
  ip: 0.35,
  subnet: 0.25,
  asn: 0.3,
  city: 0.05,
  country: 0.05,
  ua: 0.5387,
  browser: 0.268,
  os: 0.1882,
  deviceType: 0.0051,
  device: 1,
};

/** The default model, but population shares read as counted (minPopulation 1), so the hand-computed cases stay small. */
export const MODEL: FamiliarityModel = { weights: WEIGHTS, smoothing: 'reference', maxCreditRatio: 20, minPopulation: 1 };

/** A profile from `{ feature: { key: count } }`, every value seen on `day`. */
export function profileOf(logins: number, counts: Partial<Record<Feature, Record<string, number>>>, day = 20_000): FamiliarityProfile {
  const values = FEATURES.map((f): ValueStats[] => Object.entries(counts[f] ?? {}).map(([key, count]) => ({ key, count, lastSeenDay: day })));
  return { logins, values: profileValues(values) };
}

/** Login features from `{ feature: key }`; counted features carry the key as their population key too. */
export function loginOf(keys: Partial<Record<Feature, string>>): LoginFeatures {
  const counted = new Set<Feature>(['asn', 'country', 'browser', 'os', 'deviceType']);
  const out = {} as Record<Feature, FeatureValue | null>;
  for (const f of FEATURES) {
    const k = keys[f];
    out[f] = k === undefined ? null : { key: k, population: counted.has(f) ? k : null };
  }
  return out;
}
