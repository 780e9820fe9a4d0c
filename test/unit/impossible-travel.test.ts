import { describe, expect, it } from 'vitest';
import { impossibleTravel } from '../../src/risk/assessors/impossible-travel.js';
import { haversineKm } from '../../src/intel/geo/haversine.js';
import type { LastLocation } from '../../src/risk/history/snapshot.js';
import {
  HOUR,
  LONDON,
  NEW_YORK,
  NOW,
  PARIS,
  history,
  input,
  lastLocation,
  location,
  login,
  settings,
} from './assessor-fixtures.js';

/** Kilometres per degree of latitude on the sphere haversineKm uses. */
const KM_PER_DEG = (Math.PI * 6371.0088) / 180;

const VPN_LIST = { source: 'x4bnet-vpn', network: '203.0.113.0/24' };

type Point = { lat: number; lon: number; country?: string; city?: string; accuracyKm?: number | null };

/** Assess a login at `to`, `hours` after a last valid login at `from`. */
function trip(from: Point, to: Point, hours: number, travel = settings.travel) {
  const last: LastLocation = lastLocation({ ...from, atMs: NOW - hours * HOUR });
  return impossibleTravel.assess(
    input({
      login: login({ geo: { location: location({ ...to }), anonymous: null }, atMs: NOW }),
      history: history({ lastLocation: last }),
      settings: { ...settings, travel },
    }),
  );
}

describe('impossibleTravel: codes before any distance', () => {
  it('assessment_not_available (low) without history, before anything else', () => {
    const r = impossibleTravel.assess(input({ history: null, login: login({ ip: null }) }));
    expect(r).toEqual({ confidence: 'low', code: 'assessment_not_available' });
  });

  it('missing_geoip (medium) without an IP, even if something says anonymizer', () => {
    const r = impossibleTravel.assess(input({ login: login({ ip: null, geo: { location: null, anonymous: null }, anonymizer: VPN_LIST }) }));
    expect(r).toEqual({ confidence: 'medium', code: 'missing_geoip' });
  });

  it('anonymous_proxy (low) for an anonymizer, naming what says so, before a missing location', () => {
    for (const anonymizer of [VPN_LIST, { source: 'geoip', network: null }]) {
      const r = impossibleTravel.assess(input({ login: login({ geo: { location: null, anonymous: null }, anonymizer }) }));
      expect(r).toEqual({ confidence: 'low', code: 'anonymous_proxy', details: anonymizer });
    }
  });

  it('a VPN hop is not impossible travel: anonymous_proxy however far the exit is', () => {
    const h = history({ lastLocation: lastLocation({ ...NEW_YORK, atMs: NOW - 60_000 }) });
    const far = login({ geo: { location: location(), anonymous: null }, anonymizer: VPN_LIST });
    expect(impossibleTravel.assess(input({ login: far, history: h })).code).toBe('anonymous_proxy');
    expect(impossibleTravel.assess(input({ login: { ...far, anonymizer: null }, history: h })).code).toBe('impossible_travel_from_last_login');
  });

  it('missing_geoip (medium) when the IP has no record', () => {
    const r = impossibleTravel.assess(input({ login: login({ geo: { location: null, anonymous: null } }) }));
    expect(r).toEqual({ confidence: 'medium', code: 'missing_geoip' });
  });

  it('unknown_location (neutral) for a record without coordinates', () => {
    for (const p of [{ lat: null }, { lon: null }, { lat: Number.NaN }]) {
      const geo = { location: location(p), anonymous: null };
      expect(impossibleTravel.assess(input({ login: login({ geo }) }))).toEqual({
        confidence: 'neutral',
        code: 'unknown_location',
      });
    }
  });

  it('initial_login (neutral) for a user without history', () => {
    const r = impossibleTravel.assess(input({ history: history({ known: false, lastLocation: lastLocation() }) }));
    expect(r).toEqual({ confidence: 'neutral', code: 'initial_login' });
  });

  it('location_history_not_found (neutral) when no earlier login had coordinates', () => {
    const r = impossibleTravel.assess(input({ history: history({ lastLocation: null, lastLoginMs: NOW - HOUR }) }));
    expect(r).toEqual({ confidence: 'neutral', code: 'location_history_not_found' });
  });

  it('invalid_travel when the login is older than the last valid one and the travel between them is harmless, keeping its confidence', () => {
    const h = history({ lastLocation: lastLocation({ atMs: NOW + 1 }) });
    expect(impossibleTravel.assess(input({ history: h }))).toMatchObject({ confidence: 'high', code: 'invalid_travel' });
  });

  it('a client timestamp ahead of the next login does not weaken it: London stamped 5 minutes ahead, then Tokyo now is impossible', () => {
    // The hardening finding: a login stamped in the future made the next real one invalid_travel (neutral).
    const h = history({ lastLocation: lastLocation({ atMs: NOW + 5 * 60_000 }) });
    const tokyo = login({ geo: { location: location({ lat: 35.6762, lon: 139.6503, country: 'JP', city: 'Tokyo' }), anonymous: null } });
    expect(impossibleTravel.assess(input({ history: h, login: tokyo }))).toMatchObject({ confidence: 'low', code: 'impossible_travel_from_last_login' });
  });
});

