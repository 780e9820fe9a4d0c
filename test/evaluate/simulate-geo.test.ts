import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltInputs } from '../../src/evaluate/simulate/build-inputs.js';
import { cityKey, isBogon } from '../../src/evaluate/simulate/geo-pool.js';
import { builtinIpLists } from '../../src/evaluate/simulate/ip-lists.js';
import { networkSize } from '../../src/evaluate/simulate/ipv4-network.js';
import { Rng } from '../../src/evaluate/simulate/rng.js';
import { formatIpv4 } from '../../src/intel/lists/address.js';
import { testInputs } from './simulation-fixture.js';

let inputs: BuiltInputs;
beforeAll(async () => {
  inputs = await testInputs(3, 40_000);
}, 60_000);

describe('GeoIP pools', () => {
  it('bucket each DB-IP block under the city the database gives every one of its addresses', () => {
    const cities = inputs.geo.cities;
    expect(cities.length).toBeGreaterThan(3000);
    for (const city of cities.slice(0, 500)) {
      for (const n of city.networks) {
        for (const addr of [n.start, n.start + networkSize(n) - 1]) {
          expect(cityKey(inputs.geo.locate(addr)!)).toBe(city.key);
        }
        expect(isBogon(n.start)).toBe(false);
      }
    }
  });

  it('keep VPN and datacenter ranges out of the networks users live on', () => {
    const lists = builtinIpLists();
    const ranges = [...lists.vpn, ...lists.datacenter];
    const overlapping: string[] = [];
    for (const city of inputs.geo.cities) {
      for (const n of city.networks) {
        for (const r of ranges) {
          if (n.start < r.start + networkSize(r) && r.start < n.start + networkSize(n)) overlapping.push(formatIpv4(n.start));
        }
      }
    }
    expect(overlapping).toEqual([]);
  });

  it('draw home cities with two networks or more, and routable addresses GeoIP knows', () => {
    const rng = Rng.stream(1, 'geo-test');
    for (let i = 0; i < 200; i++) {
      expect(inputs.geo.homeCities.pick(rng)!.networks.length).toBeGreaterThanOrEqual(2);
      const addr = inputs.geo.randomRoutable(rng);
      expect(isBogon(addr)).toBe(false);
      expect(inputs.geo.locate(addr)).not.toBeNull();
    }
    expect(isBogon(0x0a000001)).toBe(true); // 10.0.0.1
    expect(formatIpv4(0xc0a80101)).toBe('192.168.1.1');
    expect(isBogon(0xc0a80101)).toBe(true);
  });

  it('index VPN ranges by the country GeoIP gives their first host', () => {
    expect(inputs.vpn.byCountry.get('DE')?.length).toBeGreaterThanOrEqual(1);
    for (const [country, ranges] of inputs.vpn.byCountry) {
      for (const r of ranges) expect(inputs.geo.locate(r.start + 1)?.country).toBe(country);
    }
  });
});
