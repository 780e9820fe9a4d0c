import type { ClientConfig } from '../../config.js';
import { VigilError } from '../../errors.js';

/** Clients may send timestamps a little ahead of our clock. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * When the login happened: the request's `timestamp` (replays, back-fills) if the client may
 * set one, else now. Refuses local times, impossible dates, the future and the too-old.
 */
export function loginTimestamp(ts: string | undefined, client: ClientConfig, nowMs: number, maxAgeDays: number): number {
  if (ts === undefined) return nowMs;
  if (!client.allowTimestamp) {
    throw new VigilError('timestamp_not_allowed', `client "${client.id}" may not set "timestamp" (allowTimestamp is off)`);
  }
  // A time without zone would be read in the server's zone.
  if (!ISO_WITH_ZONE.test(ts)) {
    throw new VigilError('invalid_timestamp', '"timestamp" must be ISO 8601 with a time zone, e.g. 2026-01-01T10:00:00Z');
  }
  const ms = Date.parse(ts);
  // Date.parse rolls a day past the month's end over (2026-02-30 → 2 March); refuse it instead.
  const [y, m, d] = ts.slice(0, 10).split('-').map(Number) as [number, number, number];
  if (Number.isNaN(ms) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) {
    throw new VigilError('invalid_timestamp', `"timestamp" is not a real date: ${ts}`);
  }
  if (ms > nowMs + MAX_CLOCK_SKEW_MS) throw new VigilError('invalid_timestamp', '"timestamp" is in the future');
  if (ms < nowMs - maxAgeDays * 86_400_000) {
    throw new VigilError('invalid_timestamp', `"timestamp" is more than ${maxAgeDays} days old`);
  }
  return ms;
}
