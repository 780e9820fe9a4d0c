/**
 * One location type for every GeoIP schema (DB-IP Lite, MaxMind GeoIP2/GeoLite2).
 * Coordinates are WGS84 degrees; `accuracyKm` is the database's accuracy radius when it
 * gives one (MaxMind does, DB-IP Lite does not).
 */
export interface Location {
  lat: number | null;
  lon: number | null;
  accuracyKm: number | null;
  /** ISO 3166-1 alpha-2. */
  country: string | null;
  city: string | null;
}

/** Anonymizer flags (MaxMind Anonymous-IP schema, or an `anonymizer` list hit). */
export interface AnonymousInfo {
  anonymous: boolean;
  vpn: boolean;
  tor: boolean;
  hosting: boolean;
  publicProxy: boolean;
  residentialProxy: boolean;
}

/** What the GeoIP layer knows about one address. `location: null` means no record. */
export interface GeoResult {
  location: Location | null;
  anonymous: AnonymousInfo | null;
}
