import { randomHost, randomSubnet, type Ipv4Network } from './ipv4-network.js';
import { MAX_DEVICES, newCookie, newDevice, type Device, type LegitUser, type UserWorld } from './legit-user.js';
import type { ReleaseCalendar } from './release-calendar.js';
import type { Rng } from './rng.js';
import type { SimLogin, Truth } from './sim-login.js';
import { planTrips, type Trip } from './trips.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
const MONTH_MS = 30.44 * DAY_MS;
const YEAR_MS = 365 * DAY_MS;

/**
 * Relative login activity by local hour (0–23): low at night, a plateau through the working
 * day, a peak in the evening. Assumption, shaped like the diurnal curves of web traffic.
 */
const HOURLY = [0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 1.4, 1.5, 1.5, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.4, 1.5, 1.6, 1.6, 1.4, 1, 0.6];
const HOURLY_MAX = Math.max(...HOURLY);
const HOURLY_MEAN = HOURLY.reduce((a, b) => a + b, 0) / HOURLY.length;

/** A user's legit logins, the mistyped passwords before some of them, and the trips behind them. */
export interface LegitTimeline {
  /** Successful logins in time order. */
  logins: SimLogin[];
  /** Failed attempts (a wrong password typed just before a success), in time order. */
  typos: SimLogin[];
  trips: Trip[];
}

/** What the timeline draws from beyond the user. */
export interface TimelineWorld extends UserWorld {
  calendar: ReleaseCalendar;
  startMs: number;
  endMs: number;
}

function localHour(timeMs: number, lon: number): number {
  const h = Math.floor((timeMs + (lon / 15) * HOUR_MS) / HOUR_MS) % 24;
  return h < 0 ? h + 24 : h;
}

/** Mean gap for a Poisson process of `perPeriod` events each `periodMs`; Infinity for none. */
function meanGap(perPeriod: number, periodMs: number): number {
  return perPeriod > 0 ? periodMs / perPeriod : Infinity;
}

/**
 * Generate a user's legit logins over the period, in time order, with the ground truth of each.
 *
 * Login times are a Poisson process of the user's rate, thinned by the local hour of where the
 * user is ({@link HOURLY}); none falls while the user is travelling. Between logins the world
 * moves on: the home address changes within its /24, the /24 within the ISP network, devices
 * lose their cookies, new devices arrive (retiring the oldest beyond three) and browsers update.
 * Each login then picks its way in: a password grant (`ropgShare`: no cookie, no UA, the phone's
 * network) or a device by its usage weight (on a trip, only phones, tablets and laptops); a
 * computer uses the home or hotel network, a phone the carrier (`cellularShare`, home-routed
 * when abroad, so GeoIP places it at home) or the Wi-Fi; a VPN user's login goes through the
 * VPN with the user's chance, exiting wherever the range is. Before `typoShare` of the logins
 * the user mistypes the password: a failed attempt from the same device and address, 5–60 s
 * before the success.
 */
