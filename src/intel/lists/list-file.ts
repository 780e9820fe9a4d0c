import { parseNetworkInto } from './cidr.js';

/** Options for {@link parseListText}. */
export interface ListParseOptions {
  /**
   * Keep an `IP<TAB>count` line (ipsum's format: count = how many blacklists hold the IP)
   * only when count ≥ this. Lines without a count are always kept. Default 0: keep all.
   */
  minCount?: number;
}

/** The networks of one list, and how many entries were malformed. */
export interface ParsedList {
  /** Each network as written in the list (validated; `IpSet.build` reads them), in list order. */
  networks: string[];
  /** Lines or records that were neither blank, comment, nor a network; never fatal. */
  skipped: number;
}

// Where parseNetworkInto writes while validating; the result is not kept.
const scratch = new Uint32Array(4);

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === 11 || c === 12;
const isComment = (c: number) => c === 35 || c === 59; // # ;

/**
 * Parse an IP list: one address or CIDR a line (FireHOL netsets, Spamhaus DROP, X4BNet); `#`
 * and `;` start a comment anywhere on a line; blank lines ignored; an optional
 * whitespace-separated decimal count after the network (ipsum). Any other trailing text makes
 * the line malformed: `1.2.3.4 - 1.2.3.9` silently read as `1.2.3.4/32` would hide a format we
 * do not support. Scans characters rather than splitting lines with regular expressions: a
 * million-line list parses in a fraction of a second.
 */
export function parseListText(text: string, options: ListParseOptions = {}): ParsedList {
  const minCount = options.minCount ?? 0;
  const networks: string[] = [];
  let skipped = 0;
  // A leading byte-order mark would otherwise spoil the first line.
  let lineStart = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (lineStart < text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd < 0) lineEnd = text.length;
    // Fields: [a, b) the network, [c, d) the count; e is where the content ends.
    let a = lineStart;
    let e = a;
    while (e < lineEnd && !isComment(text.charCodeAt(e))) e++;
    while (a < e && isSpace(text.charCodeAt(a))) a++;
    while (e > a && isSpace(text.charCodeAt(e - 1))) e--;
    if (a < e) {
      let b = a;
      while (b < e && !isSpace(text.charCodeAt(b))) b++;
      let c = b;
      while (c < e && isSpace(text.charCodeAt(c))) c++;
      let count = -1;
      let ok = parseNetworkInto(text, scratch, 0, a, b) >= 0;
      if (ok && c < e) {
        // A count: 1–9 decimal digits and nothing after them.
        count = 0;
        for (let i = c; i < e && ok; i++) {
          const digit = text.charCodeAt(i) - 48;
          ok = digit >= 0 && digit <= 9 && i - c < 9;
          count = count * 10 + digit;
        }
      }
      if (!ok) skipped++;
      else if (count < 0 || count >= minCount) networks.push(text.slice(a, b));
    }
    lineStart = lineEnd + 1;
  }
  return { networks, skipped };
}
