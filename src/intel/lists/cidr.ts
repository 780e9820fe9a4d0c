import { formatIpv4, formatIpv6, parseIpv4Range, parseIpv6Range } from './address.js';

/** An IPv4 network as an inclusive range of uint32 addresses. */
export interface Cidr4 {
  family: 4;
  start: number;
  end: number;
  prefix: number;
}

/** An IPv6 network as an inclusive range; addresses are four big-endian uint32 words. */
export interface Cidr6 {
  family: 6;
  start: Uint32Array;
  end: Uint32Array;
  prefix: number;
}

export type Cidr = Cidr4 | Cidr6;

/** Mask keeping the top `bits` (0–32) of a uint32. */
function highMask(bits: number): number {
  return bits <= 0 ? 0 : bits >= 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
}

/** Unsigned decimal text between `from` and `to`, of 1 to `maxDigits` digits and at most `max`, or -1. */
export function parseDecimal(s: string, from: number, to: number, maxDigits: number, max: number): number {
  if (to === from || to - from > maxDigits) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n <= max ? n : -1;
}

/** The prefix length written between `from` and `to`, at most `max`, or -1. */
function parsePrefix(s: string, from: number, to: number, max: number): number {
  // Decimal only, no sign or leading zeros: `/08` in a list is more likely a typo than intent.
  if (s.charCodeAt(from) === 48 && to - from > 1) return -1;
  return parseDecimal(s, from, to, 3, max);
}

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);

// Scratch words for parseCidr, which copies out of them.
const scratch = new Uint32Array(4);

/**
 * Parse a network like {@link parseCidr}, writing its first address (host bits cleared) to
 * `out[at]` for IPv4 or `out[at..at+4)` for IPv6, without allocating. Returns
 * `family * 256 + prefix` (IPv4: 1024 + prefix, IPv6: 1536 + prefix), or -1. For bulk
 * loading a million networks, where an object per network would dominate the cost; `from` and
 * `to` let a list parser point into a line instead of slicing it.
 */
export function parseNetworkInto(text: string, out: Uint32Array, at: number, from = 0, to = text.length): number {
  while (from < to && isSpace(text.charCodeAt(from))) from++;
  while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
  let slash = text.indexOf('/', from);
  if (slash < 0 || slash >= to) slash = -1;
  const addrEnd = slash < 0 ? to : slash;

  const v4 = parseIpv4Range(text, from, addrEnd);
  if (v4 >= 0) {
    const prefix = slash < 0 ? 32 : parsePrefix(text, slash + 1, to, 32);
    if (prefix < 0) return -1;
    out[at] = v4 & highMask(prefix);
    return 4 * 256 + prefix;
  }

  if (!parseIpv6Range(text, from, addrEnd, scratch)) return -1;
  const prefix = slash < 0 ? 128 : parsePrefix(text, slash + 1, to, 128);
  if (prefix < 0) return -1;
  if (prefix >= 96 && scratch[0] === 0 && scratch[1] === 0 && scratch[2] === 0xffff) {
    out[at] = scratch[3]! & highMask(prefix - 96);
    return 4 * 256 + prefix - 96;
  }
  for (let w = 0; w < 4; w++) out[at + w] = scratch[w]! & highMask(prefix - 32 * w);
  return 6 * 256 + prefix;
}

/** The last address of an IPv4 network. */
export function lastAddress4(start: number, prefix: number): number {
  return (start | ~highMask(prefix)) >>> 0;
}

/** Write the last address of an IPv6 network starting at `start[at..at+4)` to `out[outAt..outAt+4)`. */
export function lastAddress6(start: Uint32Array, at: number, prefix: number, out: Uint32Array, outAt: number): void {
  for (let w = 0; w < 4; w++) out[outAt + w] = (start[at + w]! | ~highMask(prefix - 32 * w)) >>> 0;
}

/**
 * Parse `a.b.c.d/n`, an IPv6 CIDR, or a bare address (taken as /32 or /128) into the range
 * it covers. Host bits below the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`), as
 * routers and most list tools do. An IPv4-mapped IPv6 network (`::ffff:1.2.3.0/120`) becomes
 * the IPv4 network it maps, because addresses are looked up after `::ffff:` normalisation.
 * Returns null for anything else.
 */
export function parseCidr(text: string): Cidr | null {
  const start = new Uint32Array(4);
  const kind = parseNetworkInto(text, start, 0);
  if (kind < 0) return null;
  const prefix = kind & 255;
  if (kind >> 8 === 4) return { family: 4, start: start[0]!, end: lastAddress4(start[0]!, prefix), prefix };
  const end = new Uint32Array(4);
  lastAddress6(start, 0, prefix, end, 0);
  return { family: 6, start, end, prefix };
}

/** Canonical text of a network: `10.0.0.0/8`, `2001:db8::/32`. */
export function formatCidr(c: Cidr): string {
  return c.family === 4 ? `${formatIpv4(c.start)}/${c.prefix}` : `${formatIpv6(c.start)}/${c.prefix}`;
}
