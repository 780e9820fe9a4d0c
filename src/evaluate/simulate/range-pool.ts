import type { Place } from './geo-pool.js';
import type { Ipv4Network } from './ipv4-network.js';

/** Address ranges indexed by the country the GeoIP database gives them. */
export interface RangePool {
  all: readonly Ipv4Network[];
  byCountry: ReadonlyMap<string, readonly Ipv4Network[]>;
}

/**
 * Index `ranges` by the country of their first host (a VPN provider's range is announced from
 * one place; a range the database cannot place is kept in `all` only).
 */
export function indexRanges(ranges: readonly Ipv4Network[], locate: (addr: number) => Place | null): RangePool {
  const byCountry = new Map<string, Ipv4Network[]>();
  for (const range of ranges) {
    const host = range.prefix >= 31 ? range.start : range.start + 1;
    const country = locate(host)?.country;
    if (!country) continue;
    const list = byCountry.get(country) ?? [];
    list.push(range);
    byCountry.set(country, list);
  }
  return { all: ranges, byCountry };
}
