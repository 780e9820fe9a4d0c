import type { Location } from '../../intel/geo/location.js';
import { haversineKm } from '../../intel/geo/haversine.js';
import type { LastLocation } from '../history/snapshot.js';
import { nearestPlaceKm, recentPlaces } from '../familiarity/places.js';
import type { Assessment, Assessor, AssessorInput, Confidence } from './types.js';

const HOUR_MS = 3_600_000;

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

const place = (l: { country: string | null; city: string | null }) => ({ country: l.country, city: l.city });

/**
 * ImpossibleTravel (docs/risk-model.md "Travel"): could the user have travelled from the last
 * valid login location to this one in the time between them? An anonymizer (per the
 * Anonymous-IP database or an `anonymizer` list, named in the details) answers
 * `anonymous_proxy` instead.
 *
 * The user's familiar places weigh in: arriving at one (home after a trip, or a place GeoIP
 * put the user before) is `high` whatever the speed from the last login, and a login farther
 * than `unfamiliarRegionKm` from every familiar place is at best `medium` however slowly the
 * user got there. Details carry `familiar_place` and `nearest_familiar_km`. A login stamped
 * before the last one is measured over the time between them all the same (`invalid_travel`
 * only when that travel is harmless), so a timestamp cannot weaken the assessment.
 *
 * GeoIP is noisy, so the distance is first reduced by both records' accuracy radii (a default
 * radius where the database gives none). The impossible-travel allowance is authentik's:
 * `maxSpeedKmh × max(hours, minElapsedHours) + baseAllowanceKm`
 * (authentik `policies/geoip/models.py`, 1000 km/h × max(h, 1) + 100 km). Travel faster than
 * `groundSpeedKmh` but within the allowance is plausible only by air.
 */
export const impossibleTravel = {
  name: 'ImpossibleTravel',
  assess({ login, history, settings, nowMs }: AssessorInput): Assessment<'ImpossibleTravel'> {
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
    const places = recentPlaces(history.places, nowMs, settings.familiarity.windowDays);
    const nearestKm = nearestPlaceKm(places, { lat, lon, accuracyKm: here.accuracyKm }, settings.travel.defaultAccuracyKm);
    return travel(last, here, lat, lon, login.atMs, nearestKm, settings.travel);
  },
} as const satisfies Assessor<'ImpossibleTravel'>;

/**
 * The travel from `last` to `here` (at `lat`, `lon`) by `atMs`, with the nearest familiar place
 * (`nearestKm`, null without places) taken into account as {@link impossibleTravel} says.
 */
function travel(
  last: LastLocation,
  here: Location,
  lat: number,
  lon: number,
  atMs: number,
  nearestKm: number | null,
  t: AssessorInput['settings']['travel'],
): Assessment<'ImpossibleTravel'> {
  const rawKm = haversineKm(last.lat, last.lon, lat, lon);
  const uncertaintyKm = (last.accuracyKm ?? t.defaultAccuracyKm) + (here.accuracyKm ?? t.defaultAccuracyKm);
  const effectiveKm = Math.max(0, rawKm - uncertaintyKm);
  // Logins out of order (a back-fill, a client clock ahead) are measured over the time between them.
  const elapsedH = Math.abs(atMs - last.atMs) / HOUR_MS;
  const billedH = Math.max(elapsedH, t.minElapsedHours);
  const allowanceKm = t.maxSpeedKmh * billedH + t.baseAllowanceKm;
  // billedH is 0 only when minElapsedHours is 0 and both logins share a timestamp: any
  // remaining distance then took no time at all.
  const billedSpeed = billedH > 0 ? effectiveKm / billedH : Infinity;

  let confidence: Confidence;
  let code: Assessment<'ImpossibleTravel'>['code'];
  if (effectiveKm <= t.minimalDistanceKm) [confidence, code] = ['high', 'minimal_travel_from_last_login'];
  else if (effectiveKm > allowanceKm) [confidence, code] = ['low', 'impossible_travel_from_last_login'];
  else if (billedSpeed > t.groundSpeedKmh) [confidence, code] = ['medium', 'substantial_travel_from_last_login'];
  else [confidence, code] = ['high', 'travel_from_last_login'];

  const familiar = nearestKm !== null && nearestKm <= t.minimalDistanceKm;
  if (familiar) confidence = 'high';
  else if (nearestKm !== null && nearestKm > t.unfamiliarRegionKm && confidence === 'high') confidence = 'medium';
  // A login stamped before the last one is `invalid_travel` only when its travel is harmless.
  if (atMs < last.atMs && (code === 'minimal_travel_from_last_login' || code === 'travel_from_last_login')) code = 'invalid_travel';

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
    // Left out of the answer (undefined) without places; present always, so every details
    // object has one shape.
    familiar_place: nearestKm === null ? undefined : familiar,
    nearest_familiar_km: nearestKm === null ? undefined : round(nearestKm, 1),
  };
  return { confidence, code, details };
}
