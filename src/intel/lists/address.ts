/**
 * IP address text ↔ numbers, written for the lookup hot path: no regular expressions, no
 * string splitting, no BigInt, no allocation per call. IPv4 is one uint32; IPv6 is four
 * big-endian uint32 words (word 0 holds the first 32 bits).
 */

/**
 * Parse dotted-quad IPv4 text between `from` and `to` into a uint32, or -1 when it is not
 * one. Strict like `node:net` `isIP`: exactly four decimal parts, 0–255, no leading zeros
 * (`010` would be octal to some parsers and decimal to others).
 */
export function parseIpv4Range(s: string, from: number, to: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let leadingZero = false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (leadingZero) return -1;
      if (digits === 0 && c === 48) leadingZero = true;
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return -1;
      // Multiply instead of shifting: `<<` would turn the top octet negative.
      value = value * 256 + part;
      part = 0;
      digits = 0;
      leadingZero = false;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** Parse IPv4 text into a uint32, or -1. See {@link parseIpv4Range}. */
export function parseIpv4(s: string): number {
  return parseIpv4Range(s, 0, s.length);
}

// Scratch space for the eight 16-bit groups; reused so a parse allocates nothing.
const groups = new Uint16Array(8);

/** Value of each ASCII hex digit, -1 for any other character. */
const HEX = new Int8Array(128).fill(-1);
for (let d = 0; d < 16; d++) {
  HEX['0123456789abcdef'.charCodeAt(d)] = d;
  HEX['0123456789ABCDEF'.charCodeAt(d)] = d;
}

function hexValue(c: number): number {
  return c < 128 ? HEX[c]! : -1;
}

/**
 * Parse IPv6 text into four uint32 words written to `out` (length ≥ 4). Returns false, leaving
 * `out` unspecified, when the text is not an IPv6 address. Accepts `::` compression and a
 * trailing dotted IPv4 (`::ffff:1.2.3.4`); rejects zone ids (`fe80::1%eth0`), since a zone
 * names an interface on the sender's host and means nothing here.
 */
export function parseIpv6(s: string, out: Uint32Array): boolean {
  return parseIpv6Range(s, 0, s.length, out);
}

/**
 * {@link parseIpv6} of the text between `from` and `to`, so a list parser need not slice lines.
 * One pass over hex groups and colons; a dotted IPv4 tail is handed to {@link parseIpv4Range}.
 */
export function parseIpv6Range(s: string, from: number, to: number, out: Uint32Array): boolean {
  if (to - from < 2) return false;
  let count = 0; // groups parsed so far
  let gap = -1; // index in `groups` where `::` stands
  let value = 0;
  let digits = 0;
  let groupStart = from;
  let i = from;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false; // only `::` may start an address
    gap = 0;
    i += 2;
  }
  for (; i < to; i++) {
    const c = s.charCodeAt(i);
    const h = hexValue(c);
    if (h >= 0) {
      if (digits === 0) groupStart = i;
      if (++digits > 4) return false;
      value = (value << 4) | h;
    } else if (c === 58) {
      if (digits === 0) {
        // A colon right after a colon: `::`, allowed once (a leading one counts).
        if (gap >= 0) return false;
        gap = count;
      } else {
        if (count === 8) return false;
        groups[count++] = value;
        value = 0;
        digits = 0;
        if (i + 1 === to) return false; // a single trailing `:`
      }
    } else if (c === 46 && digits > 0) {
      // A dotted IPv4 tail: it fills the last two groups and must end the address.
      const v4 = parseIpv4Range(s, groupStart, to);
      if (v4 < 0 || count > 6) return false;
      groups[count++] = v4 >>> 16;
      groups[count++] = v4 & 0xffff;
      digits = 0;
      break;
    } else {
      return false;
    }
  }
  if (digits > 0) {
    if (count === 8) return false;
    groups[count++] = value;
  }
  if (gap < 0) {
    if (count !== 8) return false;
  } else {
    // `::` stands for at least one zero group.
    if (count > 7) return false;
    const tail = count - gap;
    for (let k = 0; k < tail; k++) groups[7 - k] = groups[count - 1 - k]!;
    for (let k = gap; k < 8 - tail; k++) groups[k] = 0;
  }
  for (let w = 0; w < 4; w++) out[w] = ((groups[2 * w]! << 16) | groups[2 * w + 1]!) >>> 0;
  return true;
}

/** Format a uint32 as dotted-quad IPv4 text. */
export function formatIpv4(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * Format four words as canonical IPv6 text (RFC 5952 §4): lowercase hex, no leading zeros,
 * the longest run of two or more zero groups (the first, on a tie) written as `::`.
 */
export function formatIpv6(words: ArrayLike<number>): string {
  for (let w = 0; w < 4; w++) {
    const word = words[w]! >>> 0;
    groups[2 * w] = word >>> 16;
    groups[2 * w + 1] = word & 0xffff;
  }
  let bestStart = -1;
  let bestLen = 1; // a lone zero group is not compressed (RFC 5952 §4.2.2)
  for (let k = 0; k < 8; ) {
    if (groups[k] !== 0) {
      k++;
      continue;
    }
    let end = k;
    while (end < 8 && groups[end] === 0) end++;
    if (end - k > bestLen) {
      bestStart = k;
      bestLen = end - k;
    }
    k = end;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) {
      out += '::';
      k += bestLen - 1;
    } else {
      if (k > 0 && k !== bestStart + bestLen) out += ':';
      out += groups[k]!.toString(16);
    }
  }
  return out;
}
