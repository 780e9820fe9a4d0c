import { haversineKm } from '../../intel/geo/haversine.js';
import type { City, GeoPool } from './geo-pool.js';
import { randomSubnet, type Ipv4Network } from './ipv4-network.js';
import { Rng } from './rng.js';

/** Carriers per country: most mobile markets have three or four networks (assumption for the count). */
const CARRIERS_PER_COUNTRY = 3;

/**
 * Gateways per carrier: a carrier's traffic leaves through a few regional packet gateways
 * (carrier-grade NAT), and GeoIP places its addresses at those (assumption for the count).
 */
const GATEWAYS_PER_CARRIER = 6;

interface Gateway {
  city: City;
  network: Ipv4Network;
}

/**
 * The mobile carriers of each country, made on first use from the seed's `carriers` stream.
 * Each carrier has a few gateways, each one network (a /16 of a large block, or the block) in
 * a city of the country drawn by network count, so carrier addresses sit in the big cities.
 * A phone leaves through its carrier's gateway nearest home, so GeoIP places it in the nearest
 * big city, whatever town its user is in. Many users share a gateway.
 */
export class MobileCarriers {
  private readonly byCountry = new Map<string, Gateway[][]>();

  constructor(
    private readonly geo: GeoPool,
    private readonly seed: number,
  ) {}

  private carriers(country: string): Gateway[][] {
    let carriers = this.byCountry.get(country);
    if (!carriers) {
      carriers = [];
      const cities = this.geo.countryCities.get(country);
      const rng = Rng.stream(this.seed, 'carriers', country);
      for (let c = 0; cities && c < CARRIERS_PER_COUNTRY; c++) {
        const gateways: Gateway[] = [];
        for (let g = 0; g < GATEWAYS_PER_CARRIER; g++) {
          const city = cities.pick(rng)!;
          gateways.push({ city, network: randomSubnet(rng.pick(city.networks), 16, rng) });
        }
        carriers.push(gateways);
      }
      this.byCountry.set(country, carriers);
    }
    return carriers;
  }

  /**
   * A carrier network for a user living in `home`: a carrier of the home country drawn by
   * `rng`, its gateway nearest home. Null when the pool has no city in the country.
   */
  networkFor(home: City, rng: Rng): Ipv4Network | null {
    const carriers = this.carriers(home.country);
    if (carriers.length === 0) return null;
    let best: Gateway | null = null;
    let bestKm = Infinity;
    for (const gw of rng.pick(carriers)) {
      const km = haversineKm(home.lat, home.lon, gw.city.lat, gw.city.lon);
      if (km < bestKm) {
        best = gw;
        bestKm = km;
      }
    }
    return best!.network;
  }
}
