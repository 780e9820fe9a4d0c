import { formatIpv4, parseIpv4 } from '../../intel/lists/address.js';
import { BOGON_NETWORKS } from '../../intel/lists/bogons.js';
import { parseCidr, type Cidr4 } from '../../intel/lists/cidr.js';
import { networkStart, type Ipv4Network } from './ipv4-network.js';
import type { Rng } from './rng.js';
import { WeightedPicker } from './weighted-picker.js';

/** Where a GeoIP record puts an address. All fields present: records without a city or coordinates are skipped. */
export interface Place {
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** First-level subdivision (DB-IP `state1`); may be empty. */
  region: string;
  city: string;
  lat: number;
  lon: number;
}

/**
 * A GeoIP lookup that also gives the length of the database block holding the address
 * (mmdb `getWithPrefixLength`): every address of that block has the same record.
 */
export type GeoLookup = (ip: string) => { place: Place | null; prefix: number };

/** A city of the GeoIP database and the blocks (networks) found there. */
export interface City {
  /** `country|region|city`, the identity of a city across the pool. */
  key: string;
  country: string;
  name: string;
  lat: number;
  lon: number;
  /** DB-IP blocks located here that are not listed as VPN or datacenter ranges. */
  networks: Ipv4Network[];
}

/** Cities and their networks, sampled from a GeoIP database. */
export interface GeoPool {
  cities: readonly City[];
  /** Cities with at least two networks, weighted by network count (a rough proxy for population). */
  homeCities: WeightedPicker<City>;
  /** Every city with a network, weighted by network count (trip destinations, foreign attackers). */
  anyCity: WeightedPicker<City>;
  /** Per country, its cities weighted by network count. */
  countryCities: ReadonlyMap<string, WeightedPicker<City>>;
  /** The record of an IPv4 address given as a uint32, or null. */
  locate(addr: number): Place | null;
  /** A random routable IPv4 address (not a bogon) that the database locates. */
  randomRoutable(rng: Rng): number;
}

/** `country|region|city`. */
export function cityKey(place: Place): string {
  return `${place.country}|${place.region}|${place.city}`;
}

const BOGONS_V4: Cidr4[] = BOGON_NETWORKS.map(parseCidr).filter((c): c is Cidr4 => c?.family === 4);

/** Whether a uint32 IPv4 address is in a special-purpose range (`src/intel/lists/bogons.ts`). */
export function isBogon(addr: number): boolean {
  return BOGONS_V4.some((c) => addr >= c.start && addr <= c.end);
}

/**
 * Build city → networks pools by sampling `samples` uniformly random routable IPv4 addresses
 * and bucketing the blocks they land in by city: mmdb readers cannot iterate their records, and
 * sampling is deterministic given `rng`. Blocks whose first or last address `isAnonymizer`
 * reports (VPN or datacenter ranges) are kept out of the pools, so a home, hotel or carrier
 * network is not a hosting range (a listed range strictly inside a large block is not seen). Uniform sampling finds a block with probability proportional to its size, so large
 * blocks are over-represented among the networks; network counts per city still order cities
 * roughly by how much address space (and so how many subscribers) they have.
 */
export function buildGeoPool(lookup: GeoLookup, rng: Rng, samples: number, isAnonymizer: (addr: number) => boolean): GeoPool {
  const cities: City[] = [];
  const byKey = new Map<string, City>();
  const seen = new Set<string>();
  for (let i = 0; i < samples; i++) {
    const addr = rng.int(0, 0xffffffff);
    if (isBogon(addr)) continue;
    const { place, prefix } = lookup(formatIpv4(addr));
    if (!place) continue;
    const start = networkStart(addr, prefix);
    const id = `${start}/${prefix}`;
    if (seen.has(id)) continue;
    seen.add(id);
    if (isAnonymizer(start) || isAnonymizer(start + 2 ** (32 - prefix) - 1)) continue;
    const key = cityKey(place);
    let city = byKey.get(key);
    if (!city) {
      city = { key, country: place.country, name: place.city, lat: place.lat, lon: place.lon, networks: [] };
      byKey.set(key, city);
      cities.push(city);
    }
    city.networks.push({ start, prefix });
  }

  const byCountry = new Map<string, City[]>();
  for (const city of cities) {
    const list = byCountry.get(city.country) ?? [];
    list.push(city);
    byCountry.set(city.country, list);
  }
  const weight = (c: City) => [c, c.networks.length] as const;
  const countryCities = new Map<string, WeightedPicker<City>>();
  for (const [country, list] of byCountry) countryCities.set(country, new WeightedPicker(list.map(weight)));

  const locate = (addr: number) => lookup(formatIpv4(addr)).place;
  return {
    cities,
    homeCities: new WeightedPicker(cities.filter((c) => c.networks.length >= 2).map(weight)),
    anyCity: new WeightedPicker(cities.map(weight)),
    countryCities,
    locate,
    randomRoutable(r: Rng): number {
      for (;;) {
        const addr = r.int(0, 0xffffffff);
        if (!isBogon(addr) && locate(addr)) return addr;
      }
    },
  };
}

/** Parse dotted-quad text to a uint32, throwing on anything else (the pools only hold what they formatted). */
export function addrOf(ip: string): number {
  const n = parseIpv4(ip);
  if (n < 0) throw new Error(`not an IPv4 address: ${ip}`);
  return n;
}
