import { formatIpv4, formatIpv6, parseIpv4, parseIpv6 } from './address.js';
import { lastAddress4, lastAddress6, parseNetworkInto } from './cidr.js';
import { compare6, lastStartAtOrBefore4, lastStartAtOrBefore6 } from './ranges.js';

// Scratch words for IPv6 queries, so a lookup allocates nothing.
const query6 = new Uint32Array(4);
const words6 = new Uint32Array(4);

/** Bits of the bucket index for `n` ranges: about one range per bucket, 4 to 16 bits (256 KiB at most). */
function bucketBits(n: number): number {
  return Math.min(16, Math.max(4, Math.ceil(Math.log2(n + 1))));
}

/**
 * Bucket index over the top `bits` bits of each range's start: `index[h]` is the first range
 * whose start's top bits are ≥ h. A lookup then bisects the few ranges of one bucket instead of
 * all of them.
 */
function bucketIndex(count: number, bits: number, top32: (i: number) => number): Uint32Array {
  const buckets = 2 ** bits;
  const index = new Uint32Array(buckets + 1);
  let i = 0;
  for (let h = 0; h <= buckets; h++) {
    while (i < count && top32(i) >>> (32 - bits) < h) i++;
    index[h] = i;
  }
  return index;
}

/**
 * Stable LSD radix sort of the items `0..n-1` by `passes` 8-bit digits, least significant first
 * (`digit(item, 0)` is the least significant). Linear time, several times faster than a
 * comparison sort with a callback at a million networks. Passes in which every item has the
 * same digit are skipped (IPv6 lists are mostly /32–/64, so their low words are 0).
 */
function radixSort(n: number, passes: number, digit: (item: number, pass: number) => number): Uint32Array {
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Uint32Array(n);
  const counts = new Uint32Array(257);
  for (let p = 0; p < passes && n > 1; p++) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digit(order[i]!, p) + 1]!++;
    if (counts[digit(order[0]!, p) + 1] === n) continue;
    for (let d = 0; d < 256; d++) counts[d + 1]! += counts[d]!;
    for (let i = 0; i < n; i++) {
      const item = order[i]!;
      spare[counts[digit(item, p)]!++] = item;
    }
    [order, spare] = [spare, order];
  }
  return order;
}

/** The typed arrays of one address family, as held in memory and stored in Redis. */
interface Family {
  /** Range starts (IPv4: one word each; IPv6: four). */
  starts: Uint32Array;
  /** Inclusive range ends, laid out like `starts`. */
  ends: Uint32Array;
  prefixes: Uint8Array;
}

const MAGIC = 0x31534956; // "VIS1" little-endian: the encoding's version and byte order
const HEADER_BYTES = 12;

/**
 * A set of IPv4 and IPv6 networks answering "which network holds this address" in O(log n)
 * without allocating. Networks are kept as disjoint, sorted, inclusive ranges in typed arrays
 * (13 bytes per IPv4 network, 37 per IPv6) and searched by bisection within a bucket. Two CIDR
 * blocks are either nested or disjoint, so keeping only the broadest of nested blocks makes the
 * ranges disjoint, and the network reported for an address is the widest listed block holding it.
 *
 * Ranges are numbered IPv4 first, then IPv6; a lookup returns that number (or -1), and
 * {@link network} and {@link value} describe it. Each range carries one uint32 `value` that the
 * owner gives meaning to (a list source stores when the network was first seen). The set
 * encodes to a flat buffer and decodes without parsing, so a compiled list can be shared
 * through Redis and swapped in cheaply.
 */
export class IpSet {
  private readonly index4: Uint32Array;
  private readonly index6: Uint32Array;
  private readonly bits4: number;
  private readonly bits6: number;
  private readonly count4: number;

  private constructor(
    private readonly v4: Family,
    private readonly v6: Family,
    /** One per range, IPv4 ranges first. */
    private readonly values: Uint32Array,
  ) {
    this.count4 = v4.prefixes.length;
    this.bits4 = bucketBits(this.count4);
    this.bits6 = bucketBits(v6.prefixes.length);
    this.index4 = bucketIndex(this.count4, this.bits4, (i) => v4.starts[i]!);
    this.index6 = bucketIndex(v6.prefixes.length, this.bits6, (i) => v6.starts[i * 4]!);
  }

