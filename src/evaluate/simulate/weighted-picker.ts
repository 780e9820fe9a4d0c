import type { Rng } from './rng.js';

/**
 * Draws items with probability proportional to their weights, by bisection over cumulative
 * weights (O(log n) a draw, for pools of tens of thousands of cities or networks). Items of
 * zero or negative weight are never drawn.
 */
export class WeightedPicker<T> {
  private readonly items: T[] = [];
  private readonly cumulative: number[] = [];
  private total = 0;

  constructor(entries: Iterable<readonly [T, number]>) {
    for (const [item, weight] of entries) {
      if (!(weight > 0)) continue;
      this.total += weight;
      this.items.push(item);
      this.cumulative.push(this.total);
    }
  }

  /** Number of drawable items. */
  get size(): number {
    return this.items.length;
  }

  /** One item, or null when nothing has positive weight. */
  pick(rng: Rng): T | null {
    if (this.items.length === 0) return null;
    const x = rng.float() * this.total;
    let lo = 0;
    let hi = this.items.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}