export function legitLogins(user: LegitUser, world: TimelineWorld, rng: Rng): LegitTimeline {
  const { opts, startMs, endMs, calendar } = world;
  const trips = planTrips(
    {
      startMs,
      endMs,
      home: user.home,
      tripsPerYear: opts.tripsPerYear,
      abroadShare: opts.abroadShare,
      tripDays: opts.tripDays,
      flightKmh: opts.flightKmh,
      airportHours: opts.airportHours,
    },
    world.geo,
    rng,
  );

  const devices: Device[] = user.devices.map((d) => ({ ...d }));
  let subnet = randomSubnet(user.homeNetwork, 24, rng);
  let homeIp = randomHost(subnet, rng);
  const hostGap = meanGap(opts.hostChangesPerWeek, WEEK_MS);
  const subnetGap = meanGap(opts.subnetChangesPerMonth, MONTH_MS);
  const deviceGap = meanGap(opts.newDevicesPerYear, YEAR_MS);
  const clearGap = meanGap(opts.cookieClearsPerMonth, MONTH_MS);
  let nextHost = startMs + rng.exponential(hostGap);
  let nextSubnet = startMs + rng.exponential(subnetGap);
  let nextDevice = startMs + rng.exponential(deviceGap);

  const logins: SimLogin[] = [];
  const typos: SimLogin[] = [];
  const proposalGap = WEEK_MS / (user.loginsPerWeek * (HOURLY_MAX / HOURLY_MEAN));
  let tripIndex = 0;
  for (let t = startMs + rng.exponential(proposalGap); t < endMs; t += rng.exponential(proposalGap)) {
    while (tripIndex < trips.length && trips[tripIndex]!.backMs <= t) tripIndex++;
    const trip = trips[tripIndex];
    const away = trip !== undefined && t >= trip.departMs;
    if (away && (t < trip.arriveMs || t >= trip.leaveMs)) continue; // travelling
    const place = away ? trip!.destination : user.home;
    if (!rng.chance(HOURLY[localHour(t, place.lon)]! / HOURLY_MAX)) continue;

    // The world between the previous login and this one.
    while (nextHost <= t || nextSubnet <= t) {
      if (nextSubnet <= nextHost) {
        subnet = randomSubnet(user.homeNetwork, 24, rng);
        nextSubnet += rng.exponential(subnetGap);
      } else {
        nextHost += rng.exponential(hostGap);
      }
      homeIp = randomHost(subnet, rng);
    }
    while (nextDevice <= t) {
      devices.push(newDevice(world, nextDevice, rng));
      if (devices.length > MAX_DEVICES) devices.shift();
      nextDevice += rng.exponential(deviceGap);
    }
    for (const d of devices) {
      while (d.nextClearMs <= t) {
        d.cookie = newCookie(rng);
        d.nextClearMs += rng.exponential(clearGap);
      }
    }

    const ropg = rng.chance(opts.ropgShare);
    let device: Device | null = null;
    if (!ropg) {
      device = pickDevice(away ? devices.filter((d) => d.portable) : devices, rng);
      if (!device) continue; // on a trip with only desktops: no login
    }
    const phoneLike = ropg || device!.kind === 'mobile';
    const cellular = phoneLike && user.carrier !== null && rng.chance(opts.cellularShare);
    const network: Truth['network'] = cellular ? 'cellular' : away ? 'hotel' : 'home';
    let ip = cellular ? randomHost(user.carrier!, rng) : away ? trip!.hotelIp : homeIp;
    const vpn = user.vpnRanges.length > 0 && rng.chance(user.vpnChance);
    if (vpn) ip = randomHost(rng.pick(user.vpnRanges) as Ipv4Network, rng);

    const login: SimLogin = {
      userId: user.userId,
      timeMs: Math.round(t),
      ip,
      userAgent: device ? calendar.uaAt(device.template, t, device.updateDelayDays) : '',
      deviceId: device ? device.cookie : '',
      email: user.email,
      label: 'legit',
      outcome: 'success',
      truth: {
        lat: place.lat,
        lon: place.lon,
        trip: away,
        vpn,
        ropg,
        device: device ? device.kind : 'app',
        network,
      },
    };
    // A mistyped password first: the failure at t, the success seconds later, both from here.
    const retryMs = rng.between(5_000, 60_000);
    // The success must stay where the user is: before leaving the destination, or home.
    const stayUntil = away ? trip!.leaveMs : Math.min(endMs, trip?.departMs ?? Infinity);
    if (rng.chance(opts.typoShare) && t + retryMs < stayUntil) {
      typos.push({ ...login, outcome: 'failure' });
      login.timeMs = Math.round(t + retryMs);
    }
    logins.push(login);
  }
  return { logins, typos, trips };
}

function pickDevice(devices: readonly Device[], rng: Rng): Device | null {
  const total = devices.reduce((s, d) => s + d.weight, 0);
  let x = rng.float() * total;
  for (const d of devices) {
    x -= d.weight;
    if (x < 0) return d;
  }
  return devices.at(-1) ?? null;
}
