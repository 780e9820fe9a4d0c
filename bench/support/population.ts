import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createUaParser } from '../../src/risk/context/user-agent.js';
import type { GeoLocator } from '../../src/intel/geo-locator.js';
import { formatIpv4 } from '../../src/intel/lists/address.js';
import type { IpIntel } from '../../src/intel/lists/intel.js';

/**
 * A realistic, deterministic population for the bench: users with a home address that
 * resolves in the GeoIP database, 1–4 devices each (cookie + real user-agent string), and the
 * deny-listed networks and foreign addresses that the load mixes in.
 */

/** xorshift32: fast and deterministic, so runs compare. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex = (rand: Rand, n: number) => Array.from({ length: n }, () => Math.floor(rand() * 16).toString(16)).join('');
const token = (rand: Rand, n: number) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length: n }, () => abc[Math.floor(rand() * 64)]).join('');
};

/** Used when `../shared/data/ua` is absent (a fresh clone): current desktop and mobile browsers. */
export const BUILTIN_USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.6723.102 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36',
];

/**
 * The uap-core test strings, from the shared data folder beside the clone when there is one
 * (`../shared` from the sources, one more level up from `dist/`).
 */
const SHARED_UA_FILES = ['../../../shared', '../../../../shared'].map((up) =>
  fileURLToPath(new URL(`${up}/data/ua/uap-core-user-agents.txt`, import.meta.url)),
);

/**
 * Real user-agent strings: `file`, else the shared uap-core list when present, else the
 * built-in list. Only strings the parser recognises as a browser on an OS are kept for
 * devices (the list also holds crawlers and feature phones, which do not log in to web apps).
 */
export function loadUserAgents(file?: string): { all: string[]; browsers: string[]; source: string } {
  const found = file ?? SHARED_UA_FILES.find((p) => existsSync(p));
  const all = found
    ? readFileSync(found, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l.length > 20 && l.length <= 512)
    : BUILTIN_USER_AGENTS;
  const ua = createUaParser(0);
  const browsers = all.filter((s) => !(ua.family(s) ?? 'Unknown').includes('Unknown'));
  return { all, browsers: browsers.length >= 10 ? browsers : BUILTIN_USER_AGENTS, source: found ?? 'built-in' };
}

export interface Place {
  ip: string;
  lat: number;
  lon: number;
  country: string | null;
  city: string | null;
}

/**
 * `count` distinct public IPv4 addresses whose GeoIP record has coordinates: random
 * addresses, minus the unroutable ones (the intel's bogons), kept when the locator places them.
 */
export function publicPlaces(count: number, geo: GeoLocator, intel: IpIntel, rand: Rand): { places: Place[]; tried: number } {
  const seen = new Set<string>();
  const places: Place[] = [];
  let tried = 0;
  while (places.length < count && tried < count * 20) {
    tried++;
    const ip = formatIpv4(Math.floor(rand() * 4294967296));
    if (seen.has(ip) || intel.lookup(ip, 4).length > 0) continue;
    const loc = geo.lookup(ip, 4).location;
    if (!loc || loc.lat === null || loc.lon === null) continue;
    seen.add(ip);
    places.push({ ip, lat: loc.lat, lon: loc.lon, country: loc.country, city: loc.city });
  }
  return { places, tried };
}

export interface Device {
  id: string;
  ua: string;
}

export interface BenchUser {
  id: string;
  email: string | null;
  home: Place;
  devices: Device[];
}

/** User ids look like an IdP's (`auth0|` + 24 hex), since key length counts in Redis memory. */
export function makeUsers(n: number, places: readonly Place[], uas: readonly string[], rand: Rand): BenchUser[] {
  const users: BenchUser[] = [];
  for (let i = 0; i < n; i++) {
    const id = `auth0|${hex(rand, 24)}`;
    const devices = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => ({ id: token(rand, 32), ua: pick(rand, uas) }));
    users.push({ id, email: rand() < 0.8 ? `u${i}@example.com` : null, home: places[i % places.length]!, devices });
  }
  return users;
}

