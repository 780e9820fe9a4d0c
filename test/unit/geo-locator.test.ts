import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseIp } from '../../src/risk/context/ip.js';
import { ConfigError } from '../../src/config.js';
import { bundledDbIpPaths, openGeoLocator, type GeoLocator } from '../../src/intel/geo-locator.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/maxmind/${name}`, import.meta.url));
const CITY = fixture('GeoIP2-City-Test.mmdb');
const LITE = fixture('GeoLite2-City-Test.mmdb');
const ANON = fixture('GeoIP2-Anonymous-IP-Test.mmdb');
const none = { cityPath: null, cityIpv6Path: null, anonymousIpPath: null };

/** Look an address up as the request path does: parse and normalise first. */
function lookup(geo: GeoLocator, raw: string) {
  const p = parseIp(raw);
  if (!p) throw new Error(`bad test address ${raw}`);
  return geo.lookup(p.ip, p.family);
}

describe('GeoLocator on MaxMind databases', () => {
  let geo: GeoLocator;
  beforeAll(async () => {
    geo = await openGeoLocator({ cityPath: CITY, cityIpv6Path: null, anonymousIpPath: ANON });
  });
  afterAll(() => geo.close());

  it('describes what it loaded', () => {
    expect(geo.info.bundledDbIp).toBe(false);
    expect(geo.info.databases.map((d) => [d.role, d.databaseType, d.serves, d.schema])).toEqual([
      ['city', 'GeoIP2-City', [4, 6], 'geoip2'],
      ['anonymous-ip', 'GeoIP2-Anonymous-IP', [4, 6], null],
    ]);
  });

  it.each([
    ['81.2.69.142', { lat: 51.5142, lon: -0.0931, accuracyKm: 10, country: 'GB', city: 'London' }],
    ['89.160.20.112', { country: 'SE', city: 'Linköping' }],
    ['216.160.83.56', { country: 'US', city: 'Milton' }],
    ['::ffff:81.2.69.142', { country: 'GB', city: 'London' }],
    ['2001:218::1', { country: 'JP', city: null, accuracyKm: 100 }],
  ])('%s → %o', (ip, expected) => {
    expect(lookup(geo, ip).location).toMatchObject(expected);
  });

  it('returns location null for an address without a record', () => {
    expect(lookup(geo, '10.0.0.1').location).toBeNull();
    expect(lookup(geo, '8.8.8.8').location).toBeNull();
  });

  it('reads anonymizer flags; an unlisted address is not anonymous', () => {
    expect(lookup(geo, '1.2.3.4').anonymous).toMatchObject({ anonymous: true, vpn: true, tor: false });
    expect(lookup(geo, '65.1.2.3').anonymous).toMatchObject({ anonymous: true, tor: true, vpn: false });
    expect(lookup(geo, '81.2.69.1').anonymous).toEqual({
      anonymous: true,
      vpn: true,
      tor: true,
      hosting: true,
      publicProxy: true,
      residentialProxy: true,
    });
    const clean = { anonymous: false, vpn: false, tor: false, hosting: false, publicProxy: false, residentialProxy: false };
    expect(lookup(geo, '8.8.8.8').anonymous).toEqual(clean);
    expect(lookup(geo, '2001:4860:4860::8888').anonymous).toEqual(clean);
  });

  it('never throws on bad input', () => {
    expect(geo.lookup('not an ip', 4)).toEqual({ location: null, anonymous: null });
    expect(geo.lookup('zz::1', 6).location).toBeNull();
    // The family must match the text, or an IPv6 address could walk an IPv4 tree.
    expect(geo.lookup('81.2.69.142', 6)).toEqual({ location: null, anonymous: null });
    expect(geo.lookup('2001:218::1', 4)).toEqual({ location: null, anonymous: null });
  });
});

