/*
 * Bisection over sorted, disjoint address ranges held in typed arrays (IPv4 starts as uint32,
 * IPv6 starts as four uint32 words each), shared by `IpSet` and the ASN index.
 */

/** Compare the 4-word address at `a[i..i+4)` with the one at `b[j..j+4)`. */
export function compare6(a: Uint32Array, i: number, b: ArrayLike<number>, j: number): number {
  return a[i]! - b[j]! || a[i + 1]! - b[j + 1]! || a[i + 2]! - b[j + 2]! || a[i + 3]! - b[j + 3]!;
}

/**
 * The last range in `[lo, hi]` starting at or before IPv4 `addr` (ranges are disjoint, so only it
 * can hold `addr`), or `lo - 1` when none does.
 */
export function lastStartAtOrBefore4(starts: Uint32Array, addr: number, lo: number, hi: number): number {
  let found = lo - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= addr) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** The same for an IPv6 address given as four words. */
export function lastStartAtOrBefore6(starts: Uint32Array, words: ArrayLike<number>, lo: number, hi: number): number {
  let found = lo - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (compare6(starts, mid * 4, words, 0) <= 0) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