/**
 * `n` deny-listed networks in public space: mostly single addresses with some /24s, the shape
 * of the public abuse feeds. Returns the list text lines and one address inside each of the
 * first networks, for requests that should hit.
 */
export function denyNetworks(n: number, rand: Rand, hitsWanted = 2000): { lines: string[]; hits: string[] } {
  const lines: string[] = [];
  const hits: string[] = [];
  for (let i = 0; i < n; i++) {
    // 1.0.0.0 – 223.255.255.255: unicast space, so a hit is the list's and not the bogons'.
    const base = 0x01000000 + Math.floor(rand() * (0xdf000000 - 0x01000000));
    if (rand() < 0.1) {
      const net = base & 0xffffff00;
      lines.push(`${formatIpv4(net >>> 0)}/24`);
      if (hits.length < hitsWanted) hits.push(formatIpv4((net >>> 0) + 1 + Math.floor(rand() * 254)));
    } else {
      lines.push(formatIpv4(base));
      if (hits.length < hitsWanted) hits.push(formatIpv4(base));
    }
  }
  return { lines, hits };
}

/** Request kinds the load mixes, with default weights (percent). */
export const DEFAULT_MIX = {
  /** A known device (cookie + user agent) from the home address: allow, commit. */
  known: 72,
  /** A new cookie and another browser from home: no_match. */
  new_device: 10,
  /** A known device from another country: travel, often impossible. */
  travel: 8,
  /** A known device from a deny-listed address. */
  deny_listed: 5,
  /** A user never seen before: initial_login, allow, commit (the user is created). */
  new_user: 5,
} as const;
export type Kind = keyof typeof DEFAULT_MIX;

export interface Bodies {
  bodies: string[];
  kinds: Record<Kind, number>;
}

/** The body of `user`'s login from `device` at home: the mix's commonest kind. */
export function knownLogin(user: BenchUser, device: Device): Record<string, unknown> {
  return { user_id: user.id, ip: user.home.ip, user_agent: device.ua, device_id: device.id };
}

/** `count` JSON bodies for `POST /v1/assess`, drawn from the population by the mix. */
export function makeBodies(
  count: number,
  pop: { users: readonly BenchUser[]; places: readonly Place[]; uas: readonly string[]; denyHits: readonly string[] },
  rand: Rand,
  mix: Record<Kind, number> = DEFAULT_MIX,
): Bodies {
  const kinds = Object.fromEntries(Object.keys(mix).map((k) => [k, 0])) as Record<Kind, number>;
  const total = Object.values(mix).reduce((a, b) => a + b, 0);
  const bodies: string[] = [];
  let newUsers = 0;
  for (let i = 0; i < count; i++) {
    let r = rand() * total;
    let kind: Kind = 'known';
    for (const [k, w] of Object.entries(mix) as [Kind, number][]) {
      if ((r -= w) < 0) {
        kind = k;
        break;
      }
    }
    if (kind === 'deny_listed' && pop.denyHits.length === 0) kind = 'known';
    kinds[kind]++;
    const user = pick(rand, pop.users);
    const device = pick(rand, user.devices);
    let body: Record<string, unknown>;
    switch (kind) {
      case 'known':
        body = knownLogin(user, device);
        break;
      case 'new_device':
        body = { user_id: user.id, ip: user.home.ip, user_agent: pick(rand, pop.uas), device_id: token(rand, 32) };
        break;
      case 'travel': {
        let away = pick(rand, pop.places);
        for (let t = 0; t < 5 && away.country === user.home.country; t++) away = pick(rand, pop.places);
        body = { user_id: user.id, ip: away.ip, user_agent: device.ua, device_id: device.id };
        break;
      }
      case 'deny_listed':
        body = { user_id: user.id, ip: pick(rand, pop.denyHits), user_agent: device.ua, device_id: device.id };
        break;
      case 'new_user':
        body = { user_id: `auth0|new${hex(rand, 8)}${newUsers++}`, ip: pick(rand, pop.places).ip, user_agent: pick(rand, pop.uas), device_id: token(rand, 32) };
        break;
    }
    if (user.email && kind !== 'new_user') body.email = user.email;
    bodies.push(JSON.stringify(body));
  }
  return { bodies, kinds };
}