  /**
   * Build a set from CIDRs or bare addresses (see `parseCidr`); `values[i]` (default 0) goes
   * with `networks[i]`. Duplicates and blocks nested in another listed block are dropped, the
   * first of equal blocks winning. Throws a TypeError naming the first unparsable network:
   * callers validate their input first (`parseListText` does), so one here is a bug.
   */
  static build(networks: readonly string[], values?: ArrayLike<number>): IpSet {
    // Parse into flat typed arrays: an object per network would dominate the cost at 1M.
    const n = networks.length;
    const raw4 = new Uint32Array(n);
    const raw6 = new Uint32Array(n * 4);
    const prefix4 = new Uint8Array(n);
    const prefix6 = new Uint8Array(n);
    const input4 = new Uint32Array(n); // input position of each parsed IPv4 network
    const input6 = new Uint32Array(n);
    let n4 = 0;
    let n6 = 0;
    for (let i = 0; i < n; i++) {
      // Parse into the next IPv6 slot; an IPv4 result is moved to the IPv4 arrays.
      const kind = parseNetworkInto(networks[i]!, raw6, n6 * 4);
      if (kind < 0) throw new TypeError(`IpSet: not an IP network: ${JSON.stringify(networks[i])}`);
      if (kind >> 8 === 4) {
        raw4[n4] = raw6[n6 * 4]!;
        prefix4[n4] = kind & 255;
        input4[n4++] = i;
      } else {
        prefix6[n6] = kind & 255;
        input6[n6++] = i;
      }
    }

    // Sort by start, broadest first on equal starts (so a parent precedes what it holds); the
    // sort is stable, so the first of equal blocks comes first. Digit 0 is the prefix.
    const order4 = radixSort(n4, 5, (k, p) => (p === 0 ? prefix4[k]! : (raw4[k]! >>> ((p - 1) * 8)) & 255));
    const order6 = radixSort(n6, 17, (k, p) =>
      p === 0 ? prefix6[k]! : (raw6[k * 4 + 3 - ((p - 1) >> 2)]! >>> (((p - 1) & 3) * 8)) & 255,
    );

    // Keep each block that does not sit inside the one kept before it, with its input's value.
    const v4: Family = { starts: new Uint32Array(n4), ends: new Uint32Array(n4), prefixes: new Uint8Array(n4) };
    const v6: Family = { starts: new Uint32Array(n6 * 4), ends: new Uint32Array(n6 * 4), prefixes: new Uint8Array(n6) };
    const kept = new Uint32Array(n4 + n6); // input position of each kept range
    let k4 = 0;
    let lastEnd = -1;
    for (let o = 0; o < n4; o++) {
      const k = order4[o]!;
      const start = raw4[k]!;
      if (start <= lastEnd) continue;
      lastEnd = lastAddress4(start, prefix4[k]!);
      v4.starts[k4] = start;
      v4.ends[k4] = lastEnd;
      v4.prefixes[k4] = prefix4[k]!;
      kept[k4++] = input4[k]!;
    }
    let k6 = 0;
    for (let o = 0; o < n6; o++) {
      const k = order6[o]!;
      if (k6 > 0 && compare6(raw6, k * 4, v6.ends, (k6 - 1) * 4) <= 0) continue;
      for (let w = 0; w < 4; w++) v6.starts[k6 * 4 + w] = raw6[k * 4 + w]!;
      lastAddress6(raw6, k * 4, prefix6[k]!, v6.ends, k6 * 4);
      v6.prefixes[k6] = prefix6[k]!;
      kept[k4 + k6++] = input6[k]!;
    }

    const out = new Uint32Array(k4 + k6);
    if (values) for (let i = 0; i < out.length; i++) out[i] = values[kept[i]!]!;
    return new IpSet(
      { starts: v4.starts.slice(0, k4), ends: v4.ends.slice(0, k4), prefixes: v4.prefixes.slice(0, k4) },
      { starts: v6.starts.slice(0, k6 * 4), ends: v6.ends.slice(0, k6 * 4), prefixes: v6.prefixes.slice(0, k6) },
      out,
    );
  }

  /** Networks kept after dropping duplicates and nested blocks. */
  get size(): number {
    return this.values.length;
  }

  /** Bytes held by the typed arrays (ranges, values and bucket indexes). */
  get byteLength(): number {
    const arrays = [this.v4.starts, this.v4.ends, this.v4.prefixes, this.v6.starts, this.v6.ends, this.v6.prefixes, this.values];
    return [...arrays, this.index4, this.index6].reduce((sum, a) => sum + a.byteLength, 0);
  }

  /**
   * The range holding `ip`, or -1. `ip` should be normalised (`parseIp`), so an IPv4-mapped
   * address arrives as IPv4; text that does not parse as `family` gives -1.
   */
  lookup(ip: string, family: 4 | 6): number {
    if (family === 4) {
      const a = parseIpv4(ip);
      return a < 0 ? -1 : this.lookupV4(a);
    }
    return parseIpv6(ip, query6) ? this.lookupV6(query6) : -1;
  }

  /** Lookup of an IPv4 address given as a uint32 (see `parseIpv4`). */
  lookupV4(addr: number): number {
    const starts = this.v4.starts;
    const h = addr >>> (32 - this.bits4);
    // If no range starts in addr's bucket, the one that can hold it is the last of an earlier bucket.
    const found = lastStartAtOrBefore4(starts, addr, this.index4[h]!, this.index4[h + 1]! - 1);
    return found >= 0 && addr <= this.v4.ends[found]! ? found : -1;
  }

