import { COUNTED_FEATURES, type Feature, type LoginFeatures } from './features.js';
import type { PopulationStats } from './population.js';

/** Population counts to add to the shared ones: logins, and per counted feature value → logins. */
export interface PopulationDelta {
  total: number;
  counts: Map<Feature, Map<string, number>>;
}

/**
 * The population counts one process scores against (`docs/risk-model.md` §7): the shared counts
 * last read from Redis plus this process's committed logins not merged there yet, so a lone
 * process (a replay, one instance) always sees every login it committed, and several processes
 * see each other's within a merge interval. Values per feature are bounded (`maxValuesPerFeature`):
 * past it a new value is not counted on its own (its logins still count in the total), which
 * the score bounds by the user's own counts. Synchronous and in memory; the population store
 * moves deltas to Redis in the background.
 */
export class PopulationCounts implements PopulationStats {
  private base: PopulationDelta = { total: 0, counts: new Map() };
  private delta: PopulationDelta = { total: 0, counts: new Map() };

  constructor(private readonly maxValuesPerFeature: number) {}

  get total(): number {
    return this.base.total + this.delta.total;
  }

  count(feature: Feature, value: string): number | null {
    if (!COUNTED_FEATURES.has(feature)) return null;
    return (this.base.counts.get(feature)?.get(value) ?? 0) + (this.delta.counts.get(feature)?.get(value) ?? 0);
  }

  /** Count one committed login's features. */
  record(features: LoginFeatures): void {
    this.delta.total++;
    for (const feature of COUNTED_FEATURES) {
      const value = features[feature]?.population;
      if (value === null || value === undefined) continue;
      let byValue = this.delta.counts.get(feature);
      if (byValue === undefined) this.delta.counts.set(feature, (byValue = new Map()));
      const known = byValue.has(value) || this.base.counts.get(feature)?.has(value) === true;
      if (!known && this.distinct(feature) >= this.maxValuesPerFeature) continue;
      byValue.set(value, (byValue.get(value) ?? 0) + 1);
    }
  }

  /** A copy of the counts not merged yet, for merging; they stay visible until {@link merged}. */
  pending(): PopulationDelta {
    const counts = new Map<Feature, Map<string, number>>();
    for (const [feature, byValue] of this.delta.counts) counts.set(feature, new Map(byValue));
    return { total: this.delta.total, counts };
  }

  /**
   * The shared counts after `sent` (what {@link pending} gave) was added to them: they replace
   * the base, and `sent` leaves the delta (logins recorded meanwhile stay in it).
   */
  merged(sent: PopulationDelta, shared: PopulationDelta): void {
    const rest: PopulationDelta = { total: this.delta.total - sent.total, counts: new Map() };
    for (const [feature, byValue] of this.delta.counts) {
      const out = new Map<string, number>();
      for (const [value, n] of byValue) {
        const left = n - (sent.counts.get(feature)?.get(value) ?? 0);
        if (left > 0) out.set(value, left);
      }
      if (out.size > 0) rest.counts.set(feature, out);
    }
    this.base = shared;
    this.delta = rest;
  }

  private distinct(feature: Feature): number {
    const base = this.base.counts.get(feature)?.size ?? 0;
    let extra = 0;
    for (const v of this.delta.counts.get(feature)?.keys() ?? []) if (this.base.counts.get(feature)?.has(v) !== true) extra++;
    return base + extra;
  }
}
