import { describe, expect, it } from 'vitest';
import { cachedGeoLocator } from '../../src/intel/cached-geo-locator.js';
import type { GeoLocator } from '../../src/intel/geo-locator.js';
import type { GeoResult } from '../../src/intel/geo/location.js';

function counting(): GeoLocator & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    info: { bundledDbIp: false, databases: [] },
    lookup(ip: string, family: 4 | 6): GeoResult {
      calls.push(`${family}:${ip}`);
      return { location: { lat: 1, lon: 2, accuracyKm: null, country: 'GB', city: ip }, anonymous: null };
    },
    async close() {},
  };
}

describe('cachedGeoLocator', () => {
  it('answers a repeated address from the cache, with the same frozen result', () => {
    const inner = counting();
    const geo = cachedGeoLocator(inner, 10);
    const a = geo.lookup('81.2.69.142', 4);
    const b = geo.lookup('81.2.69.142', 4);
    expect(b).toBe(a);
    expect(a.location?.city).toBe('81.2.69.142');
    expect(Object.isFrozen(a)).toBe(true);
    expect(inner.calls).toEqual(['4:81.2.69.142']);
  });

  it('keeps the address family in the key', () => {
    const inner = counting();
    const geo = cachedGeoLocator(inner, 10);
    geo.lookup('::1', 4);
    geo.lookup('::1', 6);
    expect(inner.calls).toEqual(['4:::1', '6:::1']);
  });

  it('evicts the least recently used address beyond its size', () => {
    const inner = counting();
    const geo = cachedGeoLocator(inner, 2);
    for (const ip of ['1.1.1.1', '2.2.2.2', '3.3.3.3', '1.1.1.1']) geo.lookup(ip, 4);
    expect(inner.calls).toEqual(['4:1.1.1.1', '4:2.2.2.2', '4:3.3.3.3', '4:1.1.1.1']);
  });

  it('is the inner locator itself at size 0', () => {
    const inner = counting();
    expect(cachedGeoLocator(inner, 0)).toBe(inner);
  });
});
