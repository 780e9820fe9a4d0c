import { compare6, lastStartAtOrBefore4, lastStartAtOrBefore6 } from '../lists/ranges.js';

/** An autonomous system: its number, and the operator's name when the data gives one. */
export interface AsnRecord {
  asn: number;
  org: string | null;
}

/** The ranges of one address family; IPv6 addresses take four big-endian words each. */
interface Ranges {
  starts: Uint32Array;
  ends: Uint32Array;
  /** Index into the AS table, one per range. */
  values: Uint32Array;
}

const MAGIC = 0x31414956; // "VIA1" little-endian: the encoding's version and byte order
const HEADER_WORDS = 4; // magic, IPv4 ranges, IPv6 ranges, AS entries

/**
 * Address ranges → autonomous system, for an IP-to-ASN dataset given as inclusive ranges that
 * need not be CIDR blocks (the `@ip-location-db/asn` CSVs are such ranges, so `IpSet`, which
 * holds CIDR blocks, would have to split each into several). Ranges are sorted and disjoint in
 * typed arrays and searched by bisection: O(log n), no allocation per lookup but the first
 * record handed out for an AS. 12 bytes per IPv4 range, 36 per IPv6 range, plus the AS table.
 * Encodes to a flat buffer and decodes without parsing, so a compiled dataset can be cached on
 * disk.
 */
export class AsnIndex {
  /** Frozen records, made on first use: many ranges share an AS. */
  private readonly records: (AsnRecord | undefined)[];

  private constructor(
    private readonly v4: Ranges,
    private readonly v6: Ranges,
    private readonly asns: Uint32Array,
    private readonly orgs: readonly (string | null)[],
  ) {
    this.records = new Array<AsnRecord | undefined>(asns.length);
  }

  /** Ranges held (IPv4, IPv6) and AS entries. */
  get size(): { v4: number; v6: number; asns: number } {
    return { v4: this.v4.values.length, v6: this.v6.values.length, asns: this.asns.length };
  }

  /** Bytes held by the typed arrays (not counting the organisation names). */
  get byteLength(): number {
    const arrays = [this.v4.starts, this.v4.ends, this.v4.values, this.v6.starts, this.v6.ends, this.v6.values, this.asns];
    return arrays.reduce((sum, a) => sum + a.byteLength, 0);
  }

  /** The AS of an IPv4 address given as a uint32 (see `parseIpv4`), or null. */
  lookupV4(addr: number): AsnRecord | null {
    const { starts, ends, values } = this.v4;
    const found = lastStartAtOrBefore4(starts, addr, 0, starts.length - 1);
    return found >= 0 && addr <= ends[found]! ? this.record(values[found]!) : null;
  }

  /** The AS of an IPv6 address given as four words (see `parseIpv6`), or null. */
  lookupV6(words: ArrayLike<number>): AsnRecord | null {
    const { starts, ends, values } = this.v6;
    const found = lastStartAtOrBefore6(starts, words, 0, values.length - 1);
    return found >= 0 && compare6(ends, found * 4, words, 0) >= 0 ? this.record(values[found]!) : null;
  }

  private record(i: number): AsnRecord {
    let r = this.records[i];
    if (r === undefined) {
      r = Object.freeze({ asn: this.asns[i]!, org: this.orgs[i]! });
      this.records[i] = r;
    }
    return r;
  }

  /**
   * A flat little-endian buffer: a 16-byte header (magic, IPv4 and IPv6 range counts, AS
   * count), the uint32 arrays (IPv4 starts, ends, values; IPv6 starts, ends, values; AS
   * numbers), then the organisation names as one JSON array in UTF-8.
   */
  encode(): Buffer {
    const header = new Uint32Array([MAGIC, this.v4.values.length, this.v6.values.length, this.asns.length]);
    const parts: ArrayBufferView[] = [header, this.v4.starts, this.v4.ends, this.v4.values, this.v6.starts, this.v6.ends, this.v6.values, this.asns];
    const bytes = parts.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    return Buffer.concat([...bytes, Buffer.from(JSON.stringify(this.orgs), 'utf8')]);
  }

