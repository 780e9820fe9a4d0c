import type { Location } from '../geo/location.js';
import { haversineKm } from '../geo/haversine.js';
import type { LastLocation } from '../history/snapshot.js';
import type { Assessment, Assessor, AssessorInput } from './types.js';

const HOUR_MS = 3_600_000;

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const place = (l: { country: string | null; city: string | null }) => ({ country: l.country, city: l.city });

/**
 * ImpossibleTravel (docs/risk-model.md, "ImpossibleTravel"): could the user have travelled from the
 * last valid login location to this one in the time between them? An anonymizer (per the
 * Anonymous-IP database or an `anonymizer` list, named in the details) answers `anonymous_proxy`
 * instead.
 *
 * GeoIP is noisy, so the distance is first reduced by both records' accuracy radii (a default
 * radius where the database gives none). The impossible-travel allowance is authentik's:
 * `maxSpeedKmh × max(hours, minElapsedHours) + baseAllowanceKm`
 * (authentik `policies/geoip/models.py`, 1000 km/h × max(h, 1) + 100 km). Travel faster than
 * `groundSpeedKmh` but within the allowance is plausible only by air.
 */
export const impossibleTravel = {
  name: 'ImpossibleTravel',
  assess({ login, history, settings }: AssessorInput): Assessment<'ImpossibleTravel'> {
    if (history === null) return { confidence: 'low', code: 'assessment_not_available' };
    if (login.ip === null) return { confidence: 'medium', code: 'missing_geoip' };
    // A VPN or Tor hop says nothing about where the user is, so it is not read as travel.
    if (login.anonymizer) return { confidence: 'low', code: 'anonymous_proxy', details: { ...login.anonymizer } };
    const here = login.geo.location;
    if (here === null) return { confidence: 'medium', code: 'missing_geoip' };
    const { lat, lon } = here;
    if (lat === null || lon === null || !Number.isFinite(lat) || !Number.isFinite(lon)) {
      return { confidence: 'neutral', code: 'unknown_location' };
    }
    if (!history.known) return { confidence: 'neutral', code: 'initial_login' };
    const last = history.lastLocation;
    if (last === null) return { confidence: 'neutral', code: 'location_history_not_found' };
    if (login.atMs < last.atMs) return { confidence: 'neutral', code: 'invalid_travel' };
    return travel(last, { ...here, lat, lon }, login.atMs, settings.travel);
  },
} as const satisfies Assessor<'ImpossibleTravel'>;

function travel(
  last: LastLocation,
  here: Location & { lat: number; lon: number },
  atMs: number,
  t: AssessorInput['settings']['travel'],
): Assessment<'ImpossibleTravel'> {
  const rawKm = haversineKm(last.lat, last.lon, here.lat, here.lon);
  const uncertaintyKm = (last.accuracyKm ?? t.defaultAccuracyKm) + (here.accuracyKm ?? t.defaultAccuracyKm);
  const effectiveKm = Math.max(0, rawKm - uncertaintyKm);
  const elapsedH = (atMs - last.atMs) / HOUR_MS;
  const billedH = Math.max(elapsedH, t.minElapsedHours);
  const allowanceKm = t.maxSpeedKmh * billedH + t.baseAllowanceKm;
  // billedH is 0 only when minElapsedHours is 0 and both logins share a timestamp: any
  // remaining distance then took no time at all.
  const billedSpeed = billedH > 0 ? effectiveKm / billedH : Infinity;

  const details = {
    distance_km: round(rawKm, 1),
    effective_distance_km: round(effectiveKm, 1),
    uncertainty_km: round(uncertaintyKm, 1),
    elapsed_h: round(elapsedH, 2),
    speed_kmh: elapsedH > 0 ? Math.round(effectiveKm / elapsedH) : null,
    allowance_km: round(allowanceKm, 1),
    max_speed_kmh: t.maxSpeedKmh,
    from: place(last),
    to: place(here),
  };

  if (effectiveKm <= t.minimalDistanceKm) return { confidence: 'high', code: 'minimal_travel_from_last_login', details };
  if (effectiveKm > allowanceKm) return { confidence: 'low', code: 'impossible_travel_from_last_login', details };
  if (billedSpeed > t.groundSpeedKmh) return { confidence: 'medium', code: 'substantial_travel_from_last_login', details };
  return { confidence: 'high', code: 'travel_from_last_login', details };
}