describe('impossibleTravel: distance and speed', () => {
  it('0 km is minimal travel, with details', () => {
    const r = trip(LONDON, LONDON, 2);
    expect(r).toEqual({
      confidence: 'high',
      code: 'minimal_travel_from_last_login',
      details: {
        distance_km: 0,
        effective_distance_km: 0,
        uncertainty_km: 200,
        elapsed_h: 2,
        speed_kmh: 0,
        allowance_km: 1000 * 2 + 100,
        max_speed_kmh: 1000,
        from: { country: 'GB', city: 'London' },
        to: { country: 'GB', city: 'London' },
      },
    });
  });

  it('subtracts both accuracy radii: 250 km apart with 100 km radii is 50 km, minimal', () => {
    const from = { lat: 10, lon: 20, accuracyKm: 100 };
    const to = { lat: 10 + 250 / KM_PER_DEG, lon: 20, accuracyKm: 100 };
    const r = trip(from, to, 0.25);
    expect(r.code).toBe('minimal_travel_from_last_login');
    expect(r.details).toMatchObject({ distance_km: 250, uncertainty_km: 200, effective_distance_km: 50 });
  });

  it('uses defaultAccuracyKm only for the side that gives no radius', () => {
    const from = { lat: 10, lon: 20, accuracyKm: 10 };
    const to = { lat: 10 + 250 / KM_PER_DEG, lon: 20, accuracyKm: null };
    const r = trip(from, to, 1, { ...settings.travel, defaultAccuracyKm: 30 });
    expect(r.details).toMatchObject({ uncertainty_km: 40, effective_distance_km: 210 });
  });

  it('London → New York in 1 h is impossible', () => {
    const raw = haversineKm(LONDON.lat, LONDON.lon, NEW_YORK.lat, NEW_YORK.lon);
    expect(raw).toBeGreaterThan(5560);
    expect(raw).toBeLessThan(5580);
    const r = trip(LONDON, NEW_YORK, 1);
    expect(r.confidence).toBe('low');
    expect(r.code).toBe('impossible_travel_from_last_login');
    expect(r.details).toEqual({
      distance_km: Math.round(raw * 10) / 10,
      effective_distance_km: Math.round((raw - 200) * 10) / 10,
      uncertainty_km: 200,
      elapsed_h: 1,
      speed_kmh: Math.round(raw - 200),
      allowance_km: 1100,
      max_speed_kmh: 1000,
      from: { country: 'GB', city: 'London' },
      to: { country: 'US', city: 'New York' },
    });
  });

  it('London → New York in 8 h is substantial (plausible only by air)', () => {
    const raw = haversineKm(LONDON.lat, LONDON.lon, NEW_YORK.lat, NEW_YORK.lon);
    const r = trip(LONDON, NEW_YORK, 8);
    expect(r.confidence).toBe('medium');
    expect(r.code).toBe('substantial_travel_from_last_login');
    expect(r.details).toMatchObject({ elapsed_h: 8, allowance_km: 8100, speed_kmh: Math.round((raw - 200) / 8) });
  });

  it('300 km in 3 h is ordinary travel', () => {
    const to = { lat: 10 + 300 / KM_PER_DEG, lon: 20, accuracyKm: 0 };
    const r = trip({ lat: 10, lon: 20, accuracyKm: 0 }, to, 3);
    expect(r.confidence).toBe('high');
    expect(r.code).toBe('travel_from_last_login');
    expect(r.details).toMatchObject({ effective_distance_km: 300, elapsed_h: 3, speed_kmh: 100, allowance_km: 3100 });
  });

  it('puts the allowance at maxSpeed × hours + base: just inside is not impossible, just outside is', () => {
    const at = (km: number) => trip({ lat: 0, lon: 0, accuracyKm: 0 }, { lat: km / KM_PER_DEG, lon: 0, accuracyKm: 0 }, 2);
    expect(at(2099).code).toBe('substantial_travel_from_last_login');
    expect(at(2101).code).toBe('impossible_travel_from_last_login');
  });

  it('bills short gaps as minElapsedHours (authentik max(hours, 1))', () => {
    // 1000 km in 6 minutes: at real speed 10,000 km/h, but within 1000 × 1 + 100.
    const r = trip({ lat: 0, lon: 0, accuracyKm: 0 }, { lat: 1000 / KM_PER_DEG, lon: 0, accuracyKm: 0 }, 0.1);
    expect(r.code).toBe('substantial_travel_from_last_login');
    expect(r.details).toMatchObject({ elapsed_h: 0.1, speed_kmh: 10_000, allowance_km: 1100 });
  });

  it('ground speed decides travel vs substantial', () => {
    const at = (kmh: number) =>
      trip({ lat: 0, lon: 0, accuracyKm: 0 }, { lat: 400 / KM_PER_DEG, lon: 0, accuracyKm: 0 }, 2, {
        ...settings.travel,
        groundSpeedKmh: kmh,
      }).code;
    expect(at(201)).toBe('travel_from_last_login');
    expect(at(199)).toBe('substantial_travel_from_last_login');
  });

  it('the minimal threshold applies to the effective distance', () => {
    const at = (minimal: number) =>
      trip({ lat: 0, lon: 0, accuracyKm: 0 }, { lat: 150 / KM_PER_DEG, lon: 0, accuracyKm: 0 }, 5, {
        ...settings.travel,
        minimalDistanceKm: minimal,
      }).code;
    expect(at(151)).toBe('minimal_travel_from_last_login');
    expect(at(149)).toBe('travel_from_last_login');
  });

  it('an effective distance equal to minimalDistanceKm is still minimal', () => {
    const to = { lat: 150 / KM_PER_DEG, lon: 0, accuracyKm: 0 };
    const exact = haversineKm(0, 0, to.lat, to.lon);
    const r = trip({ lat: 0, lon: 0, accuracyKm: 0 }, to, 5, { ...settings.travel, minimalDistanceKm: exact });
    expect(r.code).toBe('minimal_travel_from_last_login');
  });

  it('crosses the antimeridian the short way: Fiji 179.9 ↔ −179.9 is minimal, not impossible', () => {
    const r = trip({ lat: -17.7, lon: 179.9, accuracyKm: 5 }, { lat: -17.7, lon: -179.9, accuracyKm: 5 }, 0.1);
    expect(r.code).toBe('minimal_travel_from_last_login');
    expect(r.details?.distance_km).toBeGreaterThan(20);
    expect(r.details?.distance_km).toBeLessThan(22);
  });

  it('crosses a pole the short way', () => {
    const r = trip({ lat: 89.9, lon: 0, accuracyKm: 0 }, { lat: 89.9, lon: 180, accuracyKm: 0 }, 0.1);
    expect(r.code).toBe('minimal_travel_from_last_login');
    expect(r.details?.distance_km).toBeCloseTo(0.2 * KM_PER_DEG, 1);
  });

  it('pole to pole in 1 h is impossible', () => {
    const r = trip({ lat: 90, lon: 0, accuracyKm: 0 }, { lat: -90, lon: 0, accuracyKm: 0 }, 1);
    expect(r.code).toBe('impossible_travel_from_last_login');
    expect(r.details?.distance_km).toBeCloseTo(180 * KM_PER_DEG, 0);
  });

  it('same timestamp: no division by zero, speed null, time billed as minElapsedHours', () => {
    const far = trip(LONDON, NEW_YORK, 0);
    expect(far.code).toBe('impossible_travel_from_last_login');
    expect(far.details).toMatchObject({ elapsed_h: 0, speed_kmh: null, allowance_km: 1100 });
    expect(trip(LONDON, LONDON, 0).code).toBe('minimal_travel_from_last_login');
    // London–Paris: ~343 km − 200 km uncertainty = ~143 km, billed over 1 h: under 150 km/h.
    expect(trip(LONDON, PARIS, 0).code).toBe('travel_from_last_login');
    for (const r of [far, trip(LONDON, PARIS, 0)]) {
      for (const v of Object.values(r.details ?? {})) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    }
  });

  it('same timestamp with minElapsedHours 0: distance within the base allowance is substantial, beyond it impossible', () => {
    const travel = { ...settings.travel, minElapsedHours: 0, minimalDistanceKm: 50 };
    const near = trip({ lat: 0, lon: 0, accuracyKm: 0 }, { lat: 80 / KM_PER_DEG, lon: 0, accuracyKm: 0 }, 0, travel);
    expect(near.code).toBe('substantial_travel_from_last_login');
    expect(near.details).toMatchObject({ speed_kmh: null, allowance_km: 100 });
    const far = trip({ lat: 0, lon: 0, accuracyKm: 0 }, { lat: 101 / KM_PER_DEG, lon: 0, accuracyKm: 0 }, 0, travel);
    expect(far.code).toBe('impossible_travel_from_last_login');
    expect(trip(LONDON, LONDON, 0, travel).code).toBe('minimal_travel_from_last_login');
  });
});

