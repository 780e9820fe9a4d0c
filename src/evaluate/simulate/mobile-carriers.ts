import type { GeoPool } from './geo-pool.js';
import { randomSubnet, type Ipv4Network } from './ipv4-network.js';
import { Rng } from './rng.js';

/** Carriers per country: mobile markets have three or four networks in most countries (assumption for the count). */
const CARRIERS_PER_COUNTRY = 3;

/**
 * The mobile carriers of each country, made on first use: each is one network (a /16 of a
 * large block, or the block) in a city of the country drawn by network count, so carrier
 * addresses sit in the big cities, as carrier-grade NAT gateways do, and GeoIP places a phone
 * there whatever town its user is in. Many users share a carrier's network.
 */
export class MobileCarriers {
  private readonly byCountry = new Map<string, Ipv4Network[]>();

  constructor(
    private readonly geo: GeoPool,
    private readonly seed: number,
  ) {}

  /** The carriers of `country` (ISO alpha-2); empty when the pool has no city there. */
  of(country: string): readonly Ipv4Network[] {
    let carriers = this.byCountry.get(country);
    if (!carriers) {
      carriers = [];
      const cities = this.geo.countryCities.get(country);
      const rng = Rng.stream(this.seed, 'carriers', country);
      for (let i = 0; cities && i < CARRIERS_PER_COUNTRY; i++) {
        const city = cities.pick(rng)!;
        carriers.push(randomSubnet(rng.pick(city.networks), 16, rng));
      }
      this.byCountry.set(country, carriers);
    }
    return carriers;
  }
}