  /** The index {@link encode} wrote. Throws a RangeError for a buffer of another shape or byte order. */
  static decode(buf: Uint8Array): AsnIndex {
    if (buf.byteLength < HEADER_WORDS * 4) throw new RangeError('AsnIndex.decode: buffer too short');
    const [magic, n4 = 0, n6 = 0, na = 0] = new Uint32Array(copy(buf, 0, HEADER_WORDS * 4));
    if (magic !== MAGIC) throw new RangeError('AsnIndex.decode: not an encoded AsnIndex (or another byte order)');
    const arraysEnd = 4 * (HEADER_WORDS + n4 * 3 + n6 * 9 + na);
    if (buf.byteLength < arraysEnd) throw new RangeError(`AsnIndex.decode: ${buf.byteLength} bytes, expected more than ${arraysEnd}`);
    let at = HEADER_WORDS * 4;
    // Copy each array out: a buffer read from a file need not be 4-byte aligned.
    const u32 = (count: number) => {
      const a = new Uint32Array(copy(buf, at, count * 4));
      at += count * 4;
      return a;
    };
    const v4 = { starts: u32(n4), ends: u32(n4), values: u32(n4) };
    const v6 = { starts: u32(n6 * 4), ends: u32(n6 * 4), values: u32(n6) };
    const asns = u32(na);
    let orgs: unknown;
    try {
      orgs = JSON.parse(Buffer.from(buf.buffer, buf.byteOffset + at, buf.byteLength - at).toString('utf8'));
    } catch {
      throw new RangeError('AsnIndex.decode: organisation names are not valid JSON');
    }
    if (!Array.isArray(orgs) || orgs.length !== na || !orgs.every((o) => o === null || typeof o === 'string')) {
      throw new RangeError('AsnIndex.decode: organisation names do not match the AS table');
    }
    return new AsnIndex(v4, v6, asns, orgs as (string | null)[]);
  }

  /** Start a new index. */
  static builder(): AsnIndexBuilder {
    return new AsnIndexBuilder((v4, v6, asns, orgs) => new AsnIndex(v4, v6, asns, orgs));
  }
}

/** Growable uint32 storage, so a million ranges cost no object each. */
class Words {
  data = new Uint32Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  finish(): Uint32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * Collects ranges in ascending order of start, as the datasets list them, and builds an
 * {@link AsnIndex}. A range that overlaps the one before it keeps only its part past that one
 * (the earlier row wins; the bundled IPv4 CSV has one such pair), and is dropped when nothing
 * is left. Adjacent ranges of one AS are merged. A range that starts before the previous one's
 * start is out of order: the dataset is not what this reads, so `add*` throws a RangeError.
 */
export class AsnIndexBuilder {
  private readonly s4 = new Words();
  private readonly e4 = new Words();
  private readonly v4 = new Words();
  private readonly s6 = new Words();
  private readonly e6 = new Words();
  private readonly v6 = new Words();
  private readonly asns = new Words();
  private readonly orgs: (string | null)[] = [];
  /** AS number → table index; a Map, as AS numbers come from data. */
  private readonly byAsn = new Map<number, number>();
  private readonly start6 = new Uint32Array(4);
  /** The start of the last row given, before any clipping: the order check compares with it. */
  private lastStart4 = -1;
  private readonly lastStart6 = new Uint32Array(4);
  private any6 = false;

  constructor(private readonly make: (v4: Ranges, v6: Ranges, asns: Uint32Array, orgs: (string | null)[]) => AsnIndex) {}

  private entry(asn: number, org: string | null): number {
    let i = this.byAsn.get(asn);
    if (i === undefined) {
      i = this.asns.length;
      this.asns.push(asn);
      this.orgs.push(org);
      this.byAsn.set(asn, i);
    } else if (this.orgs[i] === null && org !== null) {
      this.orgs[i] = org;
    }
    return i;
  }