describe('impossibleTravel: familiar places', () => {
  const TOKYO = { lat: 35.6762, lon: 139.6503, country: 'JP', city: 'Tokyo' };
  const place = (p: { lat: number; lon: number }, daysAgo = 1) => ({ lat: p.lat, lon: p.lon, accuracyKm: null, count: 5, lastSeenDay: Math.floor((NOW - daysAgo * 86_400_000) / 86_400_000) });
  const at = (to: Point, last: LastLocation, places: ReturnType<typeof place>[]) =>
    impossibleTravel.assess(
      input({
        login: login({ geo: { location: location({ ...to }), anonymous: null } }),
        history: history({ lastLocation: last, places }),
      }),
    );

  it('coming home after a trip is not challenged: Tokyo → London in 1 h is impossible by speed, yet high at a familiar place', () => {
    const r = at(LONDON, lastLocation({ ...TOKYO, atMs: NOW - HOUR }), [place(LONDON)]);
    expect(r).toMatchObject({ code: 'impossible_travel_from_last_login', confidence: 'high', details: { familiar_place: true, nearest_familiar_km: 0 } });
  });

  it('the same jump to a place the user was never at stays low', () => {
    const r = at(TOKYO, lastLocation({ atMs: NOW - HOUR }), [place(LONDON)]);
    expect(r).toMatchObject({ code: 'impossible_travel_from_last_login', confidence: 'low', details: { familiar_place: false } });
  });

  it('a first login from a new region is at best medium, however slowly the user got there', () => {
    // London → New York over 3 days: ordinary travel by speed, but 5,570 km from every familiar place.
    const r = at(NEW_YORK, lastLocation({ atMs: NOW - 72 * HOUR }), [place(LONDON), place(PARIS)]);
    expect(r).toMatchObject({ code: 'travel_from_last_login', confidence: 'medium', details: { familiar_place: false } });
    expect((r.details as { nearest_familiar_km: number }).nearest_familiar_km).toBeGreaterThan(settings.travel.unfamiliarRegionKm);
  });

  it('a nearby unfamiliar place keeps the travel verdict (Paris, 340 km from London, a day later)', () => {
    const r = at(PARIS, lastLocation({ atMs: NOW - 24 * HOUR }), [place(LONDON)]);
    expect(r).toMatchObject({ code: 'travel_from_last_login', confidence: 'high', details: { familiar_place: false } });
  });

  it('places older than the familiarity window are not familiar', () => {
    const r = at(LONDON, lastLocation({ ...TOKYO, atMs: NOW - HOUR }), [place(LONDON, settings.familiarity.windowDays + 1)]);
    expect(r).toMatchObject({ confidence: 'low' });
  });
});
