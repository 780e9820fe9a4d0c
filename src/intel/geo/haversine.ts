/** Mean Earth radius, IUGG R1 (the value geopy and most GIS tools use for spheres). */
const EARTH_RADIUS_KM = 6371.0088;
const RAD = Math.PI / 180;

/**
 * Great-circle distance in km between two WGS84 points given in degrees.
 *
 * Uses the haversine form, which stays accurate for small distances. Longitude enters only
 * through `sin²(Δλ/2)`, which is periodic, so points on either side of the antimeridian
 * (179.9° and −179.9°) come out a few km apart, not half the planet. At the poles longitude
 * drops out because `cos φ` is 0. The intermediate value is clamped to [0, 1]: floating-point
 * error near antipodal points can push it just above 1, and `asin` of that is NaN.
 */
export function haversineKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const φ1 = lat1 * RAD;
  const φ2 = lat2 * RAD;
  const sinDφ = Math.sin((φ2 - φ1) / 2);
  const sinDλ = Math.sin(((lon2 - lon1) * RAD) / 2);
  const a = sinDφ * sinDφ + Math.cos(φ1) * Math.cos(φ2) * sinDλ * sinDλ;
  const h = Math.min(1, Math.max(0, a));
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(h));
}
