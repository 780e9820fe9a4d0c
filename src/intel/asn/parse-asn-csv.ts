import type { AsnIndexBuilder } from './asn-index.js';
import { parseDecimal } from '../lists/cidr.js';

const TWO_32 = 2 ** 32;

/** Unsigned decimal text of up to 10 digits between `from` and `to`, at most 2^32 − 1, or -1. */
const uint32 = (s: string, from: number, to: number): number => parseDecimal(s, from, to, 10, 0xffffffff);

/**
 * Parse an unsigned decimal of up to 128 bits into four big-endian uint32 words, without
 * BigInt: each digit multiplies the words by ten and adds itself. False when the text is not
 * such a number.
 */
function decimal128(s: string, from: number, to: number, out: Uint32Array): boolean {
  if (to === from || to - from > 39) return false;
  out.fill(0);
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return false;
    let carry = d;
    for (let w = 3; w >= 0; w--) {
      // < 10 × 2^32 + 10: exact in a double.
      const v = out[w]! * 10 + carry;
      carry = Math.floor(v / TWO_32);
      out[w] = v - carry * TWO_32;
    }
    if (carry !== 0) return false;
  }
  return true;
}

/** The end of the CSV field starting at `from` (a comma or `to`), honouring RFC 4180 quotes. */
function fieldEnd(s: string, from: number, to: number): number {
  if (s.charCodeAt(from) !== 34) {
    const comma = s.indexOf(',', from);
    return comma < 0 || comma > to ? to : comma;
  }
  let i = from + 1;
  while (i < to) {
    if (s.charCodeAt(i) === 34) {
      if (s.charCodeAt(i + 1) === 34) i += 2; // "" is a quote inside the field
      else return i + 1;
    } else {
      i++;
    }
  }
  return to;
}

/** The text of a CSV field: quotes removed, `""` unescaped, trimmed; null when empty. */
function fieldText(s: string, from: number, to: number): string | null {
  let text = s.slice(from, to);
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1).replaceAll('""', '"');
  text = text.trim();
  return text === '' ? null : text;
}

/** What a parse kept and skipped. */
export interface AsnCsvStats {
  rows: number;
  /** Rows for AS 0 (RFC 7607: "not routed"), which stand for no AS at all. */
  skippedAs0: number;
}

/**
 * Read an `@ip-location-db/asn` numeric CSV (`asn-ipv4-num.csv` or `asn-ipv6-num.csv`): one
 * inclusive range a line, `start,end,asn,organisation`, addresses as unsigned decimals (IPv6 up
 * to 128 bits), the organisation quoted per RFC 4180 when it holds a comma or a quote. Ranges go
 * to `into` in file order. Throws a RangeError naming the line for a line of another shape: the
 * file ships inside a package, so one is a broken install, not input to tolerate.
 */
export function parseAsnCsv(text: string, family: 4 | 6, into: AsnIndexBuilder): AsnCsvStats {
  const start6 = new Uint32Array(4);
  const end6 = new Uint32Array(4);
  let rows = 0;
  let skippedAs0 = 0;
  let line = 0;
  for (let at = 0; at < text.length; ) {
    let eol = text.indexOf('\n', at);
    if (eol < 0) eol = text.length;
    const next = eol + 1;
    line++;
    let to = eol;
    if (to > at && text.charCodeAt(to - 1) === 13) to--;
    if (to === at) {
      at = next;
      continue;
    }
    const c1 = text.indexOf(',', at);
    const c2 = c1 < 0 ? -1 : text.indexOf(',', c1 + 1);
    const c3 = c2 < 0 ? -1 : text.indexOf(',', c2 + 1);
    if (c1 < 0 || c2 < 0 || c1 > to || c2 > to) throw new RangeError(`ASN CSV line ${line}: expected start,end,asn,organisation`);
    const asnEnd = c3 < 0 || c3 > to ? to : c3;
    const asn = uint32(text, c2 + 1, asnEnd);
    const org = asnEnd < to ? fieldText(text, asnEnd + 1, fieldEnd(text, asnEnd + 1, to)) : null;
    if (asn < 0) throw new RangeError(`ASN CSV line ${line}: bad AS number`);
    rows++;
    if (asn === 0) {
      skippedAs0++;
    } else if (family === 4) {
      const start = uint32(text, at, c1);
      const end = uint32(text, c1 + 1, c2);
      if (start < 0 || end < 0) throw new RangeError(`ASN CSV line ${line}: bad IPv4 range`);
      into.addV4(start, end, asn, org);
    } else {
      if (!decimal128(text, at, c1, start6) || !decimal128(text, c1 + 1, c2, end6)) {
        throw new RangeError(`ASN CSV line ${line}: bad IPv6 range`);
      }
      into.addV6(start6, end6, asn, org);
    }
    at = next;
  }
  return { rows, skippedAs0 };
}
