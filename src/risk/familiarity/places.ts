import { haversineKm } from '../../intel/geo/haversine.js';
import { dayOf } from './profile.js';

/**
 * A place the user logged in from (`docs/risk-model.md` "Familiar places"): GeoIP coordinates
 * rounded to 0.1° (about 11 km; a GeoIP city record is no finer), the record's accuracy radius,
 * how many committed logins fell there and the day of the last one. ImpossibleTravel reads the
 * nearest one: coming home after a trip is not travel to somewhere new.
 */
export interface Place {
  lat: number;
  lon: number;
  accuracyKm: number | null;
  count: number;
  lastSeenDay: number;
}

/** What a committed login adds: its location, without a GeoIP record's name. */
export interface PlaceSeen {
  lat: number;
  lon: number;
  accuracyKm: number | null;
  atMs: number;
}

export interface PlaceLimits {
  /** Places kept; the least recently seen goes first. */
  maxPlaces: number;
  /** Places not seen for this many days are dropped. */
  windowDays: number;
  /** A login within this of a kept place (centre to centre) counts as that place. */
  mergeKm: number;
}

/** Counts stop here, as the profile's do (one byte of headroom is plenty for a tie-break). */
const MAX_COUNT = 255;

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * The places after one committed login at `seen`: merged into the nearest kept place within
 * `mergeKm`, else added; then trimmed to the window and capped, least recently seen (then
 * rarest) first. A back-filled login never moves a last-seen day back. Pure.
 */
export function commitPlace(places: readonly Place[], seen: PlaceSeen, limits: PlaceLimits): Place[] {
  const day = dayOf(seen.atMs);
  const lat = round1(seen.lat);
  const lon = round1(seen.lon);
  let nearest = -1;
  let nearestKm = Infinity;
  for (const [i, p] of places.entries()) {
    const km = haversineKm(p.lat, p.lon, lat, lon);
    if (km <= limits.mergeKm && km < nearestKm) {
      nearest = i;
      nearestKm = km;
    }
  }
  const out = places.map((p, i) =>
    i === nearest ? { ...p, count: Math.min(MAX_COUNT, p.count + 1), lastSeenDay: Math.max(p.lastSeenDay, day) } : p,
  );
  if (nearest < 0) out.push({ lat, lon, accuracyKm: seen.accuracyKm, count: 1, lastSeenDay: day });
  const latestDay = Math.max(day, ...out.map((p) => p.lastSeenDay));
  return out
    .filter((p) => p.lastSeenDay > latestDay - limits.windowDays)
    .sort((a, b) => b.lastSeenDay - a.lastSeenDay || b.count - a.count)
    .slice(0, limits.maxPlaces);
}

/** Places seen within `windowDays` before `nowMs`. */
export function recentPlaces(places: readonly Place[], nowMs: number, windowDays: number): Place[] {
  const today = dayOf(nowMs);
  return places.filter((p) => p.lastSeenDay > today - windowDays);
}

/**
 * The distance from `here` to the nearest place, less both accuracy radii (`defaultAccuracyKm`
 * where a record gives none), at least 0; null without places. The same reduction
 * ImpossibleTravel makes for the last login: two GeoIP records of one town may sit a radius apart.
 */
export function nearestPlaceKm(
  places: readonly Place[],
  here: { lat: number; lon: number; accuracyKm: number | null },
  defaultAccuracyKm: number,
): number | null {
  let best: number | null = null;
  for (const p of places) {
    const km = haversineKm(p.lat, p.lon, here.lat, here.lon) - (p.accuracyKm ?? defaultAccuracyKm) - (here.accuracyKm ?? defaultAccuracyKm);
    const effective = Math.max(0, km);
    if (best === null || effective < best) best = effective;
  }
  return best;
}
