import { parseIpv4, parseIpv6 } from './address.js';
import { lastAddress4, lastAddress6, parseNetworkInto } from './cidr.js';

/** Anything with a network; the set hands the entry itself back on a hit. */
export interface NetworkEntry {
  network: string;
}

// Scratch words for IPv6 queries, so a lookup allocates nothing.
const query6 = new Uint32Array(4);

/** Compare the 4-word address at `a[i..i+4)` with the one at `b[j..j+4)`. */
function compare6(a: Uint32Array, i: number, b: Uint32Array, j: number): number {
  return a[i]! - b[j]! || a[i + 1]! - b[j + 1]! || a[i + 2]! - b[j + 2]! || a[i + 3]! - b[j + 3]!;
}

/**
 * Bucket index over the top 16 bits of each range's start: `index[h]` is the first range
 * whose start's top 16 bits are ≥ h. A lookup then bisects a handful of ranges instead of
 * all of them, which matters at a million networks (256 KiB per family).
 */
function bucketIndex(count: number, top16: (i: number) => number): Uint32Array {
  const index = new Uint32Array(65537);
  let i = 0;
  for (let h = 0; h <= 65536; h++) {
    while (i < count && top16(i) < h) i++;
    index[h] = i;
  }
  return index;
}

/**
 * A set of IPv4 and IPv6 networks answering "which network holds this address" in
 * O(log n) with no allocation: the networks are kept as disjoint, sorted inclusive ranges in
 * typed arrays and searched by bisection within a bucket. Two CIDR blocks are either nested or
 * disjoint, so keeping only the broadest of nested blocks makes the ranges disjoint, and the
 * network reported for an address is the widest listed block that contains it.
 */
export class IpSet<T extends NetworkEntry> {
  private constructor(
    private readonly starts4: Uint32Array,
    private readonly ends4: Uint32Array,
    private readonly entries4: readonly T[],
    private readonly index4: Uint32Array,
    /** Four words per range. */
    private readonly starts6: Uint32Array,
    private readonly ends6: Uint32Array,
    private readonly entries6: readonly T[],
    private readonly index6: Uint32Array,
  ) {}

  /**
   * Build a set from entries whose `network` is a CIDR or a bare address (see `parseCidr`).
   * Duplicates and blocks nested in another listed block are dropped (the first of equal
   * blocks wins). Throws a TypeError naming the first unparsable network: callers validate
   * their input first (`parseListText` does), so one here is a bug.
   */
  static build<T extends NetworkEntry>(entries: readonly T[]): IpSet<T> {
    // Parse into flat typed arrays: an object per network would dominate the cost at 1M.
    const n = entries.length;
    const raw4 = new Uint32Array(n);
    const raw6 = new Uint32Array(n * 4);
    const prefix4 = new Uint8Array(n);
    const prefix6 = new Uint8Array(n);
    const of4: number[] = []; // entry index of each parsed IPv4 network
    const of6: number[] = [];
    for (let i = 0; i < n; i++) {
      const network = entries[i]!.network;
      const v4 = of4.length;
      const v6 = of6.length;
      // Parse as if IPv6 first slot; an IPv4 result is moved to the IPv4 arrays.
      const kind = parseNetworkInto(network, raw6, v6 * 4);
      if (kind < 0) throw new TypeError(`IpSet: not an IP network: ${JSON.stringify(network)}`);
      if (kind >> 8 === 4) {
        raw4[v4] = raw6[v6 * 4]!;
        prefix4[v4] = kind & 255;
        of4.push(i);
      } else {
        prefix6[v6] = kind & 255;
        of6.push(i);
      }
    }

    // Sort by start, broadest first on equal starts (so a parent precedes what it holds),
    // then by input order so the first of equal blocks is kept.
    const order4 = Uint32Array.from(of4.keys()).sort(
      (a, b) => raw4[a]! - raw4[b]! || prefix4[a]! - prefix4[b]! || a - b,
    );
    const starts4: number[] = [];
    const ends4: number[] = [];
    const entries4: T[] = [];
    let lastEnd4 = -1;
    for (const k of order4) {
      const start = raw4[k]!;
      if (start <= lastEnd4) continue; // inside the block kept before it
      lastEnd4 = lastAddress4(start, prefix4[k]!);
      starts4.push(start);
      ends4.push(lastEnd4);
      entries4.push(entries[of4[k]!]!);
    }

    const order6 = Uint32Array.from(of6.keys()).sort(
      (a, b) => compare6(raw6, a * 4, raw6, b * 4) || prefix6[a]! - prefix6[b]! || a - b,
    );
    const starts6 = new Uint32Array(of6.length * 4);
    const ends6 = new Uint32Array(of6.length * 4);
    const entries6: T[] = [];
    for (const k of order6) {
      const kept = entries6.length;
      if (kept > 0 && compare6(raw6, k * 4, ends6, (kept - 1) * 4) <= 0) continue;
      starts6.set(raw6.subarray(k * 4, k * 4 + 4), kept * 4);
      lastAddress6(raw6, k * 4, prefix6[k]!, ends6, kept * 4);
      entries6.push(entries[of6[k]!]!);
    }

    const s4 = Uint32Array.from(starts4);
    const s6 = starts6.slice(0, entries6.length * 4);
    return new IpSet(
      s4,
      Uint32Array.from(ends4),
      entries4,
      bucketIndex(s4.length, (i) => s4[i]! >>> 16),
      s6,
      ends6.slice(0, entries6.length * 4),
      entries6,
      bucketIndex(entries6.length, (i) => s6[i * 4]! >>> 16),
    );
  }

  /** Networks kept after dropping duplicates and nested blocks. */
  get size(): number {
    return this.entries4.length + this.entries6.length;
  }

  /**
   * The entry whose network holds `ip`, or null. `ip` should be normalised (`parseIp`), so
   * an IPv4-mapped address arrives as IPv4; text that does not parse as `family` gives null.
   */
  lookup(ip: string, family: 4 | 6): T | null {
    if (family === 4) {
      const a = parseIpv4(ip);
      return a < 0 ? null : this.lookupV4(a);
    }
    return parseIpv6(ip, query6) ? this.lookupV6(query6) : null;
  }

  /** Lookup of an IPv4 address given as a uint32 (see `parseIpv4`). */
  lookupV4(addr: number): T | null {
    const starts = this.starts4;
    const h = addr >>> 16;
    let lo = this.index4[h]!;
    let hi = this.index4[h + 1]! - 1;
    // The last range starting at or before addr; ranges are disjoint, so only it can hold
    // addr. If none starts in addr's bucket, it is the last range of an earlier bucket.
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
    return found >= 0 && addr <= this.ends4[found]! ? this.entries4[found]! : null;
  }

  /** Lookup of an IPv6 address given as four words (see `parseIpv6`). */
  lookupV6(words: Uint32Array): T | null {
    const starts = this.starts6;
    const h = words[0]! >>> 16;
    let lo = this.index6[h]!;
    let hi = this.index6[h + 1]! - 1;
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
    return found >= 0 && compare6(this.ends6, found * 4, words, 0) >= 0 ? this.entries6[found]! : null;
  }
}
