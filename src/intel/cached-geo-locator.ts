import { LRUCache } from 'lru-cache';
import type { GeoLocator } from './geo-locator.js';
import type { GeoResult } from './geo/location.js';

/**
 * A {@link GeoLocator} behind an LRU cache of `size` addresses. A lookup walks the MMDB tree
 * for every request (~3 µs, plus the decoding of an uncached record); logins repeat addresses
 * (users, offices, carrier NAT), so a modest cache answers most of them in well under a µs.
 * Results are frozen: every request for the address shares one. `size` 0 returns `inner`.
 */
export function cachedGeoLocator(inner: GeoLocator, size: number): GeoLocator {
  if (size <= 0) return inner;
  const cache = new LRUCache<string, GeoResult>({ max: size });
  return {
    info: inner.info,
    lookup(ip: string, family: 4 | 6): GeoResult {
      // The family is part of the key: a mismatched pair answers nothing and must stay so.
      const key = family === 4 ? ip : `6|${ip}`;
      let hit = cache.get(key);
      if (hit === undefined) {
        const r = inner.lookup(ip, family);
        hit = Object.freeze({ location: r.location, anonymous: r.anonymous && Object.freeze(r.anonymous) });
        cache.set(key, hit);
      }
      return hit;
    },
    async close(): Promise<void> {
      cache.clear();
      await inner.close();
    },
  };
}
