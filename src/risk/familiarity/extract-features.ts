import type { UaParts } from '../context/user-agent.js';
import { MAX_UA_LENGTH } from '../context/user-agent.js';
import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from '../../intel/lists/address.js';
import type { FeatureHasher } from './feature-hasher.js';
import { NO_DEVICE_KEY, NO_DEVICE_POPULATION, type Feature, type FeatureValue, type LoginFeatures } from './features.js';

/** What the familiarity features are made from: a login as the request context resolved it. */
export interface FamiliarityLogin {
  /** Normalised address (see `parseIp`), or null. */
  ip: string | null;
  family: 4 | 6 | null;
  /** The AS announcing `ip` (see `openAsnLookup`), or null. */
  asn: number | null;
  /** ISO 3166-1 alpha-2 from GeoIP, or null. */
  country: string | null;
  city: string | null;
  /** The user agent as sent, or null. */
  userAgent: string | null;
  /** Its parsed parts (`UaParser.parts`), or null. */
  ua: UaParts | null;
  /** The device cookie's keyed hash (`deviceHash`, 22 base64url characters), or null. */
  deviceHash: string | null;
}

const words = new Uint32Array(4);

/** `a.b.c.0/24` for IPv4, the /48 for IPv6: one customer site in common allocation practice (RFC 6177). */
export function subnetOf(ip: string, family: 4 | 6): string | null {
  if (family === 4) {
    const a = parseIpv4(ip);
    return a < 0 ? null : `${formatIpv4((a & 0xffffff00) >>> 0)}/24`;
  }
  if (!parseIpv6(ip, words)) return null;
  words[1] = words[1]! & 0xffff0000;
  words[2] = 0;
  words[3] = 0;
  return `${formatIpv6(words)}/48`;
}

/**
 * A login's familiarity features (`docs/risk-model.md` §2). Hashed features go through `hash`
 * (the user's keyed hasher); country and device type stay raw; the device cookie's hash is cut
 * to the same 48 bits as the others (it is already keyed and per user). `population` carries
 * the raw value for the features counted across users (small domains), else null.
 */
export function extractFeatures(login: FamiliarityLogin, hash: FeatureHasher): LoginFeatures {
  const hashed = (f: Feature, value: string | null, counted = false): FeatureValue | null =>
    value === null || value === '' ? null : { key: hash(f, value), population: counted ? value : null };
  const raw = (value: string | null): FeatureValue | null => (value === null || value === '' ? null : { key: value, population: value });

  const { ip, family, ua } = login;
  const subnet = ip !== null && family !== null ? subnetOf(ip, family) : null;
  const country = login.country === null ? null : login.country.toUpperCase();
  const userAgent = login.userAgent === null ? null : login.userAgent.slice(0, MAX_UA_LENGTH).trim();
  return {
    ip: hashed('ip', ip),
    subnet: hashed('subnet', subnet),
    asn: hashed('asn', login.asn === null ? null : String(login.asn), true),
    // A city name is unique only within its country.
    city: hashed('city', country !== null && login.city !== null ? `${country}/${login.city}` : null),
    country: raw(country),
    ua: hashed('ua', userAgent),
    browser: hashed('browser', ua?.browser ?? null, true),
    os: hashed('os', ua?.os ?? null, true),
    deviceType: raw(ua?.deviceType ?? null),
    device: deviceValue(login.deviceHash, userAgent),
  };
}

/**
 * The device cookie's profile key (its keyed hash cut to 48 bits), or — for a browser login
 * (a user agent was sent) without a cookie — the no-cookie value. A login with neither (a
 * password-grant API call) has no device feature at all: nothing to compare, as NewDevice's
 * `unknown_device`.
 */
function deviceValue(deviceHash: string | null, userAgent: string | null): FeatureValue | null {
  if (deviceHash !== null) return { key: deviceHash.slice(0, 8), population: null };
  return userAgent !== null && userAgent !== '' ? { key: NO_DEVICE_KEY, population: NO_DEVICE_POPULATION } : null;
}
