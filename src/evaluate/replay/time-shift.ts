const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

/** How far to move every login's timestamp, and why. */
export interface TimeShift {
  /** Whole days added to every timestamp (a multiple of 7; negative moves back); 0 when none is needed. */
  days: number;
  /** Why a shift was needed; null when none was. */
  reason: 'too_old' | 'in_future' | null;
}

/** A log whose span does not fit within the accepted age, however it is shifted. */
export class TimeShiftError extends Error {
  override readonly name = 'TimeShiftError';
}

/**
 * The shift that puts a log's timestamps where `POST /v1/assess` accepts them
 * (`src/risk/context/login-timestamp.ts`: not older than `maxAgeDays`, not in the future), or none
 * when they already are. A shift is by whole weeks, so hour of day and weekday stay as logged;
 * it lands the latest login 1 to 8 days before `nowMs`. A day of margin at the old end covers
 * the replay's own running time.
 *
 * @param minMs earliest login, epoch ms
 * @param maxMs latest login, epoch ms
 * @param nowMs the clock the service checks against, epoch ms
 * @param maxAgeDays `VIGIL_MAX_TIMESTAMP_AGE_DAYS` (default 365)
 */
export function timeShift(minMs: number, maxMs: number, nowMs: number, maxAgeDays: number): TimeShift {
  const oldest = nowMs - maxAgeDays * DAY_MS + DAY_MS;
  if (minMs >= oldest && maxMs <= nowMs) return { days: 0, reason: null };
  const weeks = Math.floor((nowMs - DAY_MS - maxMs) / WEEK_MS);
  const shiftMs = weeks * WEEK_MS;
  if (minMs + shiftMs < oldest) {
    const spanDays = Math.ceil((maxMs - minMs) / DAY_MS);
    throw new TimeShiftError(
      `the log spans ${spanDays} days, more than VIGIL_MAX_TIMESTAMP_AGE_DAYS (${maxAgeDays}) allows after a shift; ` +
        `set VIGIL_MAX_TIMESTAMP_AGE_DAYS=${spanDays + 10} for the replay, or replay a shorter period`,
    );
  }
  return { days: weeks * 7, reason: maxMs > nowMs ? 'in_future' : 'too_old' };
}
