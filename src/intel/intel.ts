import { readFile } from 'node:fs/promises';
import { ConfigError, type Config } from '../config.js';
import { parseIpv4, parseIpv6 } from './address.js';
import { BOGON_NETWORKS } from './bogons.js';
import { IpSet } from './ip-set.js';
import { parseListText } from './list-file.js';
import type { IntelCategory, IntelMatch } from './types.js';

/** Name of the built-in source of unroutable addresses, always present. */
export const BOGON_SOURCE = 'bogons';

/** One named list's networks, before indexing. */
export interface IntelSourceInput {
  name: string;
  category: IntelCategory;
  /** CIDRs or bare addresses, as `parseListText` returns them. */
  networks: readonly string[];
  /** Malformed lines dropped while reading the list, for metrics. */
  skipped?: number;
}

/** Size of one loaded source, for metrics and the readiness report. */
export interface IntelSourceStats {
  name: string;
  category: IntelCategory;
  /** Networks held after dropping duplicates and nested blocks. */
  size: number;
  skipped: number;
}

interface Source {
  name: string;
  category: IntelCategory;
  set: IpSet<IntelMatch>;
  skipped: number;
}

const NO_MATCHES: readonly IntelMatch[] = Object.freeze([]);
// Scratch words for IPv6 queries, so a lookup with no hit allocates nothing.
const query6 = new Uint32Array(4);

/**
 * The static IP lists (deny lists, anonymizer and datacenter ranges, bogons), indexed in
 * memory. Built once at boot and handed in; lookups are synchronous and cost O(log n) per
 * source with no allocation unless something matches.
 */
export class IpIntel {
  private constructor(private readonly list: readonly Source[]) {}

  /** Index the given sources, with the built-in {@link BOGON_SOURCE} first. */
  static fromSources(inputs: readonly IntelSourceInput[]): IpIntel {
    const all: IntelSourceInput[] = [
      { name: BOGON_SOURCE, category: 'unroutable', networks: BOGON_NETWORKS },
      ...inputs,
    ];
    const seen = new Set<string>();
    for (const { name } of all) {
      if (seen.has(name)) throw new ConfigError(`Invalid configuration: IP list name "${name}" is used twice (or is reserved)`);
      seen.add(name);
    }
    return new IpIntel(
      all.map(({ name, category, networks, skipped = 0 }) => ({
        name,
        category,
        skipped,
        // Frozen: the same objects are handed to every request that hits them.
        set: IpSet.build(networks.map((network) => Object.freeze({ network, source: name, category }))),
      })),
    );
  }

  /**
   * Read every configured list file (concurrently), parse it, and index it with the bogons.
   * A missing or unreadable file is a {@link ConfigError}: booting without a deny list the
   * operator configured would silently weaken every assessment. Malformed lines are counted,
   * not fatal.
   */
  static async load(lists: Config['lists']): Promise<IpIntel> {
    const inputs = await Promise.all(
      lists.map(async ({ name, path, category }): Promise<IntelSourceInput> => {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (err) {
          throw new ConfigError(`Cannot read IP list "${name}" at ${path}: ${(err as Error).message}`, { cause: err });
        }
        const { networks, skipped } = parseListText(text);
        return { name, category, networks, skipped };
      }),
    );
    return IpIntel.fromSources(inputs);
  }

  /**
   * Every source's match for `ip` (normalised, see `parseIp`), in source order, at most one
   * per source: the widest listed network holding the address. Empty when none matches or
   * the text is not an address of `family`.
   */
  lookup(ip: string, family: 4 | 6): readonly IntelMatch[] {
    let matches: IntelMatch[] | null = null;
    if (family === 4) {
      const addr = parseIpv4(ip);
      if (addr < 0) return NO_MATCHES;
      for (const source of this.list) {
        const hit = source.set.lookupV4(addr);
        if (hit) (matches ??= []).push(hit);
      }
    } else {
      if (!parseIpv6(ip, query6)) return NO_MATCHES;
      for (const source of this.list) {
        const hit = source.set.lookupV6(query6);
        if (hit) (matches ??= []).push(hit);
      }
    }
    return matches ?? NO_MATCHES;
  }

  /** Per-source sizes, for metrics. */
  sources(): IntelSourceStats[] {
    return this.list.map(({ name, category, set, skipped }) => ({ name, category, size: set.size, skipped }));
  }
}
