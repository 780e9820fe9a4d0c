import type { City, GeoPool } from './geo-pool.js';
import { randomSubnet, type Ipv4Network } from './ipv4-network.js';
import type { SimulateOptions } from './flags.js';
import type { MobileCarriers } from './mobile-carriers.js';
import type { RangePool } from './range-pool.js';
import type { Rng } from './rng.js';
import type { DeviceKind, UaPool, UaTemplate } from './ua-pool.js';

const MONTH_MS = 30.44 * 86_400_000;

/**
 * Share of computers that are laptops (and so travel). Source: IDC PC shipment reports,
 * notebooks about two thirds of PCs shipped in 2023–2024.
 */
const LAPTOP_SHARE = 0.65;

/** Mean days between a browser release and a device running it (assumption: staged roll-out plus restarts). */
const UPDATE_DELAY_DAYS = 4;

/** Devices a user keeps at once; a new one retires the oldest. */
export const MAX_DEVICES = 3;

/** One browser on one device, with its cookie jar. */
export interface Device {
  kind: DeviceKind;
  /** Phones, tablets and laptops travel; desktops stay home. */
  portable: boolean;
  /** The browser's user agent at the start of the run (see `ReleaseCalendar`). */
  template: UaTemplate;
  cookie: string;
  updateDelayDays: number;
  /** Relative share of the user's logins made on it. */
  weight: number;
  createdMs: number;
  /** When the next cookie clearing happens. */
  nextClearMs: number;
}

/** A legit user's fixed traits. */
export interface LegitUser {
  index: number;
  userId: string;
  email: string;
  home: City;
  /** The DB-IP block of the home network (another block of the city is "another network"). */
  homeBlock: Ipv4Network;
  /** The home ISP's network (a DB-IP block, or a /16 of a larger one) in the home city. */
  homeNetwork: Ipv4Network;
  /** The mobile carrier's network, or null when the home country has none in the pool. */
  carrier: Ipv4Network | null;
  loginsPerWeek: number;
  /** The user's VPN ranges; empty for users without a VPN. */
  vpnRanges: Ipv4Network[];
  /** Chance that a login of this user goes through the VPN. */
  vpnChance: number;
  devices: Device[];
}

/** What user creation draws from. */
export interface UserWorld {
  /** Options with the rate scale applied. */
  opts: SimulateOptions;
  geo: GeoPool;
  uas: UaPool;
  carriers: MobileCarriers;
  vpn: RangePool;
}

/** A device cookie: 128 random bits in hex, as a login service would set. */
export function newCookie(rng: Rng): string {
  return rng.hex(16);
}

/** A device acquired at `createdMs`, of a kind drawn by the mobile share and a browser by market share. */
export function newDevice(world: UserWorld, createdMs: number, rng: Rng): Device {
  const kind: DeviceKind = rng.chance(world.opts.mobileShare) ? 'mobile' : 'desktop';
  const clearMean = world.opts.cookieClearsPerMonth > 0 ? MONTH_MS / world.opts.cookieClearsPerMonth : Infinity;
  return {
    kind,
    portable: kind === 'mobile' || rng.chance(LAPTOP_SHARE),
    template: world.uas.pick(kind, rng),
    cookie: newCookie(rng),
    updateDelayDays: rng.exponential(UPDATE_DELAY_DAYS),
    weight: 0.1 + rng.exponential(1),
    createdMs,
    nextClearMs: createdMs + rng.exponential(clearMean),
  };
}

/** User ids are `u` and a zero-padded index; emails use the reserved `example.com` (RFC 2606). */
export function userIdOf(index: number): string {
  return `u${String(index).padStart(6, '0')}`;
}

/**
 * A user: a home city drawn by network count, a home network there, the country's carrier,
 * a login rate from a log-normal whose mean is `loginsPerWeek`, a VPN for `vpnUsers` of them
 * (a range in the home country half the time when one is listed, else anywhere), and 1–3
 * devices.
 */
export function createUser(index: number, world: UserWorld, startMs: number, rng: Rng): LegitUser {
  const { opts, geo } = world;
  const home = geo.homeCities.pick(rng);
  if (!home) throw new Error('the GeoIP pool has no city with two networks; raise --geo-samples');
  const block = rng.pick(home.networks);
  const homeNetwork = randomSubnet(block, 16, rng);
  const carrier = world.carriers.networkFor(home, rng);
  // Log-normal with mean loginsPerWeek: median = mean / exp(σ²/2).
  const sigma = opts.loginSpread;
  const loginsPerWeek = rng.logNormal(opts.loginsPerWeek / Math.exp((sigma * sigma) / 2), sigma);

  const vpnRanges: Ipv4Network[] = [];
  if (opts.vpnUsers > 0 && rng.chance(opts.vpnUsers) && world.vpn.all.length > 0) {
    const local = world.vpn.byCountry.get(home.country);
    vpnRanges.push(local && rng.chance(0.5) ? rng.pick(local) : rng.pick(world.vpn.all));
  }
  const vpnChance = opts.vpnUsers > 0 ? Math.min(1, opts.vpnShare / opts.vpnUsers) : 0;

  const devices = [newDevice(world, startMs, rng)];
  while (devices.length < MAX_DEVICES && rng.chance(opts.extraDeviceShare)) devices.push(newDevice(world, startMs, rng));
  const userId = userIdOf(index);
  return { index, userId, email: `${userId}@example.com`, home, homeBlock: block, homeNetwork, carrier, loginsPerWeek, vpnRanges, vpnChance, devices };
}
