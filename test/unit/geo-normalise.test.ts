import { describe, expect, it } from 'vitest';
import type { CityResponse } from 'maxmind';
import {
  anonymousFromGeoIp2,
  isGeoIp2Shaped,
  locationFromDbIp,
  locationFromGeoIp2,
} from '../../src/intel/geo/normalise.js';

describe('locationFromDbIp', () => {
  it('maps the flat record, without accuracy', () => {
    expect(
      locationFromDbIp({ country_code: 'US', state1: 'California', city: 'Mountain View', latitude: 37.422, longitude: -122.085 }),
    ).toEqual({ lat: 37.422, lon: -122.085, accuracyKm: null, country: 'US', city: 'Mountain View' });
  });

  it('turns empty strings and missing or half coordinates into null', () => {
    expect(locationFromDbIp({ country_code: '', city: '', latitude: 10 })).toEqual({
      lat: null,
      lon: null,
      accuracyKm: null,
      country: null,
      city: null,
    });
    expect(locationFromDbIp({})).toMatchObject({ lat: null, lon: null, country: null });
  });

  it('rejects coordinates off the globe and country codes that are not alpha-2', () => {
    expect(locationFromDbIp({ latitude: 91, longitude: 0, country_code: 'USA' })).toMatchObject({ lat: null, lon: null, country: null });
    expect(locationFromDbIp({ latitude: 0, longitude: 0, country_code: 'gb' })).toMatchObject({ lat: 0, lon: 0, country: 'GB' });
  });
});

describe('locationFromGeoIp2', () => {
  it('maps country, English city name, coordinates and accuracy radius', () => {
    const rec = {
      city: { geoname_id: 1, names: { en: 'London', de: 'London' } },
      country: { geoname_id: 2, iso_code: 'GB', names: { en: 'United Kingdom' } },
      registered_country: { geoname_id: 3, iso_code: 'DE', names: { en: 'Germany' } },
      location: { accuracy_radius: 10, latitude: 51.5142, longitude: -0.0931 },
    } satisfies CityResponse;
    expect(locationFromGeoIp2(rec)).toEqual({ lat: 51.5142, lon: -0.0931, accuracyKm: 10, country: 'GB', city: 'London' });
  });

  it('gives null for what the record lacks', () => {
    expect(locationFromGeoIp2({})).toEqual({ lat: null, lon: null, accuracyKm: null, country: null, city: null });
    const noEnglish = { city: { geoname_id: 1, names: { de: 'München' } } } as unknown as CityResponse;
    expect(locationFromGeoIp2(noEnglish).city).toBeNull();
  });
});

describe('anonymousFromGeoIp2', () => {
  it('maps an empty record (unlisted address) to all false', () => {
    expect(anonymousFromGeoIp2({})).toEqual({
      anonymous: false,
      vpn: false,
      tor: false,
      hosting: false,
      publicProxy: false,
      residentialProxy: false,
    });
  });

  it('maps each flag', () => {
    expect(anonymousFromGeoIp2({ is_anonymous: true, is_anonymous_vpn: true })).toMatchObject({ anonymous: true, vpn: true, tor: false });
    expect(anonymousFromGeoIp2({ is_tor_exit_node: true })).toMatchObject({ anonymous: true, tor: true });
    expect(
      anonymousFromGeoIp2({
        is_anonymous: true,
        is_anonymous_vpn: true,
        is_tor_exit_node: true,
        is_hosting_provider: true,
        is_public_proxy: true,
        is_residential_proxy: true,
      }),
    ).toEqual({ anonymous: true, vpn: true, tor: true, hosting: true, publicProxy: true, residentialProxy: true });
  });
});

describe('isGeoIp2Shaped', () => {
  it('tells the nested schema from the flat one', () => {
    expect(isGeoIp2Shaped({ country: { iso_code: 'GB' } })).toBe(true);
    expect(isGeoIp2Shaped({ city: { names: { en: 'X' } } })).toBe(true);
    expect(isGeoIp2Shaped({ country_code: 'GB', city: 'London' })).toBe(false);
    expect(isGeoIp2Shaped({ city: null })).toBe(false);
  });
});
