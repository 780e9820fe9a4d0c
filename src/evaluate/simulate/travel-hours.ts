/**
 * Door-to-door hours for a journey of `km` on the great circle: `airportHours` of overhead
 * (getting to the airport, security, boarding, getting out) plus the flight at `flightKmh`.
 * Short trips use the same rule: 3 h + 200 km at 800 km/h is ~3.3 h, about a train or car ride.
 */
export function travelHours(km: number, flightKmh: number, airportHours: number): number {
  return km <= 0 ? 0 : airportHours + km / flightKmh;
}
