import type { TrafficConfig } from '../config.js';
import type { TrafficCounts } from '../intel/types.js';

/**
 * Sliding windows of the traffic counters (README "Traffic reputation"), as pure arithmetic
 * over the login's time, so a fake clock moves them and a replayed login reads its own past.
 */

const HOUR_MS = 3_600_000;

/** The distinct-accounts window is this many HyperLogLog buckets; PFCOUNT over them is their union. */
const ACCOUNT_BUCKETS = 6;

/**
 * Accounts tracked per IP for account+IP failures. Above every allowed distinct-accounts
 * threshold, so an IP that reaches it is flagged as a whole anyway; it bounds the hash per IP.
 */
export const MAX_ACCOUNTS_PER_IP = 1000;

export function hourOf(atMs: number): number {
  return Math.floor(atMs / HOUR_MS);
}

/** The account buckets in the window ending at `atMs`, oldest first, and a bucket's length. */
export function accountBuckets(atMs: number, t: Pick<TrafficConfig, 'distinctAccountsWindowMinutes'>): { buckets: number[]; bucketSec: number } {
  const bucketSec = (t.distinctAccountsWindowMinutes * 60) / ACCOUNT_BUCKETS;
  const current = Math.floor(atMs / 1000 / bucketSec);
  return { buckets: Array.from({ length: ACCOUNT_BUCKETS }, (_, i) => current - ACCOUNT_BUCKETS + 1 + i), bucketSec };
}

/** Failures in the hourly buckets (hour → count) inside the window ending at `atMs`. */
export function sumHourBuckets(h: Record<string, string> | undefined, atMs: number, windowHours: number): number {
  if (!h) return 0;
  const hour = hourOf(atMs);
  let total = 0;
  for (const [bucket, count] of Object.entries(h)) {
    const b = Number(bucket);
    if (b > hour - windowHours && b <= hour) total += Number(count);
  }
  return total;
}

/** An account's failures from an IP (`count:lastHour`), or 0 once its last failure left the window. */
export function accountFailuresOf(value: string | null | undefined, atMs: number, windowHours: number): number {
  if (!value) return 0;
  const [count, last] = value.split(':').map(Number);
  return last !== undefined && last > hourOf(atMs) - windowHours ? (count ?? 0) : 0;
}
