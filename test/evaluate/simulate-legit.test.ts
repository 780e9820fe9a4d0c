import { beforeAll, describe, expect, it } from 'vitest';
import type { BuiltInputs } from '../../src/evaluate/simulate/build-inputs.js';
import { cityKey } from '../../src/evaluate/simulate/geo-pool.js';
import { HISTORY_BUCKETS, historyBucket } from '../../src/evaluate/simulate/history-bucket.js';
import type { SimResult } from '../../src/evaluate/simulate/simulate.js';
import { runStats } from '../../src/evaluate/simulate/summary.js';
import { haversineKm } from '../../src/intel/geo/haversine.js';
import { parseIpv4 } from '../../src/intel/lists/address.js';
import { run, testInputs } from './simulation-fixture.js';

const HOUR_MS = 3_600_000;

let inputs: BuiltInputs;
let base: SimResult;
beforeAll(async () => {
  inputs = await testInputs();
  base = run(inputs, { users: 2000, attacks: 0 });
}, 60_000);

describe('legit users', () => {
  it('realise the trip, VPN and ROPG rates their flags ask for', () => {
    const s = runStats(base);
    expect(s.legit).toBeGreaterThan(40_000);
    expect(s.tripsPerUserYear).toBeGreaterThan(2 * 0.9);
    expect(s.tripsPerUserYear).toBeLessThan(2 * 1.1);
    // ROPG is drawn per login: tight. VPN depends on which users own one (heavy-tailed rates): looser.
    expect(Math.abs(s.ropgShare - 0.05)).toBeLessThan(0.05 * 0.1);
    expect(Math.abs(s.vpnShare - 0.03)).toBeLessThan(0.03 * 0.25);
    expect(Math.abs(s.mobileShare - 0.55)).toBeLessThan(0.05);
  });

  // Two more runs of 2,000 users: slow on a loaded machine.
  it('move those rates with --rate-scale, and their explicit flags', { timeout: 60_000 }, () => {
    const scaled = runStats(run(inputs, { users: 2000, attacks: 0, rateScale: 1.5 }));
    expect(scaled.tripsPerUserYear / 3).toBeGreaterThan(0.9);
    expect(scaled.tripsPerUserYear / 3).toBeLessThan(1.1);
    expect(Math.abs(scaled.ropgShare - 0.075)).toBeLessThan(0.075 * 0.1);
    expect(Math.abs(scaled.vpnShare - 0.045)).toBeLessThan(0.045 * 0.25);
    const explicit = runStats(run(inputs, { users: 2000, attacks: 0, ropgShare: 0.2, vpnShare: 0.1, tripsPerYear: 6 }));
    expect(Math.abs(explicit.ropgShare - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(explicit.vpnShare - 0.1)).toBeLessThan(0.025);
    expect(explicit.tripsPerUserYear / 6).toBeGreaterThan(0.9);
  });

  it('never log in faster than a flight allows, judged on where they really were', () => {
    const { flightKmh, airportHours } = base.effective;
    let moves = 0;
    for (const a of base.accounts) {
      for (let i = 1; i < a.logins.length; i++) {
        const p = a.logins[i - 1]!.truth!;
        const q = a.logins[i]!.truth!;
        const km = haversineKm(p.lat, p.lon, q.lat, q.lon);
        if (km === 0) continue;
        moves++;
        const hours = (a.logins[i]!.timeMs - a.logins[i - 1]!.timeMs) / HOUR_MS;
        expect(hours).toBeGreaterThanOrEqual(airportHours + km / flightKmh - 1e-3);
        // Independent of the model's own constants: nothing beats a 900 km/h airliner.
        expect(km / hours).toBeLessThan(900);
      }
    }
    expect(moves).toBeGreaterThan(500);
  });

  it('log in from home, on trips from the destination, and never while travelling', () => {
    for (const a of base.accounts) {
      for (const l of a.logins) {
        const trip = a.trips.find((t) => l.timeMs >= t.departMs && l.timeMs < t.backMs);
        expect(trip === undefined || (l.timeMs >= trip.arriveMs && l.timeMs < trip.leaveMs)).toBe(true);
        expect(l.truth!.trip).toBe(trip !== undefined);
        const at = trip ? trip.destination : a.user.home;
        expect([l.truth!.lat, l.truth!.lon]).toEqual([at.lat, at.lon]);
      }
    }
  });

  it('are placed in their home city by GeoIP when on the home network', () => {
    let home = 0;
    for (const a of base.accounts.slice(0, 300)) {
      for (const l of a.logins) {
        if (l.truth!.network !== 'home' || l.truth!.vpn) continue;
        home++;
        expect(cityKey(inputs.geo.locate(parseIpv4(l.ip))!)).toBe(a.user.home.key);
      }
    }
    expect(home).toBeGreaterThan(1000);
  });

  it('spread over every history bucket, and password-grant logins carry no cookie and no user agent', () => {
    const users = new Map(HISTORY_BUCKETS.map((b) => [b, 0]));
    for (const a of base.accounts) users.set(historyBucket(a.logins.length), users.get(historyBucket(a.logins.length))! + 1);
    for (const b of HISTORY_BUCKETS) expect(users.get(b)).toBeGreaterThanOrEqual(20);
    for (const l of base.logins) {
      expect(l.label).toBe('legit');
      if (l.truth!.ropg) expect([l.userAgent, l.deviceId]).toEqual(['', '']);
      else expect(l.userAgent !== '' && /^[0-9a-f]{32}$/.test(l.deviceId)).toBe(true);
    }
  });

  it('sometimes mistype the password: a failure from the same device and address 5–60 s before a success', () => {
    const typos = base.logins.filter((l) => l.outcome === 'failure');
    expect(Math.abs(typos.length / runStats(base).legit - 0.03)).toBeLessThan(0.005);
    const successes = new Set(base.accounts.flatMap((a) => a.logins));
    for (const t of typos) {
      const account = base.accounts.find((a) => a.user.userId === t.userId)!;
      const next = account.logins.find((l) => l.timeMs > t.timeMs)!;
      expect(next.timeMs - t.timeMs).toBeGreaterThanOrEqual(5_000 - 1);
      expect(next.timeMs - t.timeMs).toBeLessThanOrEqual(60_000 + 1);
      expect([next.ip, next.userAgent, next.deviceId]).toEqual([t.ip, t.userAgent, t.deviceId]);
      expect(successes.has(t)).toBe(false);
    }
  });

  it('clear cookies, get new devices and update their browsers over the period', () => {
    let cookies = 0;
    let devices = 0;
    let uaChanges = 0;
    for (const a of base.accounts) {
      const byCookie = new Map<string, string>();
      for (const l of a.logins) {
        if (l.deviceId === '') continue;
        const prev = byCookie.get(l.deviceId);
        if (prev !== undefined && prev !== l.userAgent) uaChanges++;
        byCookie.set(l.deviceId, l.userAgent);
      }
      cookies += byCookie.size;
      devices += a.user.devices.length;
    }
    // More cookies than starting devices: clears and new devices; the same cookie with a newer UA: updates.
    expect(cookies).toBeGreaterThan(devices * 1.2);
    expect(uaChanges).toBeGreaterThan(1000);
  });
});
