import { describe, expect, it } from 'vitest';
import { haversineKm } from '../../src/intel/geo/haversine.js';

const R = 6371.0088;
/** One degree of arc on the mean sphere. */
const DEG_KM = (Math.PI * R) / 180;

describe('haversineKm', () => {
  it('is 0 for the same point', () => {
    expect(haversineKm(51.5074, -0.1278, 51.5074, -0.1278)).toBe(0);
  });

  it('measures one degree along a meridian as πR/180', () => {
    expect(haversineKm(10, 20, 11, 20)).toBeCloseTo(DEG_KM, 6);
  });

  it('London–Paris is about 343.5 km', () => {
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeGreaterThan(342.5);
    expect(haversineKm(51.5074, -0.1278, 48.8566, 2.3522)).toBeLessThan(344.5);
  });

  it('JFK–LHR is between 5540 and 5560 km', () => {
    const d = haversineKm(40.6413, -73.7781, 51.47, -0.4543);
    expect(d).toBeGreaterThan(5540);
    expect(d).toBeLessThan(5560);
  });

  it('is symmetric', () => {
    expect(haversineKm(40.6413, -73.7781, 51.47, -0.4543)).toBe(haversineKm(51.47, -0.4543, 40.6413, -73.7781));
  });

  it('crosses the antimeridian the short way (Fiji 179.9 ↔ −179.9)', () => {
    const d = haversineKm(-17.7, 179.9, -17.7, -179.9);
    // 0.2° of longitude at 17.7° S: 0.2 × 111.195 × cos(17.7°) ≈ 21.2 km.
    expect(d).toBeCloseTo(0.2 * DEG_KM * Math.cos((17.7 * Math.PI) / 180), 1);
    expect(d).toBeCloseTo(haversineKm(-17.7, -0.1, -17.7, 0.1), 9);
  });

  it('ignores longitude at a pole', () => {
    expect(haversineKm(90, 0, 90, 123)).toBeCloseTo(0, 9);
    expect(haversineKm(-90, -45, -90, 170)).toBeCloseTo(0, 9);
  });

  it('goes over the pole between opposite meridians', () => {
    expect(haversineKm(89.9, 0, 89.9, 180)).toBeCloseTo(0.2 * DEG_KM, 6);
  });

  it('gives half the circumference, not NaN, for antipodal points', () => {
    expect(haversineKm(90, 0, -90, 0)).toBeCloseTo(Math.PI * R, 6);
    expect(haversineKm(0, 0, 0, 180)).toBeCloseTo(Math.PI * R, 6);
    const d = haversineKm(33.3, 44.4, -33.3, -135.6);
    expect(Number.isNaN(d)).toBe(false);
    expect(d).toBeCloseTo(Math.PI * R, 3);
  });
});
