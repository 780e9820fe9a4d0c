import { formatCidr, parseCidr } from './cidr.js';

/** Options for {@link parseListText}. */
export interface ListParseOptions {
  /**
   * Keep an `IP<TAB>count` line (ipsum's format: count = how many blacklists hold the IP)
   * only when count ≥ this. Lines without a count are always kept. Default 0: keep all.
   */
  minCount?: number;
}

/** The networks of one list text, and how many lines were malformed. */
export interface ParsedList {
  /** Canonical CIDR text (`10.0.0.0/8`, `2001:db8::/32`), in file order. */
  networks: string[];
  /** Lines that were neither blank, comment, nor a network; never fatal. */
  skipped: number;
}

/**
 * Parse an IP list: one address or CIDR a line; `#` and `;` start a comment anywhere on a
 * line; blank lines ignored; an optional whitespace-separated decimal count after the
 * network (ipsum). Any other trailing text makes the line malformed: `1.2.3.4 - 1.2.3.9`
 * silently read as `1.2.3.4/32` would hide a format we do not support.
 */
export function parseListText(text: string, options: ListParseOptions = {}): ParsedList {
  const minCount = options.minCount ?? 0;
  const networks: string[] = [];
  let skipped = 0;
  // A leading byte-order mark would otherwise spoil the first line.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (const rawLine of body.split('\n')) {
    const cut = rawLine.search(/[#;]/);
    const line = (cut < 0 ? rawLine : rawLine.slice(0, cut)).trim();
    if (line === '') continue;
    const fields = line.split(/\s+/);
    if (fields.length > 2) {
      skipped++;
      continue;
    }
    const [network = '', countText] = fields;
    if (countText !== undefined && !/^[0-9]{1,9}$/.test(countText)) {
      skipped++;
      continue;
    }
    const cidr = parseCidr(network);
    if (!cidr) {
      skipped++;
      continue;
    }
    if (countText !== undefined && Number(countText) < minCount) continue;
    networks.push(formatCidr(cidr));
  }
  return { networks, skipped };
}