  /** Add the inclusive IPv4 range `start..end` (uint32s). */
  addV4(start: number, end: number, asn: number, org: string | null): void {
    if (end < start) throw new RangeError(`AsnIndex: IPv4 range ends before it starts (${start}–${end})`);
    if (start < this.lastStart4) throw new RangeError(`AsnIndex: IPv4 ranges out of order at ${start}`);
    this.lastStart4 = start;
    const n = this.v4.length;
    if (n > 0) {
      const prevEnd = this.e4.data[n - 1]!;
      if (start <= prevEnd) {
        if (end <= prevEnd) return;
        start = prevEnd + 1;
      }
      const value = this.entry(asn, org);
      if (start === prevEnd + 1 && this.v4.data[n - 1] === value) {
        this.e4.data[n - 1] = end;
        return;
      }
      this.push4(start, end, value);
      return;
    }
    this.push4(start, end, this.entry(asn, org));
  }

  private push4(start: number, end: number, value: number): void {
    this.s4.push(start);
    this.e4.push(end);
    this.v4.push(value);
  }

  /** Add the inclusive IPv6 range `start..end`, each four big-endian words. */
  addV6(start: ArrayLike<number>, end: ArrayLike<number>, asn: number, org: string | null): void {
    const s = this.start6;
    for (let w = 0; w < 4; w++) s[w] = start[w]!;
    if (compare6(s, 0, end, 0) > 0) throw new RangeError('AsnIndex: IPv6 range ends before it starts');
    if (this.any6 && compare6(s, 0, this.lastStart6, 0) < 0) throw new RangeError('AsnIndex: IPv6 ranges out of order');
    this.lastStart6.set(s);
    this.any6 = true;
    const n = this.v6.length;
    const value = this.entry(asn, org);
    if (n > 0) {
      const ends = this.e6.data;
      if (compare6(s, 0, ends, (n - 1) * 4) <= 0) {
        if (compare6(ends, (n - 1) * 4, end, 0) >= 0) return;
        // Start just past the previous range's end.
        for (let w = 0; w < 4; w++) s[w] = ends[(n - 1) * 4 + w]!;
        increment(s);
      }
      if (this.v6.data[n - 1] === value && adjacent(ends, (n - 1) * 4, s)) {
        for (let w = 0; w < 4; w++) ends[(n - 1) * 4 + w] = end[w]!;
        return;
      }
    }
    for (let w = 0; w < 4; w++) {
      this.s6.push(s[w]!);
      this.e6.push(end[w]! >>> 0);
    }
    this.v6.push(value);
  }

  build(): AsnIndex {
    // Names sliced from a CSV line would keep the whole file's text alive (V8 sliced strings);
    // a JSON round trip copies the ~100k names out of it.
    const orgs = JSON.parse(JSON.stringify(this.orgs)) as (string | null)[];
    return this.make(
      { starts: this.s4.finish(), ends: this.e4.finish(), values: this.v4.finish() },
      { starts: this.s6.finish(), ends: this.e6.finish(), values: this.v6.finish() },
      this.asns.finish(),
      orgs,
    );
  }
}

/** Add one to a 4-word address in place (the caller never passes the last address). */
function increment(words: Uint32Array): void {
  for (let w = 3; w >= 0; w--) {
    words[w] = (words[w]! + 1) >>> 0;
    if (words[w] !== 0) return;
  }
}

/** Whether the address at `a[i..i+4)` plus one is `b`. */
function adjacent(a: Uint32Array, i: number, b: Uint32Array): boolean {
  const next = new Uint32Array(4);
  for (let w = 0; w < 4; w++) next[w] = a[i + w]!;
  if (next[0] === 0xffffffff && next[1] === 0xffffffff && next[2] === 0xffffffff && next[3] === 0xffffffff) return false;
  increment(next);
  return compare6(next, 0, b, 0) === 0;
}

function copy(buf: Uint8Array, from: number, bytes: number): ArrayBuffer {
  const out = new ArrayBuffer(bytes);
  new Uint8Array(out).set(buf.subarray(from, from + bytes));
  return out;
}
