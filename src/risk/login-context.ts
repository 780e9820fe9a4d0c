import type { LoginContext } from './assessors/types.js';
import { deviceHash } from './context/device.js';
import type { IpSource } from './context/ip.js';
import type { HistoryEntry } from './history/snapshot.js';
import { findAnonymizer } from '../intel/lists/anonymizer.js';
import { extractFeatures } from './familiarity/extract-features.js';
import { createFeatureHasher } from './familiarity/feature-hasher.js';
import type { AsnRecord } from '../intel/asn/asn-index.js';
import type { GeoResult } from '../intel/geo/location.js';
import type { IntelMatch } from '../intel/lists/types.js';
import type { IpIntel } from '../intel/lists/intel.js';
import type { Config } from '../config.js';
import type { Metrics } from '../platform/metrics/metrics.js';
import type { UaParts } from './context/user-agent.js';
import type { Caller } from '../caller.js';
import { endUserIp } from './end-user-ip.js';

export interface LoginInput {
  userId: string;
  ip: string | undefined;
  userAgent: string | undefined;
  deviceId: string | undefined;
  atMs: number;
}

/**
 * The readers a login's context is read from, in memory (the composition root opens them once:
 * src/intel/geo-locator.ts, src/intel/open-asn-lookup.ts, the IP lists, the UA parser).
 */
export interface LoginContextDeps {
  config: Pick<Config, 'deviceSecret'>;
  geo: { lookup(ip: string, family: 4 | 6): GeoResult };
  intel: Pick<IpIntel, 'lookup'>;
  asn: { lookup(ip: string, family: 4 | 6): AsnRecord | null };
  uaFamily(ua: string): string | null;
  uaParts(ua: string): UaParts | null;
  metrics: Pick<Metrics, 'forwardedForIgnored'>;
}

/**
 * Everything known about a login before history is loaded, all in memory: the end-user IP,
 * its GeoIP record and list hits (and whether either marks it an anonymizer), the user-agent
 * family and the keyed device hash.
 */
export function buildLoginContext(
  deps: LoginContextDeps,
  input: LoginInput,
  caller: Caller,
): { login: LoginContext; matches: readonly IntelMatch[]; ipSource: IpSource } {
  const resolved = endUserIp(deps, caller, input.ip);
  const addr = resolved.ip !== null && resolved.family !== null ? { ip: resolved.ip, family: resolved.family } : null;
  const geo = addr ? deps.geo.lookup(addr.ip, addr.family) : { location: null, anonymous: null };
  const matches = addr ? deps.intel.lookup(addr.ip, addr.family) : [];
  const deviceHashed = input.deviceId ? deviceHash(deps.config.deviceSecret, input.userId, input.deviceId) : null;
  const features = extractFeatures(
    {
      ip: addr?.ip ?? null,
      family: addr?.family ?? null,
      asn: addr ? (deps.asn.lookup(addr.ip, addr.family)?.asn ?? null) : null,
      country: geo.location?.country ?? null,
      city: geo.location?.city ?? null,
      userAgent: input.userAgent ?? null,
      ua: input.userAgent ? deps.uaParts(input.userAgent) : null,
      deviceHash: deviceHashed,
    },
    createFeatureHasher(deps.config.deviceSecret, input.userId),
  );
  const login: LoginContext = {
    userId: input.userId,
    ip: resolved.ip,
    invalidIp: resolved.invalidIp,
    deviceHash: deviceHashed,
    uaFamily: input.userAgent ? deps.uaFamily(input.userAgent) : null,
    geo,
    anonymizer: findAnonymizer(geo, matches),
    atMs: input.atMs,
    features,
  };
  return { login, matches, ipSource: resolved.source };
}

/**
 * What committing this login adds to history: device, user agent, and the location if it has
 * coordinates and is the user's own, not an anonymizer's exit (the next login from home would
 * otherwise read as travel from it).
 */
export function historyEntryOf(login: LoginContext): HistoryEntry {
  const loc = login.geo.location;
  return {
    deviceHash: login.deviceHash,
    uaFamily: login.uaFamily,
    location:
      loc && loc.lat !== null && loc.lon !== null && login.anonymizer === null
        ? { lat: loc.lat, lon: loc.lon, accuracyKm: loc.accuracyKm, atMs: login.atMs, country: loc.country, city: loc.city }
        : null,
    atMs: login.atMs,
    features: login.features,
  };
}
