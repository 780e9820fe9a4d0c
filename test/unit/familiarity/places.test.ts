import { describe, expect, it } from 'vitest';
import { commitPlace, nearestPlaceKm, type Place } from '../../../src/risk/familiarity/places.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1, 12);
const limits = { maxPlaces: 3, windowDays: 180, mergeKm: 25 };
const LONDON = { lat: 51.5074, lon: -0.1278, accuracyKm: null };

describe('familiar places', () => {
  it('merges a login within mergeKm into its place (count, last day), rounding coordinates to 0.1°', () => {
    let places: Place[] = commitPlace([], { ...LONDON, atMs: T0 }, limits);
    expect(places).toEqual([{ lat: 51.5, lon: -0.1, accuracyKm: null, count: 1, lastSeenDay: T0 / DAY - 0.5 }]);
    places = commitPlace(places, { lat: 51.6, lon: -0.2, accuracyKm: 20, atMs: T0 + 3 * DAY }, limits);
    expect(places).toHaveLength(1);
    expect(places[0]).toMatchObject({ count: 2, lastSeenDay: Math.floor((T0 + 3 * DAY) / DAY) });
  });

  it('a back-filled login never moves a last-seen day back', () => {
    const places = commitPlace(commitPlace([], { ...LONDON, atMs: T0 + 10 * DAY }, limits), { ...LONDON, atMs: T0 }, limits);
    expect(places[0]?.lastSeenDay).toBe(Math.floor((T0 + 10 * DAY) / DAY));
  });

  it('keeps at most maxPlaces, the least recently seen dropped first, and drops places out of the window', () => {
    let places: Place[] = [];
    for (const [i, lon] of [0, 10, 20, 30].entries()) places = commitPlace(places, { lat: 0, lon, accuracyKm: null, atMs: T0 + i * DAY }, limits);
    expect(places.map((p) => p.lon)).toEqual([30, 20, 10]);
    places = commitPlace(places, { lat: 0, lon: 40, accuracyKm: null, atMs: T0 + 400 * DAY }, limits);
    expect(places.map((p) => p.lon)).toEqual([40]);
  });

  it('nearestPlaceKm subtracts both radii, floors at 0, and is null without places', () => {
    expect(nearestPlaceKm([], { lat: 0, lon: 0, accuracyKm: 5 }, 100)).toBeNull();
    const p: Place = { lat: 0, lon: 0, accuracyKm: 10, count: 1, lastSeenDay: 0 };
    // 1° of longitude at the equator is 111.2 km on the sphere haversineKm uses.
    expect(nearestPlaceKm([p], { lat: 0, lon: 1, accuracyKm: 20 }, 100)).toBeCloseTo(111.195 - 30, 1);
    expect(nearestPlaceKm([p], { lat: 0, lon: 1, accuracyKm: null }, 100)).toBeCloseTo(111.195 - 110, 2);
    expect(nearestPlaceKm([p], { lat: 0, lon: 0.1, accuracyKm: null }, 100)).toBe(0);
  });
});