  /** Lookup of an IPv6 address given as four words (see `parseIpv6`). */
  lookupV6(words: Uint32Array): number {
    const starts = this.v6.starts;
    const h = words[0]! >>> (32 - this.bits6);
    const found = lastStartAtOrBefore6(starts, words, this.index6[h]!, this.index6[h + 1]! - 1);
    return found >= 0 && compare6(this.v6.ends, found * 4, words, 0) >= 0 ? this.count4 + found : -1;
  }

  /** Canonical CIDR text of range `i` (`10.0.0.0/8`, `2001:db8::/32`). */
  network(i: number): string {
    if (i < this.count4) return `${formatIpv4(this.v4.starts[i]!)}/${this.v4.prefixes[i]!}`;
    const j = i - this.count4;
    words6.set(this.v6.starts.subarray(j * 4, j * 4 + 4));
    return `${formatIpv6(words6)}/${this.v6.prefixes[j]!}`;
  }

  /** The value attached to range `i`. */
  value(i: number): number {
    return this.values[i]!;
  }

  /**
   * The same networks, each with the value of the identical network (same start and prefix) in
   * `previous`, or `fresh` when `previous` lacks it. A list source keeps "first seen" times
   * across versions this way, in O(n log m).
   */
  carryValues(previous: IpSet | null, fresh: number): IpSet {
    const values = new Uint32Array(this.size).fill(fresh);
    if (previous !== null) {
      for (let i = 0; i < this.count4; i++) {
        const start = this.v4.starts[i]!;
        const j = previous.lookupV4(start);
        if (j >= 0 && previous.v4.starts[j] === start && previous.v4.prefixes[j] === this.v4.prefixes[i]) values[i] = previous.values[j]!;
      }
      for (let i = 0; i < this.v6.prefixes.length; i++) {
        words6.set(this.v6.starts.subarray(i * 4, i * 4 + 4));
        const j = previous.lookupV6(words6) - previous.count4;
        if (j >= 0 && compare6(previous.v6.starts, j * 4, words6, 0) === 0 && previous.v6.prefixes[j] === this.v6.prefixes[i]) {
          values[this.count4 + i] = previous.values[previous.count4 + j]!;
        }
      }
    }
    return new IpSet(this.v4, this.v6, values);
  }

  /**
   * A flat little-endian buffer: a 12-byte header (magic, IPv4 and IPv6 counts), then the
   * uint32 arrays (IPv4 starts and ends, values, IPv6 starts and ends), then the prefix bytes.
   */
  encode(): Buffer {
    const parts: ArrayBufferView[] = [
      new Uint32Array([MAGIC, this.count4, this.v6.prefixes.length]),
      this.v4.starts,
      this.v4.ends,
      this.values,
      this.v6.starts,
      this.v6.ends,
      this.v4.prefixes,
      this.v6.prefixes,
    ];
    return Buffer.concat(parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength)));
  }

  /** The set {@link encode} wrote. Throws a RangeError for a buffer of another shape or byte order. */
  static decode(buf: Uint8Array): IpSet {
    if (buf.byteLength < HEADER_BYTES) throw new RangeError('IpSet.decode: buffer too short');
    const header = new Uint32Array(copy(buf, 0, HEADER_BYTES));
    const [magic, n4 = 0, n6 = 0] = header;
    if (magic !== MAGIC) throw new RangeError('IpSet.decode: not an encoded IpSet (or another byte order)');
    const expected = HEADER_BYTES + 4 * (n4 * 2 + (n4 + n6) + n6 * 8) + n4 + n6;
    if (buf.byteLength !== expected) throw new RangeError(`IpSet.decode: ${buf.byteLength} bytes, expected ${expected}`);
    let at = HEADER_BYTES;
    // Copy each array out: the buffer Redis hands back need not be 4-byte aligned.
    const u32 = (count: number) => {
      const a = new Uint32Array(copy(buf, at, count * 4));
      at += count * 4;
      return a;
    };
    const starts4 = u32(n4);
    const ends4 = u32(n4);
    const values = u32(n4 + n6);
    const starts6 = u32(n6 * 4);
    const ends6 = u32(n6 * 4);
    const prefixes4 = new Uint8Array(copy(buf, at, n4));
    const prefixes6 = new Uint8Array(copy(buf, at + n4, n6));
    return new IpSet({ starts: starts4, ends: ends4, prefixes: prefixes4 }, { starts: starts6, ends: ends6, prefixes: prefixes6 }, values);
  }
}

function copy(buf: Uint8Array, from: number, bytes: number): ArrayBuffer {
  const out = new ArrayBuffer(bytes);
  new Uint8Array(out).set(buf.subarray(from, from + bytes));
  return out;
}
