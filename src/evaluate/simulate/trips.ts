import { haversineKm } from '../../intel/geo/haversine.js';
import type { City, GeoPool } from './geo-pool.js';
import { randomHost, randomSubnet } from './ipv4-network.js';
import type { Rng } from './rng.js';
import { travelHours } from './travel-hours.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** One trip: out, a stay on a hotel network, and the way back. Times in ms since the epoch. */
export interface Trip {
  departMs: number;
  /** Arrival at the destination: `departMs` + door-to-door travel time. */
  arriveMs: number;
  /** Departure for home. */
  leaveMs: number;
  /** Back home. */
  backMs: number;
  destination: City;
  abroad: boolean;
  /** The hotel's address (one NAT address for the stay). */
  hotelIp: string;
}

/** What {@link planTrips} needs to know. */
export interface TripPlan {
  startMs: number;
  endMs: number;
  home: City;
  tripsPerYear: number;
  abroadShare: number;
  /** Median stay in days (log-normal, σ 0.5). */
  tripDays: number;
  flightKmh: number;
  airportHours: number;
}

function destination(geo: GeoPool, home: City, abroad: boolean, rng: Rng): City | null {
  for (let i = 0; i < 30; i++) {
    const city = abroad ? geo.anyCity.pick(rng) : geo.countryCities.get(home.country)?.pick(rng);
    if (city && city.key !== home.key && (city.country !== home.country) === abroad) return city;
  }
  return null;
}

/**
 * A user's trips over the period: starts form a Poisson process of `tripsPerYear`; a start
 * that falls before the previous trip is over moves to a day after its return, so trips never
 * overlap and the count stays that of the process. A trip abroad goes to a city of another
 * country (weighted by networks), else to another city of the home country (abroad when the
 * home country has no other city in the pool).
 */
export function planTrips(plan: TripPlan, geo: GeoPool, rng: Rng): Trip[] {
  const trips: Trip[] = [];
  if (plan.tripsPerYear <= 0) return trips;
  const meanGapMs = (365 * DAY_MS) / plan.tripsPerYear;
  let nextStart = plan.startMs + rng.exponential(meanGapMs);
  let freeFrom = plan.startMs;
  while (nextStart < plan.endMs) {
    const departMs = Math.max(nextStart, freeFrom);
    nextStart += rng.exponential(meanGapMs);
    if (departMs >= plan.endMs) break;
    const wantAbroad = rng.chance(plan.abroadShare);
    const dest = destination(geo, plan.home, wantAbroad, rng) ?? destination(geo, plan.home, !wantAbroad, rng);
    if (!dest) continue;
    const km = haversineKm(plan.home.lat, plan.home.lon, dest.lat, dest.lon);
    const travelMs = travelHours(km, plan.flightKmh, plan.airportHours) * HOUR_MS;
    const stayMs = Math.max(0.5, rng.logNormal(plan.tripDays, 0.5)) * DAY_MS;
    const arriveMs = departMs + travelMs;
    const leaveMs = arriveMs + stayMs;
    const backMs = leaveMs + travelMs;
    const hotel = randomSubnet(rng.pick(dest.networks), 24, rng);
    trips.push({ departMs, arriveMs, leaveMs, backMs, destination: dest, abroad: dest.country !== plan.home.country, hotelIp: randomHost(hotel, rng) });
    freeFrom = backMs + DAY_MS;
  }
  return trips;
}
