import type { SimLogin } from './sim-login.js';

/** The history-length buckets detection targets are reported by (docs/simulate.md). */
export const HISTORY_BUCKETS = ['0', '1-2', '3-9', '10-29', '30+'] as const;

export type HistoryBucket = (typeof HISTORY_BUCKETS)[number];

/** The bucket of a user with `n` earlier successful logins. */
export function historyBucket(n: number): HistoryBucket {
  return n === 0 ? '0' : n <= 2 ? '1-2' : n <= 9 ? '3-9' : n <= 29 ? '10-29' : '30+';
}

/** How many of `logins` (time-ordered legit logins of one user) come before `atMs`. */
export function loginsBefore(logins: readonly SimLogin[], atMs: number): number {
  let lo = 0;
  let hi = logins.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (logins[mid]!.timeMs < atMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
