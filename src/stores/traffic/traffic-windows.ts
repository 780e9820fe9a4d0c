import type { TrafficConfig } from '../../config.js';

/**
 * Sliding windows of the traffic counters (docs/ip-intelligence.md, "Traffic reputation"), as pure
 * arithmetic over the login's time, so a fake clock moves them and a replayed login reads its own
 * past.
 */

const HOUR_MS = 3_600_000;

/** The distinct-accounts window is this many HyperLogLog buckets; PFCOUNT over them is their union. */
const ACCOUNT_BUCKETS = 6;

/**
 * Accounts tracked at once per IP for account+IP failures, bounding that hash. Further accounts
 * still count as failed logins and distinct accounts of the IP, just not each on its own; the
 * distinct-accounts threshold may not exceed it (config).
 */
export const MAX_ACCOUNTS_PER_IP = 1000;

export function hourOf(atMs: number): number {
  return Math.floor(atMs / HOUR_MS);
}

/** The account buckets in the window ending at `atMs`, oldest first, and a bucket's length. */
export function accountBuckets(atMs: number, t: Pick<TrafficConfig, 'distinctAccountsWindowMinutes'>): { buckets: number[]; bucketSec: number } {
  const bucketSec = (t.distinctAccountsWindowMinutes * 60) / ACCOUNT_BUCKETS;
  const current = Math.floor(atMs / 1000 / bucketSec);
  const buckets: number[] = [];
  for (let b = current - ACCOUNT_BUCKETS + 1; b <= current; b++) buckets.push(b);
  return { buckets, bucketSec };
}