describe('GeoLocator schema detection and config', () => {
  it('reads a GeoLite2 database with the MaxMind schema', async () => {
    const geo = await openGeoLocator({ ...none, cityPath: LITE });
    expect(geo.info.databases[0]).toMatchObject({ databaseType: 'GeoLite2-City', schema: 'geoip2' });
    expect(lookup(geo, '81.2.69.142').location).toMatchObject({ country: 'GB', city: 'London' });
    expect(lookup(geo, '81.2.69.142').anonymous).toBeNull();
    await geo.close();
    await geo.close();
    expect(lookup(geo, '81.2.69.142').location).toBeNull();
  });

  it('never asks an IPv4-only file about IPv6 (it would answer with a wrong record)', async () => {
    const geo = await openGeoLocator({ ...none, cityPath: bundledDbIpPaths().ipv4 });
    expect(geo.info.databases).toHaveLength(1);
    expect(geo.info.databases[0]).toMatchObject({ ipVersion: 4, serves: [4], schema: 'ip-location-db' });
    expect(lookup(geo, '8.8.8.8').location).toMatchObject({ country: 'US' });
    expect(lookup(geo, '2001:4860:4860::8888').location).toBeNull();
    await geo.close();
  });

  it('uses cityIpv6Path for IPv6 and refuses an IPv4-only file there', async () => {
    const paths = bundledDbIpPaths();
    const geo = await openGeoLocator({ ...none, cityPath: paths.ipv4, cityIpv6Path: paths.ipv6 });
    expect(geo.info.databases.map((d) => d.serves)).toEqual([[4], [6]]);
    expect(lookup(geo, '2001:4860:4860::8888').location).not.toBeNull();
    await geo.close();
    await expect(openGeoLocator({ ...none, cityPath: CITY, cityIpv6Path: paths.ipv4 })).rejects.toThrow(ConfigError);
  });

  it('fails fast on a missing file, a wrong database kind, or a v6 path alone', async () => {
    await expect(openGeoLocator({ ...none, cityPath: '/nonexistent/City.mmdb' })).rejects.toThrow(/Cannot open GEOIP_CITY_PATH/);
    await expect(openGeoLocator({ ...none, cityPath: ANON })).rejects.toThrow(/not a city database/);
    await expect(openGeoLocator({ ...none, anonymousIpPath: CITY })).rejects.toThrow(/not an Anonymous-IP/);
    await expect(openGeoLocator({ ...none, cityIpv6Path: CITY })).rejects.toThrow(ConfigError);
  });
});

describe('GeoLocator on the bundled DB-IP Lite files', () => {
  let geo: GeoLocator;
  beforeAll(async () => {
    geo = await openGeoLocator(none);
  });
  afterAll(() => geo.close());

  it('routes by family to the IPv4 and IPv6 files', () => {
    expect(geo.info.bundledDbIp).toBe(true);
    expect(geo.info.databases.map((d) => [d.ipVersion, d.serves, d.schema])).toEqual([
      [4, [4], 'ip-location-db'],
      [6, [6], 'ip-location-db'],
    ]);
  });

  it('finds public addresses, with coordinates and no accuracy radius', () => {
    const v4 = lookup(geo, '8.8.8.8').location;
    expect(v4).toMatchObject({ country: 'US', accuracyKm: null });
    expect(v4?.lat).toBeTypeOf('number');
    const v6 = lookup(geo, '2001:4860:4860::8888').location;
    expect(v6?.country).toMatch(/^[A-Z]{2}$/);
    expect(v6?.lat).toBeGreaterThanOrEqual(-90);
    expect(v6?.lat).toBeLessThanOrEqual(90);
  });

  it('has no record for private addresses, and none without an Anonymous-IP database', () => {
    expect(lookup(geo, '10.0.0.1')).toEqual({ location: null, anonymous: null });
  });

  it('finds an IPv4-mapped address once parseIp has normalised it', () => {
    expect(geo.lookup('::ffff:8.8.8.8', 6).location).toBeNull(); // the raw form misses
    expect(lookup(geo, '::ffff:8.8.8.8').location).toEqual(lookup(geo, '8.8.8.8').location);
  });
});
